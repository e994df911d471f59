"""Shared test fixtures."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

# Flags that keep headless Chromium off the network and quiet in a sandboxed machine.
HEADLESS_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


@pytest.fixture
def headless_chromium(tmp_path: Path) -> list[str]:
    """Command prefix for Debian's headless Chromium; skips the test clearly when it is absent."""
    found = "/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else shutil.which("chromium")
    if found is None:
        pytest.skip("browser test skipped: no Chromium found (apt-get install -y chromium)")
    return [found, *HEADLESS_FLAGS, f"--user-data-dir={tmp_path / 'chromium-profile'}"]
