"""The app's own static files, each read from disk once and then sent from memory.

Starlette's StaticFiles checks the path (safe joins, symlinks, 404s, If-None-Match and
If-Modified-Since) and then streams the file through the thread pool in chunks for every request.
The files here are the app's own, at most a couple of MB in all, so after Starlette's checks
each file's bytes are kept, keyed by its path, size and modification time (an edited file is
read again). Range requests are left to Starlette as they are.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

from starlette.datastructures import Headers
from starlette.responses import FileResponse, Response
from starlette.staticfiles import PathLike, StaticFiles
from starlette.types import Scope

# Larger files (none today) are streamed as before.
KEEP_AT_MOST_BYTES = 4 * 2**20
FileKey = tuple[str, int, int]


class KeptStaticFiles(StaticFiles):
    """StaticFiles that sends each file's kept bytes with the headers Starlette would send."""

    def __init__(self, *, directory: Path) -> None:
        super().__init__(directory=directory)
        self._kept: dict[FileKey, bytes] = {}
        self._lock = threading.Lock()

    def file_response(
        self,
        full_path: PathLike,
        stat_result: os.stat_result,
        scope: Scope,
        status_code: int = 200,
    ) -> Response:
        """Starlette's answer, with the body from memory when it would send the whole file."""
        response = super().file_response(full_path, stat_result, scope, status_code)
        whole = isinstance(response, FileResponse) and "range" not in Headers(scope=scope)
        if not whole or stat_result.st_size > KEEP_AT_MOST_BYTES or scope["method"] != "GET":
            return response
        key = (str(full_path), stat_result.st_size, stat_result.st_mtime_ns)
        body = self._kept.get(key)
        if body is None:
            body = Path(full_path).read_bytes()
            with self._lock:
                self._kept = {k: v for k, v in self._kept.items() if k[0] != key[0]}
                self._kept[key] = body
        return Response(body, status_code=response.status_code, headers=dict(response.headers))
