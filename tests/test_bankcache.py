"""The bank cache: a hit gives the same library, an edit is always re-read, damage is never trusted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from quizzer.bankcache import BankCache, default_cache_file
from quizzer.banks import check
from quizzer.paths import shipped_catalog

from .conftest import TEST_BANKS


@pytest.fixture
def banks(tmp_path: Path) -> Path:
    folder = tmp_path / "banks"
    shutil.copytree(TEST_BANKS, folder)
    return folder


def load(banks: Path, cache_file: Path) -> tuple[list[object], BankCache]:
    cache = BankCache(cache_file)
    result = check([banks], shipped_catalog(), cache)
    assert result.library is not None, result.problems
    return list(result.library), cache


def test_warm_load_equals_cold_load(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "c" / "banks.json"
    cold, _ = load(banks, cache_file)
    assert cache_file.exists()
    warm, cache = load(banks, cache_file)
    assert warm == cold
    assert not cache.dirty  # everything came from the cache


def test_edited_file_is_reread_even_with_same_size_and_mtime(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "banks.json"
    load(banks, cache_file)
    path = banks / "base.yaml"
    st = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("BF16 has the same", "BF16 has the SAME"), encoding="utf-8")
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))  # same size, same mtime: only the hash differs
    questions, _ = load(banks, cache_file)
    assert any("SAME" in q.prompt for q in questions)  # type: ignore[attr-defined]


def test_invalid_edit_is_reported_not_served_from_cache(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "banks.json"
    load(banks, cache_file)
    (banks / "base.yaml").write_text("category: base\ntitle: T\nquestions: []\n", encoding="utf-8")
    result = check([banks], shipped_catalog(), BankCache(cache_file))
    assert result.library is None


@pytest.mark.parametrize("damage", [b"", b"garbage", b'{"format": 1}\n{}', None])
def test_damaged_cache_is_rebuilt(banks: Path, tmp_path: Path, damage: bytes | None) -> None:
    cache_file = tmp_path / "banks.json"
    cold, _ = load(banks, cache_file)
    raw = cache_file.read_bytes()
    cache_file.write_bytes(raw[:-40] + b"X" * 40 if damage is None else damage)
    again, _ = load(banks, cache_file)
    assert again == cold
    assert cache_file.read_bytes() == raw  # rebuilt


def test_unwritable_cache_location_is_harmless(banks: Path, tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    questions, _ = load(banks, blocker / "sub" / "banks.json")
    assert len(questions) == 6


def test_each_set_of_bank_folders_has_its_own_cache(banks: Path, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZZER_CACHE_DIR", str(tmp_path / "cache"))
    other = tmp_path / "other"
    shutil.copytree(TEST_BANKS, other)
    (other / "inference.yaml").unlink()
    mine, theirs = default_cache_file([banks]), default_cache_file([other])
    assert mine is not None and theirs is not None and mine != theirs
    assert default_cache_file([banks]) == mine  # stable from run to run
    load(banks, mine)
    load(other, theirs)
    assert {k.split(":", 1)[1] for k in BankCache(mine).entries} >= {str(banks / "base.yaml")}
    assert not any(str(other) in k for k in BankCache(mine).entries)


def test_entries_of_files_no_longer_loaded_are_dropped(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "banks-x.json"
    legacy = tmp_path / "banks.json"
    legacy.write_bytes(b"an old single cache")
    load(banks, cache_file)
    assert not legacy.exists()
    (banks / "inference.yaml").unlink()
    load(banks, cache_file)
    kept = set(BankCache(cache_file).entries)
    assert f"bank:{(banks / 'base.yaml').resolve()}" in kept
    assert not any("inference.yaml" in k for k in kept)
