"""The boundaries between the core and the faces are checked by import-linter (`lint-imports` in CI);
this keeps its contract complete as modules are added."""

from __future__ import annotations

import configparser
from pathlib import Path

from .conftest import REPO

FACES = {"tui", "cli", "plain", "__init__", "__main__"}


def test_every_core_module_is_under_the_import_contract() -> None:
    config = configparser.ConfigParser()
    config.read(REPO / ".importlinter")
    listed = set(config["importlinter:contract:core-is-not-ui"]["source_modules"].split())
    core = {f"quizzer.{p.stem}" for p in (REPO / "quizzer").glob("*.py") if p.stem not in FACES}
    core |= {f"quizzer.{p.name}" for p in (REPO / "quizzer").iterdir() if p.is_dir() and p.name not in FACES
             and (p / "__init__.py").exists()}
    assert core - listed == set(), "add new core modules to .importlinter"
    assert listed - core == set(), "remove deleted modules from .importlinter"


def test_the_contract_forbids_textual_and_the_faces() -> None:
    config = configparser.ConfigParser()
    config.read(REPO / ".importlinter")
    forbidden = set(config["importlinter:contract:core-is-not-ui"]["forbidden_modules"].split())
    assert {"textual", "quizzer.tui", "quizzer.cli", "quizzer.plain"} <= forbidden
    assert "lint-imports" in Path(REPO / ".ci" / "run").read_text().splitlines()
