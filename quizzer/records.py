"""The rows the progress store reads and writes: cards, reviews and the light card tuples
used for counting, with the fixed-width time text and the review ids they are keyed by.

No I/O here, so that the scheduler and the session can share the shapes without the store.
"""

from __future__ import annotations

import json
import math
import os
import re
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import TYPE_CHECKING, Any, NamedTuple

if TYPE_CHECKING:
    import sqlite3


def new_review_id(when: datetime) -> str:
    """A UUID in the version-7 layout: 48 bits of Unix milliseconds, then random bits.

    Time-ordered ids append at the right edge of the log's unique index instead of touching a
    random page of it, which keeps an answer's insert cheap on a log of a million reviews.
    Formatted here: building a `uuid.UUID` to print it took most of the time of making one.
    """
    ms = int(when.timestamp() * 1000) & ((1 << 48) - 1)
    value = (ms << 80) | int.from_bytes(os.urandom(10), "big")
    value = (value & ~(0xF << 76)) | (0x7 << 76)  # version 7
    value = (value & ~(0x3 << 62)) | (0x2 << 62)  # RFC 4122 variant
    h = f"{value:032x}"
    return f"{h[:8]}-{h[8:12]}-{h[12:16]}-{h[16:20]}-{h[20:]}"


def to_iso(dt: datetime) -> str:
    """UTC ISO-8601 text with a fixed width, so that text order is time order."""
    return dt.astimezone(UTC).isoformat(timespec="microseconds")


def from_iso(text: str) -> datetime:
    return datetime.fromisoformat(text)


# Card states as fsrs numbers them (fsrs.State), stored as plain ints.
LEARNING, REVIEW, RELEARNING = 1, 2, 3


@dataclass(slots=True)
class CardRow:
    gid: str
    category: str
    state: int
    step: int | None
    stability: float | None
    difficulty: float | None
    due: datetime
    last_review: datetime | None
    reviews: int = 0
    lapses: int = 0
    suspended: bool = False
    flagged: bool = False


@dataclass(slots=True)
class ReviewRow:
    id: str
    gid: str
    category: str
    reviewed_at: datetime
    day: str
    rating: int
    score: float
    response: str
    duration_ms: int | None
    session_id: str | None
    content_hash: str
    confidence: int | None = None  # 1 guess, 2 unsure, 3 sure, said before the answer was checked
    params: dict[str, int | float] | None = None  # the numbers a parametrised question was asked with

    def to_json(self) -> str:
        data = asdict(self)
        data["reviewed_at"] = to_iso(self.reviewed_at)
        if self.confidence is None:
            del data["confidence"]  # files stay as earlier versions wrote them when it was not asked
        if self.params is None:
            del data["params"]  # a fixed question's line reads as before
        return json.dumps(data, ensure_ascii=False, sort_keys=True)

    def params_json(self) -> str | None:
        """The drawn numbers as the store keeps them (NULL for a fixed question)."""
        return None if self.params is None else json.dumps(self.params, sort_keys=True)


CARD_COLUMNS = ("gid, category, state, step, stability, difficulty, due, last_review, reviews, lapses,"
                " suspended, flagged")


def card_from_row(row: tuple[Any, ...]) -> CardRow:
    """A card from a row selected with CARD_COLUMNS (positional: this runs for every due card).

    Raises ValueError for a row that no quizzer wrote (a bad date, state or number), which the
    store skips and reports rather than letting one row stop every command."""
    gid, category, state, step, stability, difficulty, due, last, reviews, lapses, suspended, flagged = row
    if state not in (LEARNING, REVIEW, RELEARNING) or not _count(reviews) or not _count(lapses) \
            or not (step is None or _count(step)) or not _number(stability) or not _number(difficulty):
        raise ValueError(f"card {gid!r} holds values outside their ranges")
    return CardRow(gid, category, state, step, stability, difficulty, _time(due),
                   _time(last) if last else None, reviews, lapses, bool(suspended), bool(flagged))


def _count(value: object) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 1 << 31


def _number(value: object) -> bool:
    return value is None or (isinstance(value, int | float) and math.isfinite(value) and 0 <= value < 1e9)


def _time(text: object) -> datetime:
    when = datetime.fromisoformat(text) if isinstance(text, str) else None
    if when is None or when.tzinfo is None:
        raise ValueError(f"not a time with a zone: {text!r}")
    return when


class CardState(NamedTuple):
    """What counting needs of a card, with `due` left as stored text (ISO, UTC, fixed width: text
    order is time order), so that reading thousands of cards parses no dates. A tuple: cheap by the 10,000."""

    gid: str
    category: str
    state: int
    due: str
    reviews: int
    suspended: int  # 0 or 1, as stored


PARAM_KEY = re.compile(r"^[a-z_][a-z0-9_]{0,31}$")
MAX_PARAMS = 8
MAX_PARAM_VALUE = 1e15


def checked_params(value: object) -> dict[str, int | float] | None:
    """Drawn numbers read from a progress file or the database, strictly: None, or a mapping of at most
    MAX_PARAMS lowercase names to finite numbers (ValueError for anything else)."""
    if value is None:
        return None
    if not isinstance(value, dict) or not value or len(value) > MAX_PARAMS:
        raise ValueError(f"params must map 1 to {MAX_PARAMS} names to numbers")
    for key, number in value.items():
        if not isinstance(key, str) or not PARAM_KEY.match(key):
            raise ValueError("a params name must be a lowercase identifier")
        if isinstance(number, bool) or not isinstance(number, int | float) or not math.isfinite(number) \
                or abs(number) > MAX_PARAM_VALUE:
            raise ValueError(f"params {key} must be a finite number up to {MAX_PARAM_VALUE:.0e}")
    return dict(value)


def _json(text: str) -> object:
    try:
        return json.loads(text)
    except RecursionError:
        raise ValueError("JSON nested too deeply") from None


def review_from_row(row: sqlite3.Row) -> ReviewRow:
    """A review from a `SELECT * FROM reviews` row; ValueError for a row no quizzer wrote."""
    rating, score = row["rating"], row["score"]
    stored = row["params"] if "params" in row.keys() else None  # a Row has keys(), not `in`
    if stored is not None and (not isinstance(stored, str) or len(stored) > 2_000):
        raise ValueError(f"review {row['id']!r} holds params that are not JSON text")
    if rating not in (1, 2, 3, 4) or not isinstance(score, int | float) or not 0 <= score <= 1:
        raise ValueError(f"review {row['id']!r} holds values outside their ranges")
    date.fromisoformat(row["day"])
    return ReviewRow(
        id=row["id"], gid=row["gid"], category=row["category"], reviewed_at=_time(row["reviewed_at"]),
        day=row["day"], rating=rating, score=score, response=row["response"],
        duration_ms=row["duration_ms"], session_id=row["session_id"], content_hash=row["content_hash"],
        confidence=row["confidence"] if row["confidence"] in (1, 2, 3) else None,
        params=checked_params(_json(stored)) if stored is not None else None,
    )
