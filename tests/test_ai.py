"""The optional AI interviewer's core: the strict check of replies, the client against a fake
OpenAI-compatible server (and each way a server fails), and what is kept in the database."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime

import pytest

from quizzer.ai_client import AISettings, AIUnavailable, api_key, chat
from quizzer.ai_grading import AIFeedback, ask_grade, feedback_lines, grading_messages, parse_grade
from quizzer.ai_interview import (
    Exchange,
    ask_followup,
    build_report,
    parse_followup,
    parse_overall,
    report_lines,
    report_problem,
)
from quizzer.ai_store import exchanges_of_session, keep_feedback, load_report, save_followups, save_report
from quizzer.config import load
from quizzer.model import Library, Question
from quizzer.store import Store

from .fake_openai import GOOD_KEY, FakeOpenAI, closed_port_url

ANSWER = "It keeps the keys and values of past tokens so decoding avoids recomputing the prefix."
GOOD = {"covered": [{"point": 1, "quote": "keys and values of past tokens"},
                    {"point": 3, "quote": "avoids recomputing the prefix"}],
        "missing": ["It is kept per layer and per head."], "wrong": [], "rating": 3,
        "feedback": "Solid. Mention that the cache is per layer and per head."}


def open_question(library: Library) -> Question:
    q = library.get("inference/kv-cache-purpose")
    assert q is not None
    return q


def settings(url: str, timeout: float = 60.0) -> AISettings:
    return AISettings(url, "fake-model", "QUIZZER_AI_API_KEY", timeout)


def with_(change: dict[str, object]) -> str:
    return json.dumps({**GOOD, **change})


@pytest.mark.parametrize(("reply", "accepted"), [
    (json.dumps(GOOD), True),
    ("```json\n" + json.dumps(GOOD) + "\n```", True),  # fenced, as many models write it
    (with_({"rating": 5}), False),
    (with_({"rating": "3"}), False),
    (with_({"rating": True}), False),
    (with_({"feedback": ""}), False),
    (with_({"missing": "per layer"}), False),
    (with_({"covered": [{"point": 4, "quote": "x"}]}), False),  # only three key points
    (with_({"covered": [{"point": 1}]}), False),
    (with_({"extra": 1}), False),
    ("Good answer, I'd give it a 3.", False),
    ("[1, 2, 3]", False),
    ("", False),
])
def test_only_a_reply_of_exactly_the_asked_shape_is_a_grade(library: Library, reply: str, accepted: bool) -> None:
    assert (parse_grade(reply, open_question(library), ANSWER) is not None) == accepted


def test_a_quote_not_in_the_answer_is_dropped_but_the_point_stays(library: Library) -> None:
    reply = with_({"covered": [{"point": 2, "quote": "per layer and per head"}]})
    grade = parse_grade(reply, open_question(library), ANSWER)
    assert grade is not None
    assert grade.covered == ((1, ""),)
    assert grade.marks(3) == (False, True, False)


def test_the_request_carries_question_key_points_and_answer(library: Library) -> None:
    q = open_question(library)
    text = "\n".join(m["content"] for m in grading_messages(q, ANSWER, "zh", [("How big is it?", "2 GB")]))
    for part in (q.prompt, *q.key_points, ANSWER, "How big is it?", "2 GB", "Simplified Chinese"):
        assert part in text


@pytest.mark.parametrize(("reply", "followup"), [
    ("NONE", None), ("None.", None), ("  ", None),
    ('"How much memory does it take for a 7B model at 4k tokens?"',
     "How much memory does it take for a 7B model at 4k tokens?"),
    ("Why\nper head?\x1b[2J", "Why per head?\\x1b[2J"),
])
def test_a_followup_is_one_line_or_none(reply: str, followup: str | None) -> None:
    assert parse_followup(reply) == followup


def test_the_key_comes_from_the_named_variable_then_openai_api_key() -> None:
    s = AISettings("http://x/v1", "m", "MY_KEY")
    assert api_key(s, {"MY_KEY": "a", "OPENAI_API_KEY": "b"}) == "a"
    assert api_key(s, {"OPENAI_API_KEY": "b"}) == "b"
    assert api_key(s, {}) is None


def test_nothing_is_sent_unless_server_and_model_are_set(tmp_path: object, monkeypatch: pytest.MonkeyPatch) -> None:
    from pathlib import Path

    config = load(Path("/nonexistent.toml"), {"QUIZZER_AI_BASE_URL": "http://127.0.0.1:9/v1"})
    assert not AISettings.from_config(config).configured
    with pytest.raises(AIUnavailable, match="not configured"):
        asyncio.run(chat(AISettings.from_config(config), [{"role": "user", "content": "hi"}]))
    both = load(Path("/nonexistent.toml"), {"QUIZZER_AI_BASE_URL": "http://h/v1", "QUIZZER_AI_MODEL": "m"})
    assert AISettings.from_config(both) == AISettings("http://h/v1", "m", "QUIZZER_AI_API_KEY", 60.0)


def test_a_good_reply_streams_in_and_is_graded(fake_ai: FakeOpenAI, library: Library) -> None:
    fake_ai.replies = [json.dumps(GOOD)]
    seen: list[str] = []
    feedback = asyncio.run(ask_grade(settings(fake_ai.url), open_question(library), ANSWER, on_text=seen.append))
    assert feedback.problem is None and feedback.grade is not None
    assert feedback.grade.rating == 3
    assert len(seen) > 2 and seen[-1] == json.dumps(GOOD)  # the text arrived piece by piece
    assert fake_ai.requests[0]["stream"] is True and fake_ai.requests[0]["model"] == "fake-model"
    assert ANSWER in fake_ai.texts()[0]
    assert feedback_lines(feedback, open_question(library))[0].startswith("AI suggests Good (3).")


def test_an_unparsable_reply_is_shown_as_text(fake_ai: FakeOpenAI, library: Library) -> None:
    fake_ai.replies = ["Pretty good answer! 3/4"]
    feedback = asyncio.run(ask_grade(settings(fake_ai.url), open_question(library), ANSWER))
    assert feedback.grade is None and feedback.problem is None
    assert feedback_lines(feedback, open_question(library))[1] == "Pretty good answer! 3/4"


@pytest.mark.parametrize(("mode", "problem"), [
    ("error500", "HTTP 500 from {url}: model crashed"),
    ("notfound", "HTTP 404 from {url}: no model 'fake-model' there"),
    ("garbage", "unreadable reply from {url}"),
])
def test_each_server_failure_is_one_line(fake_ai: FakeOpenAI, library: Library, mode: str, problem: str) -> None:
    fake_ai.mode = mode
    feedback = asyncio.run(ask_grade(settings(fake_ai.url), open_question(library), ANSWER))
    assert feedback.problem is not None and feedback.problem.startswith(problem.format(url=fake_ai.url))
    assert "\n" not in feedback.problem


def test_a_refused_connection_names_the_address(library: Library) -> None:
    url = closed_port_url()
    feedback = asyncio.run(ask_grade(settings(url), open_question(library), ANSWER))
    assert feedback_lines(feedback, open_question(library)) == [f"AI grading unavailable: connection refused at {url}"]


def test_a_silent_server_times_out(fake_ai: FakeOpenAI, library: Library) -> None:
    fake_ai.mode = "hang"
    feedback = asyncio.run(ask_grade(settings(fake_ai.url, timeout=1), open_question(library), ANSWER))
    assert feedback.problem == f"no reply within 1 s from {fake_ai.url}"


def test_a_wrong_key_is_said_without_the_key(fake_ai: FakeOpenAI, library: Library,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    fake_ai.key = "sk-the-right-one"
    monkeypatch.setenv("QUIZZER_AI_API_KEY", GOOD_KEY)
    feedback = asyncio.run(ask_grade(settings(fake_ai.url), open_question(library), ANSWER))
    assert feedback.problem == (f"the server at {fake_ai.url} refused the API key (HTTP 401); "
                                "check QUIZZER_AI_API_KEY")
    monkeypatch.setenv("QUIZZER_AI_API_KEY", "sk-the-right-one")
    assert asyncio.run(ask_grade(settings(fake_ai.url), open_question(library), ANSWER)).problem is None


def test_followups_stop_after_two(fake_ai: FakeOpenAI, library: Library) -> None:
    q, s = open_question(library), settings(fake_ai.url)
    fake_ai.replies = ["Is it per layer?"]
    assert asyncio.run(ask_followup(s, q, ANSWER, [])) == "Is it per layer?"
    assert asyncio.run(ask_followup(s, q, ANSWER, [("a", "b"), ("c", "d")])) is None
    assert len(fake_ai.requests) == 1


def test_the_report_keeps_the_transcript_and_checks_the_categories(fake_ai: FakeOpenAI, library: Library) -> None:
    q = open_question(library)
    exchanges = [Exchange(q, ANSWER, (("Per head?", "Yes"),), 2, "Thin on heads.", 2)]
    assert parse_overall('{"strengths": [], "gaps": [], "review": ["cooking"]}', ["inference"]) is None
    fake_ai.replies = ['{"strengths": ["Knows why"], "gaps": ["Sizes"], "review": ["inference"]}']
    report = asyncio.run(build_report(settings(fake_ai.url), exchanges))
    assert report["strengths"] == ["Knows why"] and report["review"] == ["inference"]
    lines = report_lines(report)
    assert "   Follow-up: Per head?" in lines and "Categories to review: inference" in lines
    fake_ai.mode = "error500"
    offline = asyncio.run(build_report(settings(fake_ai.url), exchanges))
    assert offline["review"] == ["inference"] and offline["problem"].startswith("HTTP 500")
    # what a machine writes, another machine's import takes (it checks the shape the lines need)
    assert report_problem(report) is None and report_problem(offline) is None
    assert report_problem({**report, "questions": [{**report["questions"][0], "followups": [["one"]]}]})


def test_feedback_followups_and_report_are_kept(store: Store, library: Library) -> None:
    from quizzer.grading import grade
    from quizzer.scheduler import Scheduler
    from quizzer.session import Session

    from .conftest import Clock

    q = open_question(library)
    session = Session(library, store, Scheduler(), Clock(), kind="mock", questions=[q])
    session.record(session.next() or q, grade(q, ANSWER, 1000, self_rating=3), ANSWER, 1000, 3)
    save_followups(store, session.id, q.gid, [("Per head?", "Yes, per head.")], datetime(2026, 1, 1, tzinfo=UTC))
    grade_ = parse_grade(json.dumps(GOOD), q, ANSWER)
    keep_feedback(store, session.id, q.gid, AIFeedback("m", json.dumps(GOOD), grade_), datetime.now(UTC))
    keep_feedback(store, session.id, q.gid, AIFeedback("m", problem="down"), datetime.now(UTC))  # nothing to keep
    (exchange,) = exchanges_of_session(store, library, session.id)
    assert exchange.followups == (("Per head?", "Yes, per head."),)
    assert exchange.ai_rating == 3 and exchange.feedback == GOOD["feedback"]
    save_report(store, session.id, "m", {"questions": [], "review": ["inference"]}, datetime.now(UTC))
    assert load_report(store) == (session.id, {"questions": [], "review": ["inference"]})
    assert load_report(store, "other") is None
