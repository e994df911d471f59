"""Typed settings, read from the environment (prefix REGENSPINE_) only when asked for."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlsplit

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

PUBLIC_BASE_URL_SHAPE = "an http:// or https:// address with no ?query or #fragment"


class SettingsProblem(ValueError):
    """A REGENSPINE_* variable holds a value the app cannot start with; the message names it."""


def plain_web_address(value: str, name: str) -> str:
    """The address without its trailing slash, or SettingsProblem naming `name` and the shape."""
    parts = urlsplit(value.strip())
    try:
        parts.port  # noqa: B018 - reading the port is what checks it
    except ValueError:
        parts = parts._replace(netloc="")
    if (
        parts.scheme not in ("http", "https")
        or not parts.hostname
        or "?" in value
        or "#" in value
        or any(character.isspace() for character in value.strip())
    ):
        raise SettingsProblem(
            f"{name}: {value!r} is not a web address the app can put in links; "
            f"allowed: {PUBLIC_BASE_URL_SHAPE}, such as https://clinic.example/regenspine"
        )
    return value.strip().rstrip("/")


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
    public_base_url: str | None = Field(
        default=None,
        description=(
            "Address patients use to reach the web app (self-report links); empty means the "
            "address each web request came in on, and the CLI then needs --base-url."
        ),
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

    @field_validator("public_base_url")
    @classmethod
    def _public_base_url_is_plain(cls, value: str | None) -> str | None:
        if value is None or not value.strip():
            return None
        return plain_web_address(value, "REGENSPINE_PUBLIC_BASE_URL")

    def resolved_database_url(self) -> str:
        """The configured database URL, or the embedded SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'regenspine.sqlite3').as_posix()}"


def get_settings() -> Settings:
    """Read settings from the environment now (never at import time); SettingsProblem names the
    variable of the first bad value."""
    try:
        return Settings()
    except ValidationError as error:
        first = error.errors()[0]
        variable = "REGENSPINE_" + str(first["loc"][0]).upper() if first["loc"] else "REGENSPINE_*"
        message = first["msg"].removeprefix("Value error, ")
        if not message.startswith(variable):
            message = f"{variable}: {message}"
        raise SettingsProblem(message) from None
