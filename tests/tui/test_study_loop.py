"""The study loop in the app, driven with keys and checked against the database: undo in a session and on
the summary, how sure before the answer, the interview line on home, cramming, leeches and the stats."""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

from textual.widgets import Input, Select, Static

from quizzer.config import load as load_config
from quizzer.records import ReviewRow
from quizzer.scheduler import Scheduler
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.confidence import ConfidenceScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.session import ANSWERING, SessionScreen
from quizzer.tui.screens.stats import StatsScreen
from quizzer.tui.screens.summary import SummaryScreen

from .conftest import Clock
from .driver import answer, go_on, headless, open_settings, start_mock, wait_for, wait_for_question

AppFactory = Callable[..., QuizzerApp]
SIZE = (100, 32)


def text_of(app: QuizzerApp, selector: str) -> str:
    return str(app.screen.query_one(selector, Static).render())


def record(store: Store, sch: Scheduler, r: ReviewRow) -> None:
    store.record(r, lambda old: sch.next_card(old, r.gid, r.category, r.rating, r.reviewed_at, r.id))


def review_ids(store: Store) -> list[str]:
    return [r.id for r in store.iter_reviews()]


@headless
async def test_ctrl_z_takes_back_the_last_answer_and_asks_it_again(new_app: AppFactory, store: Store) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        first = await answer(pilot, right=True)
        before = store.card(first.gid)
        await go_on(pilot, 1)  # a mis-pressed Again, saved on Enter
        assert store.card(first.gid) != before
        [undone] = review_ids(store)
        screen = await wait_for_question(pilot)
        await pilot.press("ctrl+z")  # nothing typed yet: the last answer is taken back
        await wait_for(pilot, lambda: screen.question is not None and screen.question.gid == first.gid
                       and screen.phase == ANSWERING, "the undone question to be asked again")
        assert store.review_count() == 0 and store.card(first.gid) is None  # new again, as before it
        assert [r[0] for r in store.conn.execute("SELECT review_id FROM undos")] == [undone]
        assert "Took back" in text_of(app, "#status")
        await answer(pilot, right=True)
        await go_on(pilot, 3)
        assert [r.rating for r in store.reviews_of(first.gid)] == [3]


