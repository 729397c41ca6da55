"""The AI interviewer in the app, against the fake OpenAI-compatible server: grading beside the offline
marks (the rating still the user's), Esc cancelling a request, and a mock interview's follow-ups and
report, each checked against what the database holds."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from quizzer.config import Config
from quizzer.config import load as load_config
from quizzer.model import Library
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.confidence import ConfidenceScreen
from quizzer.tui.screens.followup import FollowUpScreen
from quizzer.tui.screens.session import FEEDBACK, SessionScreen
from quizzer.tui.screens.summary import SummaryScreen
from quizzer.tui.widgets.ai_feedback import AIFeedbackView
from quizzer.tui.widgets.ai_report import AIReportView

from ..fake_openai import GOOD_KEY, FakeOpenAI
from ..test_ai import ANSWER, GOOD
from .driver import headless, ratings_by_gid, wait_for, wait_for_question

AppFactory = Callable[..., QuizzerApp]
SIZE = (100, 32)
OPEN = "inference/kv-cache-purpose"


@pytest.fixture(autouse=True)
def api_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZZER_AI_API_KEY", GOOD_KEY)


def ai_config(url: str) -> Config:
    return load_config(Path("/nonexistent/config.toml"),
                       {"QUIZZER_AI_BASE_URL": url, "QUIZZER_AI_MODEL": "fake-model", "QUIZZER_AI_TIMEOUT_S": "5"})


def quiz_the_open_question(app: QuizzerApp) -> None:
    q = app.library.get(OPEN)
    assert q is not None
    app.quiz_question(q)  # asked once: the summary follows


async def type_open_answer(pilot: Pilot[None]) -> SessionScreen:
    screen = await wait_for_question(pilot)
    assert screen.question is not None and screen.question.gid == OPEN
    screen.query_one("#answer", TextArea).insert(ANSWER)
    await pilot.press("ctrl+r")
    return screen


def rows(store: Store, sql: str) -> list[tuple[object, ...]]:
    return [tuple(r) for r in store.conn.execute(sql)]


def key_absent(store: Store) -> bool:
    conn = sqlite3.connect(store.path)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    text = "\n".join(str(row) for t in tables for row in conn.execute(f"SELECT * FROM {t}"))
    conn.close()
    return GOOD_KEY not in text


@headless
async def test_grading_is_shown_proposed_and_kept(new_app: AppFactory, store: Store, fake_ai: FakeOpenAI) -> None:
    fake_ai.replies = [json.dumps(GOOD | {"rating": 4})]
    app = new_app(config=ai_config(fake_ai.url))
    async with app.run_test(size=SIZE) as pilot:
        quiz_the_open_question(app)
        screen = await type_open_answer(pilot)
        await wait_for(pilot, lambda: screen.phase == FEEDBACK, "the feedback")
        view = screen.query_one(AIFeedbackView)
        await wait_for(pilot, lambda: view.feedback is not None, "the AI's grading")
        text = str(view.render())
        assert "AI suggests Easy (4). Solid." in text and "[x] avoids recomputing the prefix" in text
        await wait_for(pilot, lambda: screen.pending is not None and screen.pending.chosen == 4,
                       "the AI's rating to be proposed")
        assert "proposed Easy by the AI" in str(screen.query_one("#rating").render())
        await pilot.press("3", "enter")  # the user's rating wins
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
    assert ratings_by_gid(store) == {OPEN: [3]}
    (review_id,) = [r[0] for r in rows(store, "SELECT id FROM reviews")]
    assert rows(store, "SELECT review_id, model, rating FROM ai_feedback") == [(review_id, "fake-model", 4)]
    assert ANSWER in fake_ai.texts()[0] and "per layer and per head" in fake_ai.texts()[0]
    assert key_absent(store)


@headless
async def test_esc_cancels_a_request_and_the_answer_is_saved(new_app: AppFactory, store: Store,
                                                             fake_ai: FakeOpenAI) -> None:
    fake_ai.mode = "hang"
    app = new_app(config=ai_config(fake_ai.url))
    async with app.run_test(size=SIZE) as pilot:
        quiz_the_open_question(app)
        screen = await type_open_answer(pilot)
        view = screen.query_one(AIFeedbackView)
        await wait_for(pilot, lambda: view.running and bool(fake_ai.requests), "the request to be under way")
        await pilot.press("escape")
        await wait_for(pilot, lambda: not view.running, "the request to stop")
        assert "cancelled" in str(view.render()) and app.screen is screen  # Esc did not end the session
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
    assert len(ratings_by_gid(store)[OPEN]) == 1
    assert rows(store, "SELECT COUNT(*) FROM ai_feedback") == [(0,)]


@headless
async def test_a_down_server_is_one_line_and_the_offline_marks_stand(new_app: AppFactory, store: Store) -> None:
    from ..fake_openai import closed_port_url

    url = closed_port_url()
    app = new_app(config=ai_config(url))
    async with app.run_test(size=SIZE) as pilot:
        quiz_the_open_question(app)
        screen = await type_open_answer(pilot)
        view = screen.query_one(AIFeedbackView)
        await wait_for(pilot, lambda: view.feedback is not None, "the failure")
        assert str(view.render()) == f"AI grading unavailable: connection refused at {url}"
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
    assert OPEN in ratings_by_gid(store)


@headless
async def test_a_mock_interview_asks_followups_grades_the_exchange_and_reports(
        new_app: AppFactory, store: Store, library: Library, fake_ai: FakeOpenAI) -> None:
    fake_ai.replies = ["How much memory does it take for a 7B model at 4k tokens?", "Is it kept per head?",
                       json.dumps(GOOD),
                       '{"strengths": ["Knows why"], "gaps": ["Sizes"], "review": ["inference"]}']
    app = new_app(config=ai_config(fake_ai.url))
    q = library.get(OPEN)
    assert q is not None
    async with app.run_test(size=SIZE) as pilot:
        app.run_session(app.new_session("mock", [q], requeue=False), {"open": 180.0})
        screen = await type_open_answer(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, ConfidenceScreen), "how sure")  # mocks ask it
        await pilot.press("3")
        for reply in ("About 2 GB in fp16.", "Yes, per layer and per head."):
            await wait_for(pilot, lambda: isinstance(app.screen, FollowUpScreen)
                           and not app.screen.query_one(Input).disabled, "a follow-up")
            app.screen.query_one(Input).value = reply
            await pilot.press("enter")
        await wait_for(pilot, lambda: screen.phase == FEEDBACK and app.screen is screen, "the feedback")
        view = screen.query_one(AIFeedbackView)
        await wait_for(pilot, lambda: view.feedback is not None, "the grading of the exchange")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the report")
        report_view = app.screen.query_one(AIReportView)
        await wait_for(pilot, lambda: report_view.report is not None and report_view.report["strengths"] != [],
                       "the debrief")
        assert "Categories to review: inference" in str(report_view.render())
    followups = rows(store, "SELECT turn, question, answer FROM ai_followups ORDER BY turn")
    assert followups == [(1, "How much memory does it take for a 7B model at 4k tokens?", "About 2 GB in fp16."),
                         (2, "Is it kept per head?", "Yes, per layer and per head.")]
    assert "Yes, per layer and per head." in fake_ai.texts()[2]  # the whole exchange was graded
    assert len(fake_ai.requests) == 4  # two follow-ups at most: no third was asked for
    assert rows(store, "SELECT rating FROM ai_feedback") == [(3,)]
    ((raw,),) = rows(store, "SELECT report FROM ai_reports")
    report = json.loads(str(raw))
    assert report["gaps"] == ["Sizes"] and report["questions"][0]["followups"][1][1] == "Yes, per layer and per head."
    assert ratings_by_gid(store) == {OPEN: [3]}  # follow-up answers are kept, not scheduled
    assert key_absent(store)
