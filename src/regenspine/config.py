"""Typed settings, read from the environment (prefix REGENSPINE_) only when asked for."""

from __future__ import annotations

from pathlib import Path

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict


class Settings(BaseSettings):
    """All configuration in one place; build it with `get_settings()` or directly in tests."""

    model_config = SettingsConfigDict(env_prefix="REGENSPINE_", env_file=".env", extra="ignore")

    data_dir: Path = Field(
        default=Path("var"), description="Folder for the embedded SQLite database and exports."
    )
    database_url: str | None = Field(
        default=None,
        description="SQLAlchemy URL; empty means the embedded SQLite file under data_dir.",
    )
    faq_top: int = Field(default=3, ge=1, le=20, description="Answers the FAQ returns by default.")
    public_base_url: str = Field(
        default="http://127.0.0.1:8000",
        description="Address patients use to reach the web app (self-report links in e-mails).",
    )
    secret_key: str | None = Field(
        default=None,
        description="Key that signs session cookies; empty means one kept in data_dir.",
    )
    report_error_email: str | None = Field(
        default=None,
        pattern=r"^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$",
        description="Where readers report an error in the content (shown on the About page).",
    )
    self_report_link_hours: int = Field(
        default=72, ge=1, le=24 * 60, description="How long a self-report link stays valid."
    )
    smtp_host: str = Field(default="localhost", description="SMTP server for reminder e-mails.")
    smtp_port: int = Field(default=25, ge=1, le=65535)
    smtp_username: str | None = None
    smtp_password: str | None = None
    smtp_starttls: bool = Field(default=False, description="Upgrade the SMTP connection to TLS.")
    smtp_sender: str = Field(
        default="regenspine registry <registry@localhost>", description="From: of reminders."
    )

    def resolved_database_url(self) -> str:
        """The configured database URL, or the embedded SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'regenspine.sqlite3').as_posix()}"


def get_settings() -> Settings:
    """Read settings from the environment now (never at import time)."""
    return Settings()
