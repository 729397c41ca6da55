"""Reading a review log exported by `quizzer progress export` (JSON Lines), strictly."""

from __future__ import annotations

import json
import re
from datetime import datetime
from pathlib import Path
from typing import Any

from quizzer.records import ReviewRow
from quizzer.studyday import study_day

GID = re.compile(r"^[a-z0-9-]+/[a-z0-9]+(-[a-z0-9]+)*$")


class SyncError(Exception):
    pass


def _review(data: Any) -> ReviewRow:
    if not isinstance(data, dict):
        raise ValueError("a review must be a JSON object")
    rid, gid = data.get("id"), data.get("gid")
    if not isinstance(rid, str) or not rid:
        raise ValueError("missing review id")
    if not isinstance(gid, str) or not GID.match(gid):
        raise ValueError(f"bad question id {gid!r}")
    when = datetime.fromisoformat(str(data.get("reviewed_at")))
    if when.tzinfo is None:
        raise ValueError("reviewed_at must carry a time zone")
    rating = data.get("rating")
    if not isinstance(rating, int) or isinstance(rating, bool) or rating not in (1, 2, 3, 4):
        raise ValueError(f"rating must be 1-4, not {rating!r}")
    score = data.get("score", 0.0)
    if not isinstance(score, int | float) or isinstance(score, bool) or not 0 <= score <= 1:
        raise ValueError(f"score must be in 0..1, not {score!r}")
    duration = data.get("duration_ms")
    if duration is not None and (not isinstance(duration, int) or isinstance(duration, bool) or duration < 0):
        raise ValueError(f"bad duration_ms {duration!r}")
    day = data.get("day") or study_day(when).isoformat()
    return ReviewRow(
        id=rid, gid=gid, category=gid.split("/", 1)[0], reviewed_at=when, day=str(day), rating=rating,
        score=float(score), response=str(data.get("response") or ""), duration_ms=duration,
        session_id=str(data["session_id"]) if data.get("session_id") else None,
        content_hash=str(data.get("content_hash") or ""),
    )


def read_log(path: Path) -> list[ReviewRow]:
    """Every review in the file, or a SyncError naming the first bad line (nothing is applied)."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise SyncError(f"{path}: no such file") from None
    except UnicodeDecodeError:
        raise SyncError(f"{path}: not UTF-8 text") from None
    except OSError as exc:
        raise SyncError(f"{path}: cannot read: {exc.strerror or exc}") from None
    reviews = []
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            reviews.append(_review(json.loads(line)))
        except (ValueError, TypeError) as exc:
            raise SyncError(f"{path}:{n}: {exc}") from None
    return reviews
