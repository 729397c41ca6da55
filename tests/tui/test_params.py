"""A parametrised question in the app: the drawn numbers on screen in both languages, graded, explained with the
same numbers and stored with the review; in a mock interview too."""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

from textual.widgets import Input, Markdown

from quizzer.banks import check
from quizzer.numbers import answer_number
from quizzer.paths import shipped_catalog
from quizzer.scheduler import Settings
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.confidence import ConfidenceScreen
from quizzer.tui.widgets.feedback import FeedbackPanel

from .conftest import Clock, Ticker, steady_scheduler
from .driver import go_on, headless, start_mock, wait_for, wait_for_question

PARAM_BANKS = Path(__file__).parent.parent / "data" / "param-banks"
KV = "inference/kv-cache-per-request"


def param_app(store: Store, seed: int = 3, **options: object) -> QuizzerApp:
    library = check([PARAM_BANKS], shipped_catalog()).library
    assert library is not None
    return make_app(library, store, steady_scheduler(Settings()), Clock(), tz=UTC, rng=random.Random(seed),
                    monotonic=Ticker(), make_scheduler=steady_scheduler, **options)


def markdown_text(screen: object, selector: str) -> str:
    return str(screen.query_one(selector, Markdown).source)  # type: ignore[attr-defined]


@headless
async def test_the_drawn_numbers_are_shown_graded_explained_and_stored(store: Store) -> None:
    app = param_app(store, start="quiz", filters={"count": 2})
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await wait_for_question(pilot)
        if screen.question is not None and screen.question.gid != KV:
            await pilot.press("ctrl+s")  # skip the fixed question to reach the parametrised one
            screen = await wait_for_question(pilot)
        q = screen.question
        assert q is not None and q.gid == KV and q.drawn
        values = dict(q.drawn)
        assert f"{values['layers']} layers" in markdown_text(screen, "#prompt")
        await pilot.press("ctrl+l")  # the other language keeps the numbers
        await wait_for(pilot, lambda: "层" in markdown_text(screen, "#prompt"), "the Chinese prompt")
        assert f"{values['layers']} 层" in markdown_text(screen, "#prompt")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: "layers" in markdown_text(screen, "#prompt"), "the English prompt")
        right = answer_number(float(q.answer), q.tolerance)  # type: ignore[arg-type]
        screen.query_one("#answer", Input).value = right
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.pending is not None, "the feedback")
        assert screen.pending is not None and screen.pending.result.correct
        explained = markdown_text(screen.query_one(FeedbackPanel), "#explanation")
        assert f"{values['layers']} layers" in explained and f"= {right} GiB" in explained
        await go_on(pilot)
    [review] = store.reviews_of(KV)
    assert review.params == values and review.rating >= 3


@headless
async def test_a_mock_interview_asks_the_drawn_version(store: Store) -> None:
    app = param_app(store, seed=11)
    async with app.run_test(size=(100, 32)) as pilot:
        await start_mock(pilot, 2)
        asked = []
        for _ in range(2):
            screen = await wait_for_question(pilot)
            q = screen.question
            assert q is not None
            asked.append(q)
            screen.query_one("#answer", Input).value = answer_number(float(q.answer), q.tolerance)  # type: ignore[arg-type]
            await pilot.press("enter")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfidenceScreen), "how sure")  # mocks ask it
            await pilot.press("3")
            await wait_for(pilot, lambda s=screen: s.pending is not None, "the feedback")  # type: ignore[misc]
            await go_on(pilot)
    [parametrised] = [q for q in asked if q.params]
    assert "{" not in parametrised.prompt
    [review] = store.reviews_of(KV)
    assert review.params == dict(parametrised.drawn)
