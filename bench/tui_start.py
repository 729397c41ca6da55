"""Start a Textual app headless and quit as soon as its first screen is interactive.

    python bench/tui_start.py quizzer   # quizzer's app with the banks and database in use
    python bench/tui_start.py bare      # baseline: a bare Textual app showing one label

bench/run.py times the whole process, interpreter start-up included, for both.
"""

from __future__ import annotations

import sys
from datetime import UTC, datetime
from typing import Any


async def _quit_when_ready(pilot: Any) -> None:
    await pilot.pause()  # one refresh: the first screen is composed, mounted and drawn
    pilot.app.exit()


def bare() -> None:
    from textual.app import App, ComposeResult
    from textual.widgets import Label

    class Bare(App[None]):
        def compose(self) -> ComposeResult:
            yield Label("hello")

    Bare().run(headless=True, auto_pilot=_quit_when_ready)


def quizzer() -> None:
    from quizzer.cli import Context
    from quizzer.tui.app import make_app

    obj = Context((), None)
    library = obj.library()
    with obj.open_store() as store:
        app = make_app(library, store, obj.scheduler(store), lambda: datetime.now(UTC))
        app.run(headless=True, auto_pilot=_quit_when_ready)


if __name__ == "__main__":
    {"bare": bare, "quizzer": quizzer}[sys.argv[1]]()
