"""Reading what the user hands the CLI: JSON files, dates and files written back atomically."""

from __future__ import annotations

import datetime as dt
import json
import os
import re
import sys
import tempfile
from pathlib import Path
from typing import Any

from regenspine.errors import InvalidInput, shown

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def read_json_file(path: Path | str, option: str) -> Any:
    """Decode a JSON file (or stdin for `-`); a missing file or bad JSON names the option."""
    path = Path(path)
    try:
        text = sys.stdin.read() if str(path) == "-" else path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise InvalidInput(option, f"no such file: {path}") from None
    except (OSError, UnicodeDecodeError) as error:
        problem = getattr(error, "strerror", None) or str(error)
        raise InvalidInput(option, f"cannot read {path} ({problem})") from None
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        where = f"{error.msg}, line {error.lineno} column {error.colno}"
        raise InvalidInput(option, f"{path} is not valid JSON ({where})") from None


def parse_iso_date(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD calendar date, or InvalidInput naming the option."""
    try:
        if _ISO_DATE.fullmatch(value.strip()):
            return dt.date.fromisoformat(value.strip())
    except ValueError:
        pass
    raise InvalidInput(option, f"not a calendar date: {shown(value)}", "YYYY-MM-DD")


def write_file_atomically(path: Path, content: str | bytes, option: str) -> None:
    """Write the whole content via a temporary file and a rename, so nothing is half-written."""
    target = path.expanduser()
    try:
        handle, temporary = tempfile.mkstemp(dir=target.parent or Path("."), suffix=".part")
    except OSError as error:
        raise InvalidInput(option, f"cannot write {path} ({error.strerror})") from None
    data = content.encode("utf-8") if isinstance(content, str) else content
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
        # mkstemp makes the file private; a saved page or calendar is an ordinary file.
        os.chmod(temporary, 0o644)
        os.replace(temporary, target)
    except OSError as error:
        Path(temporary).unlink(missing_ok=True)
        raise InvalidInput(option, f"cannot write {path} ({error.strerror})") from None
