"""The study loop towards an interview: readiness against fsrs itself, the plan on a fixed clock,
the queue following it, cramming, leeches at the threshold and calibration on a made-up log."""

from __future__ import annotations

import math
from datetime import UTC, date, datetime, timedelta

import pytest
from fsrs import Scheduler as FsrsScheduler

from quizzer.calibration import calibration, confidently_wrong, confidently_wrong_list
from quizzer.grading import Grade
from quizzer.leeches import leeches
from quizzer.model import Library
from quizzer.plan import InterviewGoal, plan_for, review_ahead
from quizzer.readiness import interview_moment, readiness
from quizzer.records import CardRow, ReviewRow
from quizzer.scheduler import Scheduler
from quizzer.session import Session, state_of
from quizzer.store import Store
from quizzer.study_queue import cram_selection, todays_queue

from .conftest import T0, Clock

INTERVIEW = date(2026, 11, 12)  # T0 is 2026-11-02 10:00 UTC: ten days ahead


def review(rid: str, gid: str, rating: int, at: datetime, confidence: int | None = None,
           response: str = "x") -> ReviewRow:
    return ReviewRow(id=rid, gid=gid, category=gid.split("/")[0], reviewed_at=at, day=at.date().isoformat(),
                     rating=rating, score=1.0 if rating > 1 else 0.0, response=response, duration_ms=20_000,
                     session_id="s", content_hash="h", confidence=confidence)


def record(store: Store, sch: Scheduler, r: ReviewRow) -> CardRow:
    return store.record(r, lambda old: sch.next_card(old, r.gid, r.category, r.rating, r.reviewed_at, r.id))


