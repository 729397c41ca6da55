"""Stats: per-category counts, mastery and the streak, computed from a store filled through a session."""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, timedelta

import pytest

from quizzer.grading import grade
from quizzer.model import Library
from quizzer.scheduler import Scheduler
from quizzer.session import Session
from quizzer.stats import compute, streak
from quizzer.store import Store

T0 = datetime(2026, 11, 2, 10, 0, tzinfo=UTC)




def answer(library: Library, store: Store, when: datetime, ratings: dict[str, int]) -> None:
    """Record one review per question with the given rating (the typed answer does not matter here)."""
    session = Session(library, store, Scheduler(enable_fuzzing=False), lambda: when, kind="quiz",
                      questions=[q for g in ratings if (q := library.get(g)) is not None], tz=UTC,
                      rng=random.Random(1))
    for gid, rating in ratings.items():
        q = library.get(gid)
        assert q is not None
        session.record(q, grade(q, ""), "", 5_000, rating=rating)
    session.finish()


def test_nothing_answered_means_no_mastery(library: Library, store: Store) -> None:
    data = compute(library, store, T0, UTC)
    assert data["totals"]["questions"] == len(library)
    assert data["totals"]["seen"] == 0
    assert data["totals"]["mastery"] == 0.0
    assert data["streak_days"] == 0


def test_mastery_counts_unseen_questions_and_a_miss_is_not_mastered(library: Library, store: Store) -> None:
    answer(library, store, T0, {"base/bf16-exponent": 1, "inference/decode-bound": 4})
    data = compute(library, store, T0 + timedelta(minutes=1), UTC)
    base, inference = data["categories"]["base"], data["categories"]["inference"]
    assert (base["seen"], inference["seen"]) == (1, 1)
    # Easy sends a new question straight to review: one of three learned, two never seen.
    assert inference["mastery"] == pytest.approx(1 / 3, abs=1e-4)
    assert inference["mastered"] == 1
    # A question missed a minute ago is back in the learning steps: not mastered.
    assert (base["mastery"], base["mastered"]) == (0.0, 0)
    assert data["totals"]["mastery"] == pytest.approx(1 / 6, abs=1e-4)
    assert data["totals"]["reviews"] == 2
    assert data["totals"]["correct"] == 1


def test_suspended_questions_leave_the_mastery_denominator(library: Library, store: Store) -> None:
    answer(library, store, T0, {"inference/decode-bound": 4})
    before = compute(library, store, T0, UTC)["categories"]["inference"]["mastery"]
    q = library.get("inference/kv-cache-purpose")
    assert q is not None
    Session(library, store, Scheduler(enable_fuzzing=False), lambda: T0, kind="manage", questions=[]).suspend(q)
    after = compute(library, store, T0, UTC)["categories"]["inference"]["mastery"]
    assert (before, after) == (pytest.approx(1 / 3, abs=1e-4), 0.5)


def test_a_mastered_question_stops_counting_once_due(library: Library, store: Store) -> None:
    answer(library, store, T0, {"inference/decode-bound": 4})
    card = store.card("inference/decode-bound")
    assert card is not None
    assert compute(library, store, T0, UTC)["categories"]["inference"]["mastered"] == 1
    overdue = compute(library, store, card.due + timedelta(days=1), UTC)["categories"]["inference"]
    assert (overdue["mastered"], overdue["due_now"]) == (0, 1)


@pytest.mark.parametrize(("days", "today", "expected"), [
    (set(), date(2026, 11, 2), 0),
    ({date(2026, 11, 2)}, date(2026, 11, 2), 1),
    ({date(2026, 11, 1)}, date(2026, 11, 2), 1),  # today not studied yet: the streak still stands
    ({date(2026, 10, 31)}, date(2026, 11, 2), 0),
    ({date(2026, 10, 31), date(2026, 11, 1), date(2026, 11, 2)}, date(2026, 11, 2), 3),
    ({date(2026, 10, 30), date(2026, 11, 1), date(2026, 11, 2)}, date(2026, 11, 2), 2),
])
def test_streak(days: set[date], today: date, expected: int) -> None:
    assert streak(days, today) == expected


def test_cards_of_questions_gone_from_the_banks_are_not_counted(library: Library, store: Store) -> None:
    answer(library, store, T0, {"inference/decode-bound": 4, "base/bf16-exponent": 1})
    with store.write() as c:  # a question later removed from its bank keeps its card and history
        c.execute("UPDATE cards SET gid = 'inference/removed' WHERE gid = 'inference/decode-bound'")
    data = compute(library, store, T0, UTC)
    inference, base = data["categories"]["inference"], data["categories"]["base"]
    assert (inference["seen"], inference["mastered"], inference["mastery"]) == (0, 0, 0.0)
    assert (base["seen"], base["due_now"]) == (1, 1)
    assert data["totals"]["seen"] == 1