@headless
async def test_u_on_the_summary_takes_back_the_last_answer(new_app: AppFactory, store: Store, clock: Clock) -> None:
    sch = Scheduler(enable_fuzzing=False)
    gid = "base/bf16-exponent"
    earlier = ReviewRow("r0", gid, "base", clock.now - timedelta(days=3), "2026-10-30", 3, 1.0, "true", 1000,
                        "s", "h")
    card_before = store.record(earlier, lambda old: sch.next_card(old, gid, "base", 3, earlier.reviewed_at, "r0"))
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        q = app.library.get(gid)
        assert q is not None
        app.quiz_question(q)
        await answer(pilot, right=False)
        await go_on(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        assert len(store.reviews_of(gid)) == 2
        await pilot.press("u")
        await wait_for(pilot, lambda: len(store.reviews_of(gid)) == 1, "the answer to be taken back")
        assert store.card(gid) == card_before
        summary = app.screen
        assert isinstance(summary, SummaryScreen) and summary.summary.answered == 0


@headless
async def test_a_mock_interview_asks_how_sure_and_stores_it(new_app: AppFactory, store: Store) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_mock(pilot, 2)
        assert screen.session.asks_confidence
        await answer(pilot, right=False, confidence=3)
        await go_on(pilot)
        await answer(pilot, right=True, confidence=1)
        await go_on(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the report")
        assert "Your answers:" in text_of(app, "#answers-given")
    assert sorted(r[0] for r in store.conn.execute("SELECT confidence FROM reviews")) == [1, 3]


@headless
async def test_esc_on_how_sure_goes_back_to_the_answer(new_app: AppFactory, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[study]\nconfidence_in_reviews = true\n")
    app = new_app(config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        screen = await wait_for_question(pilot)
        q = screen.question
        assert q is not None and q.type == "truefalse"
        await pilot.press("t")
        await wait_for(pilot, lambda: isinstance(app.screen, ConfidenceScreen), "how sure")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SessionScreen) and screen.phase == ANSWERING,
                       "the question again")
        assert store.review_count() == 0
        await answer(pilot, right=True, confidence=2)
        await go_on(pilot)
    assert [r.confidence for r in store.iter_reviews()] == [2]


@headless
async def test_home_shows_the_interview_and_x_crams(new_app: AppFactory, store: Store, clock: Clock,
                                                     tmp_path: Path) -> None:
    sch = Scheduler(enable_fuzzing=False)
    gid = "inference/decode-bound"
    for n, days in enumerate((4, 3)):  # graduated and not due: something to cram
        at = clock.now - timedelta(days=days)
        r = ReviewRow(f"r{n}", gid, "inference", at, at.date().isoformat(), 3, 1.0, "x", 1000, "s", "h")
        record(store, sch, r)
    path = tmp_path / "config.toml"
    path.write_text('[study]\ninterview_date = "2026-11-12"\nminutes_per_day = 30\n')
    app = new_app(config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen) and "Interview" in text_of(app, "#interview"),
                       "the interview line")
        line = text_of(app, "#interview")
        assert "Interview 2026-11-12 (in 10 days) · readiness" in line and "weakest: base 0%" in line
        await pilot.press("x")
        screen = await wait_for_question(pilot)
        assert screen.session.kind == "cram" and screen.question is not None and screen.question.gid == gid
        assert screen.session.planned == 1


@headless
async def test_a_leech_is_told_once_and_listed_on_the_stats(new_app: AppFactory, store: Store, clock: Clock,
                                                              tmp_path: Path) -> None:
    sch = Scheduler(enable_fuzzing=False)
    gid = "base/paged-attention-name"
    for n, rating in enumerate((3, 3, 1, 3)):  # one lapse so far
        at = clock.now - timedelta(days=40 - 10 * n)
        r = ReviewRow(f"r{n}", gid, "base", at, at.date().isoformat(), rating, 1.0, "FlashAttention", 1000, "s", "h")
        record(store, sch, r)
    path = tmp_path / "config.toml"
    path.write_text("[study]\nleech_threshold = 2\n")
    app = new_app(config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        q = app.library.get(gid)
        assert q is not None
        app.quiz_question(q)
        await answer(pilot, right=False)  # the second lapse
        await go_on(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        assert any("is a leech" in str(n.message) for n in app._notifications)
        card = store.card(gid)
        assert card is not None and card.suspended and card.lapses == 2
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats")
        leeches = text_of(app, "#leeches")
        assert gid in leeches and "wrong: FlashAttention" in leeches and "Rewrite the question" in leeches


@headless
async def test_the_interview_date_and_the_study_loop_settings_are_saved(new_app: AppFactory, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = new_app(config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await open_settings(pilot)
        screen.query_one("#interview_date", Input).value = "2026-13-01"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "interview_date must be a date YYYY-MM-DD" in str(screen.query_one("#settings-error").render())
        assert not path.exists()
        screen.query_one("#interview_date", Input).value = "2026-11-20"
        screen.query_one("#leech_threshold", Input).value = "5"
        screen.query_one("#confidence_in_reviews", Select).value = "yes"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: path.exists(), "the settings to be saved")
        assert app.goal is not None and app.goal.day.isoformat() == "2026-11-20"
        assert app.new_session("review", []).asks_confidence
    saved = tomllib.loads(path.read_text())["study"]
    assert {k: saved[k] for k in ("interview_date", "leech_threshold", "confidence_in_reviews")} == {
        "interview_date": "2026-11-20", "leech_threshold": 5, "confidence_in_reviews": True}
    assert "confidence_in_mock" not in saved and "minutes_per_day" not in saved  # untouched: left to the defaults
