"""Reading a review log exported by `quizzer progress export` (JSON Lines), strictly.

A progress file may come from another machine or another person, so every field of every line is
checked (type, range, date) before anything is written, and the file is read a line at a time
within fixed limits: a huge line, a huge number or deep nesting is a clear error, never a crash.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from quizzer.errors import SyncError
from quizzer.records import ReviewRow, checked_params
from quizzer.studyday import study_day

if TYPE_CHECKING:
    from quizzer.ai_log import AIRecord
    from quizzer.marklog import MarkRow
    from quizzer.undo_log import UndoRow

GID = re.compile(r"^[a-z0-9-]{1,40}/[a-z0-9]+(-[a-z0-9]+)*$")
REVIEW_ID = re.compile(r"^[0-9A-Za-z._:-]{1,64}$")
HASH = re.compile(r"^[0-9a-f]{0,64}$")
MAX_LINE_BYTES = 256 * 1024  # a review is about 400 bytes; its response at most 10,000 characters
MAX_RESPONSE_CHARS = 10_000
MAX_DURATION_MS = 24 * 3600 * 1000
EARLIEST = datetime(2000, 1, 1, tzinfo=UTC)


def _int(value: Any, what: str, low: int, high: int) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or not low <= value <= high:
        raise ValueError(f"{what} must be a whole number from {low} to {high:,}, not {shown(value)}")
    return value


def shown(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _optional_text(data: dict[str, Any], key: str, pattern: re.Pattern[str] | None, limit: int) -> str | None:
    value = data.get(key)
    if value is None:
        return None
    if not isinstance(value, str) or len(value) > limit or (pattern is not None and not pattern.match(value)):
        raise ValueError(f"bad {key} {shown(value)}")
    return value


def checked_stamp(stamp: Any, now: datetime) -> datetime:
    try:
        when = datetime.fromisoformat(stamp).astimezone(UTC) if isinstance(stamp, str) and len(stamp) <= 40 else None
    except (ValueError, OverflowError):
        when = None
    if when is None or not EARLIEST <= when <= now + timedelta(days=1):
        raise ValueError(f"at must be a time with a zone between 2000 and tomorrow, not {shown(stamp)}")
    return when


def undo_from_json(data: dict[str, Any], now: datetime) -> UndoRow:
    """One tombstone of the log (a review taken back), every field checked."""
    from quizzer.undo_log import UndoRow

    rid, gid = data.get("undo"), data.get("gid")
    if not isinstance(rid, str) or not REVIEW_ID.match(rid):
        raise ValueError(f"bad review id in an undo {shown(rid)}")
    if not isinstance(gid, str) or not GID.match(gid):
        raise ValueError(f"bad question id {shown(gid)}")
    return UndoRow(rid, gid, gid.split("/", 1)[0], checked_stamp(data.get("at"), now))


def mark_from_json(data: dict[str, Any], now: datetime) -> MarkRow:
    """One suspension or flag event of the log, every field checked."""
    from quizzer.marklog import MARKS, MarkRow

    rid, gid, mark, value, stamp = (data.get(k) for k in ("id", "gid", "mark", "value", "at"))
    if not isinstance(rid, str) or not REVIEW_ID.match(rid):
        raise ValueError(f"bad mark id {shown(rid)}")
    if not isinstance(gid, str) or not GID.match(gid):
        raise ValueError(f"bad question id {shown(gid)}")
    if mark not in MARKS or not isinstance(value, bool):
        raise ValueError(f"a mark is suspended or flagged, true or false, not {shown(mark)} {shown(value)}")
    return MarkRow(rid, gid, gid.split("/", 1)[0], mark, value, checked_stamp(stamp, now))


def review_from_json(data: Any, now: datetime) -> ReviewRow:
    """One review line, every field checked; ValueError names the first bad one."""
    if not isinstance(data, dict):
        raise ValueError("a review must be a JSON object")
    rid, gid = data.get("id"), data.get("gid")
    if not isinstance(rid, str) or not REVIEW_ID.match(rid):
        raise ValueError(f"bad review id {shown(rid)}")
    if not isinstance(gid, str) or not GID.match(gid):
        raise ValueError(f"bad question id {shown(gid)}")
    stamp = data.get("reviewed_at")
    if not isinstance(stamp, str) or len(stamp) > 40:
        raise ValueError(f"reviewed_at must be an ISO time, not {shown(stamp)}")
    try:
        when = datetime.fromisoformat(stamp)
    except ValueError:
        raise ValueError(f"reviewed_at is not an ISO time: {shown(stamp)}") from None
    if when.tzinfo is None:
        raise ValueError("reviewed_at must carry a time zone")
    try:
        when = when.astimezone(UTC)
    except OverflowError:
        raise ValueError(f"reviewed_at is out of range: {shown(stamp)}") from None
    if not EARLIEST <= when <= now + timedelta(days=1):
        raise ValueError(f"reviewed_at {stamp} is not between 2000 and tomorrow")
    rating = _int(data.get("rating"), "rating", 1, 4)
    score = data.get("score", 0.0)
    if not isinstance(score, int | float) or isinstance(score, bool) or not math.isfinite(score) or not 0 <= score <= 1:
        raise ValueError(f"score must be in 0..1, not {shown(score)}")
    duration = data.get("duration_ms")
    if duration is not None:
        duration = _int(duration, "duration_ms", 0, MAX_DURATION_MS)
    day = data.get("day")
    if day is None:
        day = study_day(when).isoformat()
    else:
        try:
            parsed = date.fromisoformat(day) if isinstance(day, str) and len(day) == 10 else None
        except ValueError:
            parsed = None
        if parsed is None or abs((parsed - when.date()).days) > 1:
            raise ValueError(f"day must be the review's study day (YYYY-MM-DD), not {shown(day)}")
    response = data.get("response") or ""
    if not isinstance(response, str) or len(response) > MAX_RESPONSE_CHARS:
        raise ValueError(f"response must be text of at most {MAX_RESPONSE_CHARS:,} characters")
    return ReviewRow(
        id=rid, gid=gid, category=gid.split("/", 1)[0], reviewed_at=when, day=str(day), rating=rating,
        score=float(score), response=response, duration_ms=duration,
        session_id=_optional_text(data, "session_id", REVIEW_ID, 64),
        content_hash=_optional_text(data, "content_hash", HASH, 64) or "",
        confidence=None if data.get("confidence") is None else _int(data.get("confidence"), "confidence", 1, 3),
        params=checked_params(data.get("params")),
    )


def _lines(stream: BinaryIO, path: Path) -> Iterator[tuple[int, str]]:
    for n, raw in enumerate(iter(lambda: stream.readline(MAX_LINE_BYTES + 1), b""), 1):
        if len(raw) > MAX_LINE_BYTES:
            raise SyncError(f"{path}:{n}: line longer than {MAX_LINE_BYTES // 1024} KiB; not a quizzer progress file")
        try:
            text = raw.decode("utf-8")
        except UnicodeDecodeError:
            raise SyncError(f"{path}:{n}: not UTF-8 text") from None
        yield n, text.removeprefix("\ufeff") if n == 1 else text


def iter_log(path: Path, now: datetime | None = None) -> Iterator[ReviewRow | MarkRow | UndoRow | AIRecord]:
    """The reviews of a progress file, a line at a time; SyncError names the first bad line.

    Callers that must apply nothing from a bad file read it through once first (`count_log`)."""
    now = now or datetime.now(UTC)
    try:
        stream = path.open("rb")
    except FileNotFoundError:
        raise SyncError(f"{path}: no such file") from None
    except OSError as exc:
        raise SyncError(f"{path}: cannot read: {exc.strerror or exc}") from None
    with stream:
        try:
            for n, line in _lines(stream, path):
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                    if isinstance(data, dict) and "ai" in data:
                        from quizzer.ai_log import record_from_json

                        yield record_from_json(data, now)
                    elif isinstance(data, dict) and "undo" in data:
                        yield undo_from_json(data, now)
                    elif isinstance(data, dict) and "mark" in data:
                        yield mark_from_json(data, now)
                    else:
                        yield review_from_json(data, now)
                except RecursionError:
                    raise SyncError(f"{path}:{n}: JSON nested too deeply") from None
                except (ValueError, TypeError, OverflowError) as exc:
                    raise SyncError(f"{path}:{n}: {exc}") from None
        except OSError as exc:
            raise SyncError(f"{path}: cannot read: {exc.strerror or exc}") from None


def count_log(path: Path, now: datetime | None = None) -> int:
    """Check every line of a progress file without keeping it; returns the number of lines (events)."""
    return sum(1 for _ in iter_log(path, now))


def read_log(path: Path, now: datetime | None = None) -> list[ReviewRow]:
    """Every review in the file, or a SyncError naming the first bad line (nothing is applied)."""
    return [r for r in iter_log(path, now) if isinstance(r, ReviewRow)]