def test_readiness_is_fsrs_retrievability_at_the_interview_with_unseen_as_zero(library: Library,
                                                                               store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    record(store, sch, review("a1", "base/bf16-exponent", 3, T0 - timedelta(days=6)))
    record(store, sch, review("a2", "base/bf16-exponent", 3, T0 - timedelta(days=2)))
    record(store, sch, review("b1", "inference/decode-bound", 1, T0 - timedelta(days=1)))
    at = interview_moment(INTERVIEW, UTC)
    assert at == datetime(2026, 11, 12, 9, 0, tzinfo=UTC)
    fsrs = FsrsScheduler(enable_fuzzing=False)

    def direct(gid: str) -> float:
        card = store.card(gid)
        assert card is not None
        return float(fsrs.get_card_retrievability(Scheduler.to_fsrs(card), current_datetime=at))

    got = readiness(library, store, sch, at)
    base, inference = direct("base/bf16-exponent"), direct("inference/decode-bound")
    assert 0 < inference < base < 1
    assert got.categories["base"] == pytest.approx(base / 3)  # three base questions, two unseen
    assert got.categories["inference"] == pytest.approx(inference / 3)
    assert got.total == pytest.approx((base + inference) / 6)
    assert got.questions == 6


def test_the_plan_sees_every_question_before_the_date_weakest_category_first(library: Library,
                                                                              store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    record(store, sch, review("a1", "base/bf16-exponent", 3, T0 - timedelta(days=3)))
    goal = InterviewGoal(INTERVIEW, minutes_per_day=60)
    plan = plan_for(library, store, sch, T0, goal, UTC)
    assert plan.days_left == 10
    assert [d.day for d in plan.daily] == [date(2026, 11, 2) + timedelta(days=i) for i in range(10)]
    assert sum(d.new for d in plan.daily) == 5 and plan.unseen_after == 0
    assert plan.daily[-1].new == 0  # the day before the interview is for review
    assert plan.unseen[0].category == "inference"  # nothing of it seen: weaker than base
    assert all(d.minutes <= 60 for d in plan.daily)
    # The seen card's reviews are FSRS's own: its due day comes in the daily reviews.
    card = store.card("base/bf16-exponent")
    assert card is not None and sum(d.reviews for d in plan.daily) >= 1
    data = plan.to_json()
    assert data["interview"] == "2026-11-12" and data["days_left"] == 10
    assert set(data["daily"][0]) >= {"date", "new", "reviews"}
    assert set(data["readiness"]) == {"total", "categories"}


@pytest.mark.parametrize(("minutes", "unseen_after"), [(5, 3), (8, 2), (60, 0)])
def test_the_plan_fits_the_minutes_and_says_what_is_left(library: Library, store: Store, minutes: int,
                                                         unseen_after: int) -> None:
    # Defaults until the user has answers: 30 s for most types, 150 s for open (a mean of 50 s over the
    # six); a new question also costs its same-day learning step (100 s in all), and only the first of
    # the two days takes new questions: 5 minutes make room for 3, 8 minutes for 4.
    plan = plan_for(library, store, Scheduler(enable_fuzzing=False), T0,
                    InterviewGoal(date(2026, 11, 4), minutes), UTC)
    assert len(plan.daily) == 2
    assert plan.unseen_after == unseen_after
    assert sum(d.new for d in plan.daily) == 6 - unseen_after


def test_new_per_day_rises_to_meet_the_date(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    near = InterviewGoal(date(2026, 11, 4), 600)  # two days: all six on the first day (the second is for review)
    assert len(todays_queue(library, store, sch, T0, UTC, goal=near)) == 6
    far = InterviewGoal(date(2026, 11, 8), 600)  # six days: ceil(6 / 5) new today
    assert len(todays_queue(library, store, sch, T0, UTC, goal=far)) == 2


def test_review_ahead_in_the_last_days_orders_by_recall_gained(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    for gid, ago in (("base/bf16-exponent", timedelta(days=1)), ("inference/decode-bound", timedelta(hours=12))):
        record(store, sch, review(gid + "1", gid, 3, T0 - ago - timedelta(minutes=10)))
        record(store, sch, review(gid + "2", gid, 3, T0 - ago))  # graduated, due in a few days
    assert todays_queue(library, store, sch, T0, UTC, goal=InterviewGoal(date(2026, 12, 30), 60))[0].gid not in (
        "base/bf16-exponent", "inference/decode-bound")  # far from the interview: nothing reviewed ahead
    goal = InterviewGoal(date(2026, 11, 9), 60)
    at = interview_moment(goal.day, UTC)
    fsrs = FsrsScheduler(enable_fuzzing=False)

    def gain(gid: str) -> float:
        card = Scheduler.to_fsrs(store.card(gid))  # type: ignore[arg-type]
        after, _ = fsrs.review_card(card, 3, review_datetime=T0)  # type: ignore[arg-type]
        return float(fsrs.get_card_retrievability(after, at) - fsrs.get_card_retrievability(card, at))

    ahead = review_ahead(library, store, sch, T0, goal, 10, UTC)
    assert sorted(ahead) == ["base/bf16-exponent", "inference/decode-bound"]
    assert ahead == sorted(ahead, key=gain, reverse=True)
    assert review_ahead(library, store, sch, T0, goal, 1, UTC) == ahead[:1]
    queue = [q.gid for q in todays_queue(library, store, sch, T0, UTC, goal=goal)]
    assert queue[:2] == ahead  # nothing due: the cards reviewed ahead come before the new ones


def test_cram_takes_only_questions_not_due_weakest_first(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    for gid, days in (("base/bf16-exponent", 2), ("inference/decode-bound", 9)):
        record(store, sch, review(gid + "1", gid, 3, T0 - timedelta(days=days, hours=1)))
        record(store, sch, review(gid + "2", gid, 3, T0 - timedelta(days=days)))
    picked = [q.gid for q in cram_selection(library, store, sch, T0, tz=UTC)]
    recall = {g: sch.retrievability(c, T0) for g, c in store.cards().items() if g in picked}
    assert picked == sorted(recall, key=lambda g: recall[g])
    assert all(q not in picked for q in ("base/paged-attention-name", "inference/kv-cache-purpose"))  # unseen


def answer(session: Session, gid: str, rating: int, clock: Clock) -> None:
    q = session.library.get(gid)
    assert q is not None
    session.record(q, Grade(rating > 1, 1.0 if rating > 1 else 0.0, rating, "correct"), f"answer {rating}", 1000,
                   rating=rating)
    clock.advance(days=30)


@pytest.mark.parametrize("threshold", [2, 3])
def test_a_question_becomes_a_leech_at_the_threshold_once(library: Library, store: Store, threshold: int) -> None:
    clock = Clock(T0)
    gid = "base/bf16-exponent"
    session = Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="review", questions=[],
                      tz=UTC, leech_threshold=threshold)
    answer(session, gid, 3, clock)
    answer(session, gid, 3, clock)  # graduated: a review card
    told = []
    for _ in range(threshold):
        answer(session, gid, 1, clock)  # a lapse
        told.append(session.outcomes[-1].new_leech)
        answer(session, gid, 3, clock)
    assert told == [False] * (threshold - 1) + [True]
    card = store.card(gid)
    assert card is not None and card.lapses == threshold and card.suspended
    found = leeches(store, threshold)
    assert [x.gid for x in found] == [gid] and found[0].wrong_answers == ("answer 1",) * min(threshold, 5)
    assert state_of(card, False, threshold) == "review, suspended, leech"
    assert state_of(card, False) == "review, suspended"
    # Unsuspended by the user, it is not suspended again by the next lapse.
    store.set_flag(gid, "suspended", False)
    answer(session, gid, 1, clock)
    assert not session.outcomes[-1].new_leech and not store.card(gid).suspended  # type: ignore[union-attr]


def test_undoing_the_answer_that_made_a_leech_unmakes_it(library: Library, store: Store) -> None:
    clock = Clock(T0)
    gid = "base/bf16-exponent"
    session = Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="review", questions=[],
                      tz=UTC, leech_threshold=2)
    for rating in (3, 3, 1, 3):
        answer(session, gid, rating, clock)
    before = store.card(gid)
    answer(session, gid, 1, clock)
    assert session.outcomes[-1].new_leech
    undone = session.undo_last()
    assert undone is not None and undone.question.gid == gid
    assert store.card(gid) == before and leeches(store, 2) == []
    assert session.next() is not None and session.asked == 1  # the question is asked again


def test_calibration_on_a_made_up_log(store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    log = [  # (gid, rating, confidence)
        ("base/a", 3, 3), ("base/b", 3, 3), ("base/c", 1, 3), ("base/d", 1, 1),
        ("inference/a", 3, 2), ("inference/b", 1, 2), ("inference/c", 3, None),
    ]
    for n, (gid, rating, confidence) in enumerate(log):
        record(store, sch, review(f"r{n}", gid, rating, T0 + timedelta(minutes=n), confidence))
    per, total = calibration(store)
    assert per["base"].rate(3) == pytest.approx(2 / 3) and per["base"].answers == 4
    # Brier: sure-right (0.9-1)^2 twice, sure-wrong 0.9^2, guess-wrong 0.25^2.
    assert per["base"].brier == pytest.approx((2 * 0.01 + 0.81 + 0.0625) / 4)
    assert per["inference"].brier == pytest.approx(0.25) and per["inference"].rate(3) is None
    assert total.answers == 6 and total.right == 3
    assert math.isclose(total.brier or 0, (2 * 0.01 + 0.81 + 0.0625 + 0.25 + 0.25) / 6)
    assert confidently_wrong(store, ["base/a", "base/c", "base/d"]) == {"base/c"}
    assert confidently_wrong(store, ["base/a"]) == set()
    assert [x.gid for x in confidently_wrong_list(store)] == ["base/c"]
    # Answered right since: no longer confidently wrong.
    record(store, sch, review("later", "base/c", 3, T0 + timedelta(days=1), 2))
    assert confidently_wrong(store, ["base/c"]) == set() and confidently_wrong_list(store) == []


def test_confidently_wrong_questions_come_first_among_due_cards(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    record(store, sch, review("a", "base/bf16-exponent", 1, T0 - timedelta(hours=2)))
    record(store, sch, review("b", "inference/decode-bound", 1, T0 - timedelta(hours=3), confidence=3))
    queue = [q.gid for q in todays_queue(library, store, sch, T0, UTC)]
    assert queue[:2] == ["inference/decode-bound", "base/bf16-exponent"]
