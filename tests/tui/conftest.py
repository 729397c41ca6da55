"""Fixtures for the Textual app: the small test bank, a fresh store, a frozen clock, no blinking cursors."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input, TextArea

from quizzer.model import Library
from quizzer.scheduler import Scheduler, Settings
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp, make_app

from ..conftest import T0 as T0  # re-exported for the TUI tests
from ..conftest import Clock as Clock

TEST_BANKS = Path(__file__).parent.parent / "data" / "banks"
SEED = 7


class Ticker:
    """A monotonic clock for answer durations and the mock interview's timers."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@pytest.fixture(autouse=True)
def steady_screen(monkeypatch: pytest.MonkeyPatch) -> None:
    """Screenshots must not depend on a cursor blink or on the user's Textual environment."""
    for widget_class in (Input, TextArea):
        original = widget_class.__init__

        def init(self: Any, *args: Any, _original: Callable[..., None] = original, **kwargs: Any) -> None:
            _original(self, *args, **kwargs)
            self.cursor_blink = False

        monkeypatch.setattr(widget_class, "__init__", init)
    for name in ("TEXTUAL_THEME", "TEXTUAL_ANIMATIONS", "NO_COLOR", "FORCE_COLOR", "COLUMNS", "LINES"):
        monkeypatch.delenv(name, raising=False)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def ticker() -> Ticker:
    return Ticker()


def steady_scheduler(settings: Settings) -> Scheduler:
    return Scheduler(settings, enable_fuzzing=False)


@pytest.fixture
def new_app(library: Library, store: Store, clock: Clock, ticker: Ticker) -> Callable[..., QuizzerApp]:
    """Build the app as launch.py does, but with a fixed clock, seed and no interval fuzzing."""

    def build(**options: Any) -> QuizzerApp:
        config = options.get("config")
        settings = config.study if config is not None else Settings()
        return make_app(library, store, steady_scheduler(settings), clock,
                        tz=UTC, rng=random.Random(SEED), monotonic=ticker, make_scheduler=steady_scheduler,
                        **options)

    return build
