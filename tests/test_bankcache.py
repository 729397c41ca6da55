"""The bank cache: a hit gives the same library, an edit is always re-read, damage is never trusted."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from quizzer import banks as banks_module
from quizzer.bankcache import BankCache, default_cache_file
from quizzer.banks import cached_index, check
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
    assert [q.content_hash() for q in warm] == [q.content_hash() for q in cold]  # type: ignore[attr-defined]


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
    again, cache = load(banks, cache_file)
    assert again == cold
    assert cache.dirty is False and cache_file.read_bytes() != (damage or b"")  # rebuilt and saved
    served, cache = load(banks, cache_file)
    assert served == cold
    assert not cache.dirty  # the rebuilt cache answers everything


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
    load(banks, cache_file)
    (banks / "inference.yaml").unlink()
    load(banks, cache_file)
    kept = set(BankCache(cache_file).entries)
    assert f"bank:{(banks / 'base.yaml').resolve()}" in kept
    assert not any("inference.yaml" in k for k in kept)


def test_damaged_blob_rereads_only_its_bank(banks: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    cache_file = tmp_path / "banks.json"
    cold, _ = load(banks, cache_file)
    raw = cache_file.read_bytes()
    cache_file.write_bytes(raw[:-40] + b"X" * 40)  # inside the last bank's blob, past the index
    parsed: list[str] = []
    real = banks_module.load_bank

    def counting(path: Path, articles: dict[str, object]) -> object:
        parsed.append(path.name)
        return real(path, articles)  # type: ignore[arg-type]

    monkeypatch.setattr(banks_module, "load_bank", counting)
    again, _ = load(banks, cache_file)
    assert again == cold
    assert len(parsed) == 1


def test_index_from_the_cache_matches_the_library(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "banks.json"
    assert cached_index([banks], shipped_catalog(), BankCache(cache_file)) is None  # nothing cached yet
    result = check([banks], shipped_catalog(), BankCache(cache_file))
    assert result.library is not None
    index = cached_index([banks], shipped_catalog(), BankCache(cache_file))
    assert index is not None
    assert index.category_sizes() == result.library.category_sizes()
    assert set(index.gids()) == set(result.library.gids())
    assert "base/bf16-exponent" in index and "base/nope" not in index and len(index) == len(result.library)


def test_index_reads_no_question_rows(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "banks.json"
    load(banks, cache_file)
    raw = cache_file.read_bytes()
    cache_file.write_bytes(raw[:-40] + b"X" * 40)  # a damaged blob: the index alone is still sound
    assert cached_index([banks], shipped_catalog(), BankCache(cache_file)) is not None


@pytest.mark.parametrize("change", ["edit", "new file", "folder twice"])
def test_index_is_not_served_when_a_bank_changed(banks: Path, tmp_path: Path, change: str) -> None:
    cache_file = tmp_path / "banks.json"
    load(banks, cache_file)
    path = banks / "base.yaml"
    if change == "edit":
        st = path.stat()
        path.write_text(path.read_text(encoding="utf-8").replace("BF16 has the same", "BF16 has the SAME"),
                        encoding="utf-8")
        os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns))
    elif change == "new file":
        shutil.copy(path, banks / "base-copy.yaml")
    paths = [banks, banks] if change == "folder twice" else [banks]  # every file cached, every id twice
    assert cached_index(paths, shipped_catalog(), BankCache(cache_file)) is None
    if change == "folder twice":
        assert check(paths, shipped_catalog()).library is None  # the full check says why


def test_blobs_of_a_cache_file_replaced_since_its_index_was_read_are_misses(banks: Path, tmp_path: Path) -> None:
    cache_file = tmp_path / "banks.json"
    load(banks, cache_file)
    first = BankCache(cache_file)
    assert first.entries  # this run has read the index of the file as it was
    cache_file.unlink()
    load(banks, cache_file)  # another run writes a new file in its place
    assert cached_index([banks], shipped_catalog(), first) is not None  # ids: still right for unchanged files
    key = first.entries[f"bank:{(banks / 'base.yaml').resolve()}"]["extra"]
    assert first.bank(banks / "base.yaml", key) is None  # rows: never read from a file other than the index's
