"""`run_app`: what the command line calls to open the study app on a terminal.

The caller opens the banks and the store (and reports its errors); this runs the app and turns a
database error met inside it into the StoreError the caller reports as one line.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from quizzer.errors import StoreError
from quizzer.studyday import utc_now

if TYPE_CHECKING:
    from quizzer.config import Config
    from quizzer.model import Library
    from quizzer.scheduler import Scheduler
    from quizzer.store import Store


def run_app(library: Library, store: Store, scheduler: Scheduler, config: Config | None = None,
            start: str = "home", filters: dict[str, Any] | None = None, lang: str | None = None) -> None:
    from quizzer.tui.app import make_app

    app = make_app(library, store, scheduler, utc_now, start=start, filters=filters, config=config, lang=lang)
    app.run()
    if app.store_error is not None:
        raise StoreError(f"the progress database {store.path} could not be used ({app.store_error}); "
                         "every answer given was saved")
