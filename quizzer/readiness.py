"""Readiness for an interview day: the predicted probability of recalling each question on that day.

FSRS's retrievability of each card evaluated at the interview (09:00 local time on its date), unseen
questions counting as 0, averaged per category and over all: the share of the questions one would
get right if asked that morning. Suspended questions count too: an interviewer may still ask them.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, tzinfo

from quizzer.model import Question
from quizzer.scheduler import Scheduler
from quizzer.store import Store
from quizzer.studyday import study_day

INTERVIEW_HOUR = 9  # the interview is taken to be in the morning of its day, local time


@dataclass(frozen=True, slots=True)
class Readiness:
    total: float
    categories: dict[str, float]  # category -> mean predicted recall, in the order first met
    questions: int


def interview_moment(day: date, tz: tzinfo | None = None) -> datetime:
    """09:00 local time on the interview day, as an aware datetime."""
    local = datetime.combine(day, time(INTERVIEW_HOUR))
    return local.replace(tzinfo=tz) if tz is not None else local.astimezone()


def days_left(day: date, now: datetime, tz: tzinfo | None = None) -> int:
    """Whole study days from today to the interview day (0 on the day, negative after it)."""
    return (day - study_day(now, tz)).days


def recall_by_question(store: Store, scheduler: Scheduler, at: datetime) -> dict[str, float]:
    """gid -> FSRS retrievability at `at` of every card answered at least once."""
    recall = scheduler.recall_at(at)
    out = {}
    for gid, last, stability in store.conn.execute(
            "SELECT gid, last_review, stability FROM cards WHERE reviews > 0 AND last_review IS NOT NULL"):
        try:
            out[gid] = recall(datetime.fromisoformat(last), float(stability) if stability is not None else None)
        except (ValueError, TypeError):
            store.damaged.add(f"card {gid}")
    return out


def readiness(questions: Iterable[Question], store: Store, scheduler: Scheduler, at: datetime) -> Readiness:
    """Mean predicted recall at `at` of `questions`, per category and in total (unseen: 0)."""
    recall = recall_by_question(store, scheduler, at)
    sums: dict[str, list[float]] = {}
    for q in questions:
        entry = sums.setdefault(q.category, [0.0, 0.0])
        entry[0] += recall.get(q.gid, 0.0)
        entry[1] += 1
    n = sum(int(v[1]) for v in sums.values())
    total = sum(v[0] for v in sums.values()) / n if n else 0.0
    return Readiness(total, {c: v[0] / v[1] for c, v in sums.items()}, n)
