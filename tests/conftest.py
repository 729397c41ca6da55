"""Shared fixtures: every test runs with its own database path and the shipped banks unset."""

from __future__ import annotations

from pathlib import Path

import pytest

DATA = Path(__file__).parent / "data"
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
    return db
