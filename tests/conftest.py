"""Shared fixtures: every test runs with its own database path and the shipped banks unset."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizzer.banks import check
from quizzer.i18n import set_language
from quizzer.model import Library
from quizzer.paths import shipped_catalog
from quizzer.store import Store

DATA = Path(__file__).parent / "data"
T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)


class Clock:
    """A wall clock that moves only when a test says so (the core and the app take the clock as a
    function, so a test never waits on real time)."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)

TEST_BANKS = DATA / "banks"
REPO = Path(__file__).parent.parent


@pytest.fixture(autouse=True)
def isolated_user_dirs(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Keep tests away from the user's real progress and bank settings."""
    db = tmp_path / "progress.db"
    monkeypatch.setenv("QUIZZER_DB", str(db))
    monkeypatch.delenv("QUIZZER_BANKS", raising=False)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg-data"))
    monkeypatch.setenv("QUIZZER_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("QUIZZER_CONFIG", str(tmp_path / "config.toml"))
    for name in [n for n in os.environ if n.startswith(("QUIZZER_STUDY_", "QUIZZER_UI_", "QUIZZER_AI_"))]:
        monkeypatch.delenv(name)
    monkeypatch.delenv("QUIZZER_LANG", raising=False)
    return db


@pytest.fixture(autouse=True)
def english_interface() -> Iterator[None]:
    """The interface language is process-wide: a test that switches it must not leave it switched."""
    set_language("en")
    yield
    set_language("en")


@pytest.fixture
def library() -> Library:
    """The small test bank: six questions, one of each type, in two categories."""
    lib = check([TEST_BANKS], shipped_catalog()).library
    assert lib is not None and len(lib) == 6
    return lib


@pytest.fixture
def store(tmp_path: Path) -> Iterator[Store]:
    s = Store.open(tmp_path / "q.db")
    yield s
    s.close()


from .fake_openai import fake_ai as fake_ai  # noqa: E402 (the fake OpenAI-compatible server, for every test)
