"""The hand-coding round in the app: a Python editor with the starter code, practice runs that
record nothing, submitting, and the feedback listing each case."""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

from textual.widgets import Markdown, Static

from quizzer.banks import check
from quizzer.paths import shipped_catalog
from quizzer.scheduler import Settings
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.session import FEEDBACK
from quizzer.tui.widgets.answer_input import CodeAnswer

from .conftest import Clock, Ticker, steady_scheduler
from .driver import headless, ratings_by_gid, wait_for, wait_for_question

CODE_BANKS = Path(__file__).parent.parent / "data" / "code-banks"


def code_app(store: Store) -> QuizzerApp:
    library = check([CODE_BANKS], shipped_catalog()).library
    assert library is not None
    return make_app(library, store, steady_scheduler(Settings()), Clock(), tz=UTC, rng=random.Random(1),
                    monotonic=Ticker(), make_scheduler=steady_scheduler, start="quiz",
                    filters={"categories": ["base"], "count": 2, "types": ["code"]})


@headless
async def test_practice_run_then_submit_records_one_review(store: Store) -> None:
    app = code_app(store)
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await wait_for_question(pilot)
        q = screen.question
        assert q is not None and q.type == "code"
        editor = screen.query_one("#answer", CodeAnswer)
        assert editor.text == q.starter and editor.language == "python"
        editor.text = "def wrong(x):\n    return x\n"
        await pilot.press("ctrl+r")
        practice = screen.query_one("#practice", Static)
        await wait_for(pilot, lambda: "defines no function" in str(practice.render()), "the practice verdict")
        editor.text = str(q.answer)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: "4 of 4 cases pass" in str(practice.render()), "a passing practice run")
        assert store.review_count() == 0  # practice records nothing
        await pilot.press("ctrl+g")
        await wait_for(pilot, lambda: screen.phase == FEEDBACK, "the feedback")
        body = screen.query_one("#explanation", Markdown).source
        assert "Reference solution" in body and "✓ " in body
        await pilot.press("enter")
        await wait_for(pilot, lambda: store.review_count() == 1, "the review to be recorded")
    assert list(ratings_by_gid(store)) == [q.gid]
