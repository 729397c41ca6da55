"""Screenshots of the main screens at 100x32 (and the feedback at 80x24), compared with the SVG baselines.

The clock, the seed, the answer durations and the cursor blink are all fixed, so each screenshot is stable.
Update the baselines with `pytest tests/tui --snapshot-update` and look at them before committing.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC, timedelta
from typing import Any

import pytest
from textual.pilot import Pilot

from quizzer.grading import grade
from quizzer.model import Library, Question
from quizzer.scheduler import Settings
from quizzer.session import Session
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.stats import StatsScreen
from quizzer.tui.screens.summary import SummaryScreen

from .conftest import T0, Clock, steady_scheduler
from .driver import answer, go_on, wait_for, wait_for_question

SIZE = (100, 32)
REVIEW_ORDER = ("truefalse", "mcq", "short", "multi", "numeric", "open")  # today's queue on the test bank
Snap = Callable[..., bool]
AppFactory = Callable[..., QuizzerApp]


async def skip_to(pilot: Pilot[None], qtype: str) -> None:
    """Skip today's review forward to the question of `qtype`."""
    for _ in range(REVIEW_ORDER.index(qtype)):
        await wait_for_question(pilot)
        await pilot.press("ctrl+s")
    screen = await wait_for_question(pilot)
    assert screen.question is not None and screen.question.type == qtype


def test_home_for_a_first_time_user(snap_compare: Snap, new_app: AppFactory) -> None:
    async def home(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")

    assert snap_compare(new_app(), terminal_size=SIZE, run_before=home)


@pytest.mark.parametrize("qtype", REVIEW_ORDER)
def test_question_of_each_type(snap_compare: Snap, new_app: AppFactory, qtype: str) -> None:
    async def show(pilot: Pilot[None]) -> None:
        await skip_to(pilot, qtype)
        if qtype == "multi":
            await pilot.press("2")  # one box ticked, to show what a tick looks like
        elif qtype == "numeric":
            await pilot.press(*"14 GB")

    assert snap_compare(new_app(start="review"), terminal_size=SIZE, run_before=show)


def test_feedback_on_an_open_answer(snap_compare: Snap, new_app: AppFactory) -> None:
    async def feedback(pilot: Pilot[None]) -> None:
        await skip_to(pilot, "open")
        await answer(pilot, right=True)
        await pilot.press("3")  # the rating, changed from the proposed one (Easy: every key point is covered)

    assert snap_compare(new_app(start="review"), terminal_size=SIZE, run_before=feedback)


@pytest.mark.parametrize("size", [SIZE, (80, 24)], ids=["100x32", "80x24"])
def test_feedback_on_a_wrong_choice(snap_compare: Snap, new_app: AppFactory, size: tuple[int, int]) -> None:
    async def feedback(pilot: Pilot[None]) -> None:
        await skip_to(pilot, "mcq")
        await answer(pilot, right=False)

    assert snap_compare(new_app(start="review"), terminal_size=size, run_before=feedback)


def test_summary_after_a_review(snap_compare: Snap, new_app: AppFactory, clock: Clock) -> None:
    async def review(pilot: Pilot[None]) -> None:
        for right in (True, True, False, True, False, True, True, True):
            clock.advance(seconds=40)
            await answer(pilot, right)
            await go_on(pilot, 4 if right else None)
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, SummaryScreen), "the summary")

    assert snap_compare(new_app(start="review"), terminal_size=SIZE, run_before=review)


def right_response(q: Question) -> Any:
    if q.type == "multi":
        return list(q.correct_choices)
    return q.answer if q.type in ("truefalse", "mcq") else str(q.answer)


def seed_history(library: Library, store: Store) -> None:
    """Half a year of reviews, denser lately, so the heatmap and the forecast have something to show."""
    scheduler = steady_scheduler(Settings())
    rng = random.Random(3)
    questions = list(library)
    for days_ago in (170, 150, 120, 96, 75, 60, 44, 30, 21, 14, 9, 6, 3, 2, 1, 0):
        clock = Clock(T0 - timedelta(days=days_ago, hours=1))
        picked = rng.sample(questions, rng.randint(1, len(questions)))
        session = Session(library, store, scheduler, clock, kind="review", questions=picked, tz=UTC, rng=rng)
        for q in picked:
            right = rng.random() < 0.75
            response = right_response(q) if right else ""
            result = grade(q, response, 30_000, self_rating=(3 if right else 1) if q.type == "open" else None)
            session.record(q, result, str(response), 30_000)
        session.finish()


def test_stats_after_months_of_reviews(snap_compare: Snap, new_app: AppFactory, library: Library,
                                       store: Store) -> None:
    seed_history(library, store)

    async def stats(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, StatsScreen), "the stats")
        await pilot.wait_for_scheduled_animations()

    assert snap_compare(new_app(), terminal_size=SIZE, run_before=stats)


@pytest.mark.parametrize("size", [(80, 24), (130, 32)], ids=["narrower", "wider"])
def test_home_lays_out_again_after_a_resize(snap_compare: Snap, new_app: AppFactory, size: tuple[int, int]) -> None:
    async def resized(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen), "home")
        await pilot.resize_terminal(*size)
        await pilot.pause()

    assert snap_compare(new_app(), terminal_size=SIZE, run_before=resized)


def test_a_question_lays_out_again_after_a_resize(snap_compare: Snap, new_app: AppFactory) -> None:
    async def resized(pilot: Pilot[None]) -> None:
        await skip_to(pilot, "multi")
        await pilot.resize_terminal(80, 24)
        await pilot.pause()

    assert snap_compare(new_app(start="review"), terminal_size=SIZE, run_before=resized)
