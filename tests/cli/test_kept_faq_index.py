"""The FAQ index kept in the user's cache folder: written once, reused, rebuilt when stale."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from regenspine.cli import kept_faq_index as kept_module
from regenspine.cli.app import app
from regenspine.cli.kept_faq_index import KEPT_FILE, cache_folder, kept_faq_index
from regenspine.decision_aid.faq import answer_question
from regenspine.decision_aid.faq_index import (
    FaqIndex,
    build_index,
    index_inputs,
    inputs_key,
    kept_form,
    read_vocabulary,
)
from regenspine.knowledge import load_knowledge

QUESTION = "Is the stem cell injection painful?"


def _current_key() -> str:
    return inputs_key(index_inputs(load_knowledge(), read_vocabulary()))


def _no_stemming(monkeypatch: pytest.MonkeyPatch) -> None:
    """From here on, building an index fails the test: the kept one must be used."""

    def refuse(*_: object) -> FaqIndex:
        raise AssertionError("the index was built again")

    monkeypatch.setattr(kept_module, "build_index", refuse)


def test_the_first_run_keeps_the_index_and_the_next_uses_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    built = kept_faq_index(tmp_path)
    kept = json.loads((tmp_path / KEPT_FILE).read_text(encoding="utf-8"))
    assert kept["key"] == _current_key()
    assert kept["fact_ids"] == [fact.id for fact in load_knowledge().facts]
    _no_stemming(monkeypatch)
    reused = kept_faq_index(tmp_path)
    assert reused.documents == built.documents
    assert answer_question(QUESTION, index=reused) == answer_question(QUESTION, index=built)


@pytest.mark.parametrize(
    "content",
    [b"", b"\x80\x81 not text", b'{"format": 1, "key": ', b"[]", b'{"format": 1}'],
    ids=["empty", "not utf-8", "cut short", "a list", "no key"],
)
def test_an_unreadable_kept_file_is_built_again_and_replaced(
    content: bytes, tmp_path: Path
) -> None:
    (tmp_path / KEPT_FILE).write_bytes(content)
    index = kept_faq_index(tmp_path)
    assert len(index.documents) == len(load_knowledge().facts)
    assert json.loads((tmp_path / KEPT_FILE).read_text(encoding="utf-8"))["key"] == _current_key()


def test_a_kept_file_with_another_knowledge_key_is_built_again(tmp_path: Path) -> None:
    inputs = index_inputs(load_knowledge(), read_vocabulary())
    fresh = build_index(inputs)
    # Stems of other knowledge under an old key: if it were used, every document would be "x".
    stale = kept_form(fresh, "0" * 64)
    stale["documents"] = [["x"] * len(document) for document in fresh.documents]
    (tmp_path / KEPT_FILE).write_text(json.dumps(stale), encoding="utf-8")
    assert kept_faq_index(tmp_path).documents == fresh.documents
    rewritten = json.loads((tmp_path / KEPT_FILE).read_text(encoding="utf-8"))
    assert rewritten == kept_form(fresh, inputs_key(inputs))


def test_a_folder_that_cannot_be_written_still_gets_answers(tmp_path: Path) -> None:
    blocked = tmp_path / "a-file-not-a-folder"
    blocked.write_text("", encoding="utf-8")
    index = kept_faq_index(blocked / "cache")
    assert answer_question(QUESTION, index=index) == answer_question(QUESTION)
    assert list(tmp_path.iterdir()) == [blocked]


def test_the_cache_folder_is_the_setting_else_the_xdg_cache(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGENSPINE_CACHE_DIR", str(tmp_path / "mine"))
    assert cache_folder() == tmp_path / "mine"
    monkeypatch.delenv("REGENSPINE_CACHE_DIR")
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    assert cache_folder() == tmp_path / "xdg" / "regenspine"
    monkeypatch.delenv("XDG_CACHE_HOME")
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    assert cache_folder() == tmp_path / "home" / ".cache" / "regenspine"


def test_the_faq_command_answers_the_same_with_and_without_a_kept_index(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REGENSPINE_CACHE_DIR", str(tmp_path))
    runner = CliRunner()
    for arguments in (["faq", QUESTION], ["faq", QUESTION, "--json", "--top", "5"]):
        (tmp_path / KEPT_FILE).unlink(missing_ok=True)
        cold = runner.invoke(app, arguments)
        assert (tmp_path / KEPT_FILE).exists()
        warm = runner.invoke(app, arguments)
        assert cold.exit_code == warm.exit_code == 0
        assert warm.output == cold.output
    assert json.loads(warm.output) == json.loads(answer_question(QUESTION, top=5).model_dump_json())
