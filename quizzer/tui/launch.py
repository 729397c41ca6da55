"""`run_app`: what `quizzer`, `quizzer review` and `quizzer quiz` call on a terminal.

Loads the banks and opens the store with the CLI's error handling (a damaged database prints one
clear line and exits 1), runs the app, closes the store.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from quizzer.cli import Context


def utc_now() -> datetime:
    return datetime.now(UTC)


def run_app(obj: Context, start: str = "home", filters: dict[str, Any] | None = None) -> None:
    from quizzer.cli_progress import open_store, scheduler_for
    from quizzer.tui.app import make_app

    library = obj.library()
    with open_store(obj) as store:
        store.check_writable()
        app = make_app(library, store, scheduler_for(store), utc_now, start=start, filters=filters)
        app.run()
        if app.store_error is not None:
            raise app.store_error  # open_store turns it into one line and exit status 1
