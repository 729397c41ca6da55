"""The AI interviewer's records (gradings, follow-ups, mock-interview reports) as lines of the progress
log, so that `progress export` and `import` carry them between machines with the reviews.

Each line is a JSON object with an `"ai"` kind. A line may come from another machine or another
person, so every field is checked (type, length, time) before anything is written; merging adds the
records not already here by their key and never changes one that is.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import asdict, dataclass, fields
from datetime import datetime
from typing import Any

from quizzer.ai_interview import report_problem
from quizzer.records import to_iso
from quizzer.store import Store
from quizzer.sync import GID, REVIEW_ID, checked_stamp, shown

MAX_REPLY_CHARS = 20_000  # a model's reply or its checked grading
MAX_TURN_CHARS = 10_000  # a follow-up question or answer: as long as a review's response
MAX_REPORT_CHARS = 100_000
MAX_MODEL_CHARS = 200
MAX_TURN = 20


@dataclass(frozen=True, slots=True)
class FeedbackRecord:
    review_id: str
    session_id: str | None
    gid: str
    at: str
    model: str
    rating: int | None
    grade: str | None  # the checked grading as JSON text, or None when the reply did not parse
    reply: str


@dataclass(frozen=True, slots=True)
class FollowupRecord:
    id: str
    session_id: str
    gid: str
    turn: int
    question: str
    answer: str
    at: str


@dataclass(frozen=True, slots=True)
class ReportRecord:
    session_id: str
    at: str
    model: str
    report: str  # a JSON object as text


AIRecord = FeedbackRecord | FollowupRecord | ReportRecord
RECORD_TYPES = (FeedbackRecord, FollowupRecord, ReportRecord)
KINDS: dict[type[AIRecord], tuple[str, str, str]] = {  # record -> (its kind in the log, table, key column)
    FeedbackRecord: ("feedback", "ai_feedback", "review_id"),
    FollowupRecord: ("followup", "ai_followups", "id"),
    ReportRecord: ("report", "ai_reports", "session_id"),
}
KIND_NAMES = {kind for kind, _table, _key in KINDS.values()}


def to_json(record: AIRecord) -> str:
    return json.dumps({"ai": KINDS[type(record)][0], **asdict(record)}, ensure_ascii=False, sort_keys=True)


def iter_records(store: Store) -> Iterator[AIRecord]:
    """Every AI record of the database, kind by kind, oldest first."""
    for cls, (_kind, table, key) in KINDS.items():
        columns = ", ".join(f.name for f in fields(cls))
        for row in store.conn.execute(f"SELECT {columns} FROM {table} ORDER BY at, {key}"):
            yield cls(*row)


def _text(data: dict[str, Any], key: str, limit: int, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or len(value) > limit:
        raise ValueError(f"{key} must be text of at most {limit:,} characters, not {shown(value)}")
    return value


def _id(data: dict[str, Any], key: str, optional: bool = False) -> str | None:
    value = data.get(key)
    if value is None and optional:
        return None
    if not isinstance(value, str) or not REVIEW_ID.match(value):
        raise ValueError(f"bad {key} {shown(value)}")
    return value


def _object(data: dict[str, Any], key: str, limit: int, optional: bool = False) -> str | None:
    """A field holding a JSON object as text (a grading, a report)."""
    text = _text(data, key, limit, optional)
    if text is None:
        return None
    try:
        parsed = json.loads(text)
    except (ValueError, RecursionError):
        parsed = None
    if not isinstance(parsed, dict):
        raise ValueError(f"{key} must be a JSON object as text")
    return text


def record_from_json(data: dict[str, Any], now: datetime) -> AIRecord:
    """One AI line of the log, every field checked; ValueError names the first bad one."""
    kind = data.get("ai")
    if kind not in KIND_NAMES:
        raise ValueError(f"an AI record is feedback, followup or report, not {shown(kind)}")
    at = to_iso(checked_stamp(data.get("at"), now))
    model = _text(data, "model", MAX_MODEL_CHARS) if kind != "followup" else ""
    if kind == "report":
        report = str(_object(data, "report", MAX_REPORT_CHARS))
        if problem := report_problem(json.loads(report)):
            raise ValueError(f"report: {problem}")
        return ReportRecord(str(_id(data, "session_id")), at, str(model), report)
    gid = data.get("gid")
    if not isinstance(gid, str) or not GID.match(gid):
        raise ValueError(f"bad question id {shown(gid)}")
    if kind == "followup":
        turn = data.get("turn")
        if not isinstance(turn, int) or isinstance(turn, bool) or not 1 <= turn <= MAX_TURN:
            raise ValueError(f"turn must be a whole number from 1 to {MAX_TURN}, not {shown(turn)}")
        return FollowupRecord(str(_id(data, "id")), str(_id(data, "session_id")), gid, turn,
                              str(_text(data, "question", MAX_TURN_CHARS)), str(_text(data, "answer", MAX_TURN_CHARS)),
                              at)
    rating = data.get("rating")
    if rating is not None and (not isinstance(rating, int) or isinstance(rating, bool) or not 1 <= rating <= 4):
        raise ValueError(f"rating must be 1 to 4 or null, not {shown(rating)}")
    return FeedbackRecord(str(_id(data, "review_id")), _id(data, "session_id", optional=True), gid, at, str(model),
                          rating, _object(data, "grade", MAX_REPLY_CHARS, optional=True),
                          str(_text(data, "reply", MAX_REPLY_CHARS)))


def merge_records(store: Store, records: Iterable[AIRecord]) -> int:
    """Add the records not already here (by their key); returns how many were added."""
    added = 0
    with store.write() as c:
        for record in records:
            _kind, table, _key = KINDS[type(record)]
            names = [f.name for f in fields(record)]
            values = [getattr(record, name) for name in names]
            columns, marks = ", ".join(names), ", ".join("?" * len(names))
            added += c.execute(f"INSERT OR IGNORE INTO {table} ({columns}) VALUES ({marks})", values).rowcount
    return added
