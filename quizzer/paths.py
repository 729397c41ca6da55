"""Where things live: the shipped banks, the bank folders in use and the progress database."""

from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

BANKS_ENV = "QUIZZER_BANKS"
DB_ENV = "QUIZZER_DB"
APP_NAME = "quizzer"


def shipped_banks_dir() -> Path:
    """The banks inside the installed package, or the repository's `banks/` in a checkout."""
    packaged = Path(__file__).resolve().parent / "banks"
    if packaged.is_dir():
        return packaged
    return Path(__file__).resolve().parent.parent / "banks"


def shipped_catalog() -> Path:
    return shipped_banks_dir() / "articles.yaml"


def bank_dirs(cli_dirs: Sequence[str] = ()) -> list[Path]:
    """`--banks` folders if given, else `$QUIZZER_BANKS` (os.pathsep-separated), else the shipped ones."""
    if cli_dirs:
        return [Path(d) for d in cli_dirs]
    env = os.environ.get(BANKS_ENV, "")
    dirs = [Path(d) for d in env.split(os.pathsep) if d]
    return dirs or [shipped_banks_dir()]


def default_db() -> Path:
    """`$QUIZZER_DB`, else `quizzer.db` in the user data folder (platformdirs)."""
    env = os.environ.get(DB_ENV)
    if env:
        return Path(env)
    import platformdirs  # only when needed: plain commands should start fast

    return platformdirs.user_data_path(APP_NAME, appauthor=False) / "quizzer.db"


def resolved(path: Path) -> Path:
    """`path` made absolute with links followed as far as they go; a symlink loop, which
    `Path.resolve` raises on, is left as written."""
    try:
        return path.resolve()
    except (OSError, RuntimeError):
        return path.absolute()
