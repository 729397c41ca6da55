"""What the AI interviewer said, kept in the progress database beside the reviews it informed.

Feedback is linked to its review; follow-up answers are kept by session and question (they are not
reviews: nothing schedules them); a mock interview's report is kept by session. The API key is never
among what is written here: nothing in these tables comes from the settings but the model's name.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from quizzer.ai_grading import AIFeedback
from quizzer.ai_interview import Exchange
from quizzer.model import Library
from quizzer.records import to_iso
from quizzer.store import Store


@dataclass(frozen=True)
class StoredFeedback:
    review_id: str
    gid: str
    model: str
    rating: int | None
    grade: str | None  # the checked JSON, or None when the reply did not parse
    reply: str


def latest_review_id(store: Store, session_id: str, gid: str) -> str | None:
    """The id of the review just recorded for `gid` in this session."""
    row = store.conn.execute("SELECT id FROM reviews WHERE session_id = ? AND gid = ? ORDER BY reviewed_at DESC, "
                             "id DESC LIMIT 1", (session_id, gid)).fetchone()
    return str(row[0]) if row else None


def save_feedback(store: Store, review_id: str, session_id: str, gid: str, model: str, reply: str,
                  grade_json: str | None, rating: int | None, now: datetime) -> None:
    with store.write() as c:
        c.execute("INSERT OR REPLACE INTO ai_feedback (review_id, session_id, gid, at, model, rating, grade, reply)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                  (review_id, session_id, gid, to_iso(now), model, rating, grade_json, reply))


def feedback_of_session(store: Store, session_id: str) -> list[StoredFeedback]:
    return [StoredFeedback(*row) for row in store.conn.execute(
        "SELECT review_id, gid, model, rating, grade, reply FROM ai_feedback WHERE session_id = ? ORDER BY at",
        (session_id,))]


def save_followups(store: Store, session_id: str, gid: str, exchange: Sequence[tuple[str, str]],
                   now: datetime, first_turn: int = 1) -> None:
    """Follow-up questions asked about `gid` and the user's answers, in order from `first_turn`."""
    if not exchange:
        return
    with store.write() as c:
        c.executemany("INSERT INTO ai_followups (id, session_id, gid, turn, question, answer, at)"
                      " VALUES (?, ?, ?, ?, ?, ?, ?)",
                      [(str(uuid.uuid4()), session_id, gid, turn, question, answer, to_iso(now))
                       for turn, (question, answer) in enumerate(exchange, first_turn)])


def followups_of_session(store: Store, session_id: str) -> dict[str, list[tuple[str, str]]]:
    """gid -> [(follow-up question, answer)] of one session."""
    found: dict[str, list[tuple[str, str]]] = {}
    for gid, question, answer in store.conn.execute(
            "SELECT gid, question, answer FROM ai_followups WHERE session_id = ? ORDER BY at, gid, turn",
            (session_id,)):
        found.setdefault(gid, []).append((question, answer))
    return found


def save_report(store: Store, session_id: str, model: str, report: dict[str, Any], now: datetime) -> None:
    with store.write() as c:
        c.execute("INSERT OR REPLACE INTO ai_reports (session_id, at, model, report) VALUES (?, ?, ?, ?)",
                  (session_id, to_iso(now), model, json.dumps(report, ensure_ascii=False)))


def load_report(store: Store, session_id: str | None = None) -> tuple[str, dict[str, Any]] | None:
    """(session id, report) of one mock interview, the latest without an id; None when there is none."""
    sql = "SELECT session_id, report FROM ai_reports"
    row = (store.conn.execute(sql + " WHERE session_id = ?", (session_id,)).fetchone() if session_id
           else store.conn.execute(sql + " ORDER BY at DESC LIMIT 1").fetchone())
    if row is None:
        return None
    try:
        report = json.loads(row[1])
    except ValueError:
        return None
    return (str(row[0]), report) if isinstance(report, dict) else None


def keep_feedback(store: Store, session_id: str, gid: str, feedback: AIFeedback, now: datetime) -> None:
    """Store the model's grading with the review just recorded for `gid` (a reply that could not be had
    leaves nothing to keep)."""
    review_id = latest_review_id(store, session_id, gid)
    if review_id is None or feedback.problem is not None:
        return
    grade = feedback.grade
    save_feedback(store, review_id, session_id, gid, feedback.model, feedback.reply,
                  grade.to_json() if grade else None, grade.rating if grade else None, now)


def exchanges_of_session(store: Store, library: Library, session_id: str) -> list[Exchange]:
    """The questions a session recorded, in order, each with its answer, follow-ups and the model's
    grading (for the report of a mock interview)."""
    followups = followups_of_session(store, session_id)
    feedback = {f.review_id: f for f in feedback_of_session(store, session_id)}
    out: list[Exchange] = []
    for review_id, gid, response, rating in store.conn.execute(
            "SELECT id, gid, response, rating FROM reviews WHERE session_id = ? ORDER BY reviewed_at, id",
            (session_id,)):
        q = library.get(gid)
        if q is None:
            continue
        stored = feedback.get(review_id)
        text, ai_rating = "", None
        if stored is not None and stored.grade is not None:
            text, ai_rating = str(json.loads(stored.grade).get("feedback", "")), stored.rating
        out.append(Exchange(q, response, tuple(followups.get(gid, ())), int(rating), text, ai_rating))
    return out
