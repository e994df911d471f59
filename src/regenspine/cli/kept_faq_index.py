"""The FAQ index kept between runs: one JSON file in the user's cache folder, rebuilt when stale.

Stemming the facts is about 0.2 s of CPU, a third of a `regenspine faq` run. The kept file holds
the stemmed words under a key of what they were stemmed from (decision_aid/faq_index.py), so a
changed fact, topic title, stopword or synonym, or another stemmer, gets a new index by itself.
A file that cannot be read, is not a kept index or has another key is never used; it is built
again and replaced.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

from regenspine.decision_aid.faq_index import (
    FaqIndex,
    build_index,
    from_kept_form,
    index_inputs,
    inputs_key,
    kept_form,
    read_vocabulary,
)
from regenspine.knowledge import load_knowledge

CACHE_FOLDER_ENV = "REGENSPINE_CACHE_DIR"
KEPT_FILE = "faq-index.json"


def cache_folder() -> Path:
    """Where regenspine keeps what it can rebuild: $REGENSPINE_CACHE_DIR, else the XDG cache."""
    configured = os.environ.get(CACHE_FOLDER_ENV)
    if configured:
        return Path(configured)
    # The XDG Base Directory specification: $XDG_CACHE_HOME, or ~/.cache when it is unset.
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "regenspine"


def kept_faq_index(folder: Path | None = None) -> FaqIndex:
    """The FAQ index from the kept file when it matches the knowledge base; else built and kept."""
    inputs = index_inputs(load_knowledge(), read_vocabulary())
    path = (cache_folder() if folder is None else folder) / KEPT_FILE
    index = from_kept_form(_read(path), inputs)
    if index is None:
        index = build_index(inputs)
        _keep(path, kept_form(index, inputs_key(inputs)))
    return index


def _read(path: Path) -> Any:
    try:
        return json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, RecursionError):
        # Missing, unreadable, not UTF-8 or not JSON: the same as no kept index.
        return None


def _keep(path: Path, data: dict[str, Any]) -> None:
    """Write the file whole or not at all; where nothing can be written the next run builds."""
    written: Path | None = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            "w", encoding="utf-8", dir=path.parent, prefix=".faq-index-", delete=False
        ) as out:
            written = Path(out.name)
            json.dump(data, out, ensure_ascii=False, separators=(",", ":"))
        # Readers see the old file or the new one, never half of one, even with two runs at once.
        os.replace(written, path)
    except OSError:
        if written is not None:
            written.unlink(missing_ok=True)
