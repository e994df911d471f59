"""Static files are sent from memory with exactly the answer Starlette's StaticFiles gives."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from starlette.applications import Starlette
from starlette.routing import Mount
from starlette.staticfiles import StaticFiles
from starlette.testclient import TestClient

from regenspine.web.static_files import KeptStaticFiles

CSS = b"body { color: #123; }\n" * 50


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "site.css").write_bytes(CSS)
    return tmp_path


def clients(folder: Path) -> tuple[TestClient, TestClient, KeptStaticFiles]:
    kept = KeptStaticFiles(directory=folder)
    ours = Starlette(routes=[Mount("/static", kept)])
    theirs = Starlette(routes=[Mount("/static", StaticFiles(directory=folder))])
    return TestClient(ours), TestClient(theirs), kept


def test_the_answer_is_starlettes_own(folder: Path) -> None:
    ours, theirs, _ = clients(folder)
    mine, reference = ours.get("/static/site.css"), theirs.get("/static/site.css")
    assert mine.status_code == reference.status_code == 200
    assert mine.content == reference.content == CSS
    assert dict(mine.headers) == dict(reference.headers)


def test_the_file_is_read_once_and_again_after_an_edit(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    ours, _, kept = clients(folder)
    reads: list[Path] = []
    original = Path.read_bytes

    def counted(path: Path) -> bytes:
        reads.append(path)
        return original(path)

    monkeypatch.setattr(Path, "read_bytes", counted)
    ours.get("/static/site.css")
    ours.get("/static/site.css")
    assert len(reads) == 1
    (folder / "site.css").write_bytes(b"p { margin: 0; }\n")
    stat = (folder / "site.css").stat()
    os.utime(folder / "site.css", ns=(stat.st_atime_ns, stat.st_mtime_ns + 10**9))
    assert ours.get("/static/site.css").content == b"p { margin: 0; }\n"
    assert len(reads) == 2
    assert len(kept._kept) == 1  # the old bytes are let go


def test_conditional_range_head_and_missing_requests_behave_as_before(folder: Path) -> None:
    ours, theirs, _ = clients(folder)
    etag = ours.get("/static/site.css").headers["etag"]
    assert ours.get("/static/site.css", headers={"if-none-match": etag}).status_code == 304
    part = ours.get("/static/site.css", headers={"range": "bytes=0-3"})
    assert part.status_code == 206
    assert part.content == CSS[:4]
    assert ours.head("/static/site.css").headers == theirs.head("/static/site.css").headers
    assert ours.get("/static/nothing.css").status_code == 404
    assert ours.get("/static/../secret").status_code == 404
