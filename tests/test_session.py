"""The session loop and the plain (line-oriented) face of it, driven in-process with a fixed clock."""

from __future__ import annotations

import io
import random
import sqlite3
from datetime import UTC, timedelta

import pytest

from quizzer.grading import grade
from quizzer.model import Library, Question
from quizzer.plain import PlainSession, pick_choices
from quizzer.records import CardRow, CardState, to_iso
from quizzer.scheduler import Scheduler, Settings
from quizzer.session import Session
from quizzer.store import DUE_SQL, Store
from quizzer.study_queue import LEARN_AHEAD, DueRule, interleave, quiz_selection, todays_queue

from .conftest import T0, Clock


def plain_run(library: Library, store: Store, clock: Clock, lines: bytes, kind: str = "review",
              questions: list[Question] | None = None) -> tuple[str, Session]:
    sch = Scheduler(enable_fuzzing=False)
    qs = questions if questions is not None else todays_queue(library, store, sch, clock(), UTC)
    session = Session(library, store, sch, clock, kind=kind, questions=qs, tz=UTC,
                      rng=random.Random(1))
    out = io.StringIO()
    PlainSession(session, library, io.BytesIO(lines), out, monotonic=lambda: 0.0).run()
    return out.getvalue(), session


def test_todays_queue_interleaves_new_questions(library: Library, store: Store) -> None:
    queue = todays_queue(library, store, Scheduler(enable_fuzzing=False), T0, UTC)
    # Categories alternate, and so do types: each bank starts its rotation of types at another type.
    assert [q.gid for q in queue] == [
        "base/bf16-exponent", "inference/decode-bound", "base/paged-attention-name",
        "inference/batching-kinds", "base/fp16-weights-7b", "inference/kv-cache-purpose"]


def test_new_limit_applies(library: Library, store: Store) -> None:
    sch = Scheduler(Settings(new_per_day=2), enable_fuzzing=False)
    assert len(todays_queue(library, store, sch, T0, UTC)) == 2


def test_interleave_keeps_bank_order(library: Library) -> None:
    order = [q.category for q in interleave(library)]
    assert order == ["base", "inference"] * 3


def test_plain_review_answers_every_type_and_records(library: Library, store: Store) -> None:
    clock = Clock(T0)
    # Order (see above): truefalse, mcq, short, multi, numeric, open (2 lines).
    lines = b"true\nZ\nA\npaged atention\nA,B\n14 GB\n" \
            b"keys and values of past tokens per layer, avoids recomputing the prefix\n3\n"  # Z: asked again
    out, session = plain_run(library, store, clock, lines)
    assert "[1/6] base/bf16-exponent  truefalse  level 1" in out
    assert "Correct, with a typo." in out
    assert "Answer with a letter A-C" in out  # unreadable input is not scored
    assert "Session over:" in out
    gids = [r.gid for r in store.iter_reviews()]
    assert sorted(gids) == sorted(q.gid for q in library)
    by_gid = {r.gid: r for r in store.iter_reviews()}
    assert by_gid["base/bf16-exponent"].rating >= 3
    assert by_gid["base/paged-attention-name"].rating == 2
    assert by_gid["inference/decode-bound"].rating == 1  # Z is no choice: wrong
    assert by_gid["base/fp16-weights-7b"].score == 1.0
    assert by_gid["inference/kv-cache-purpose"].rating == 3
    assert all(r.session_id == session.id for r in store.iter_reviews())


def test_wrong_answers_come_back_in_the_same_session(library: Library, store: Store) -> None:
    clock = Clock(T0)
    q = library.get("base/bf16-exponent")
    assert q is not None
    sch = Scheduler(enable_fuzzing=False)
    session = Session(library, store, sch, clock, kind="review", questions=[q], tz=UTC)
    assert session.next() == q
    session.record(q, grade(q, False), "false", 1000)
    clock.advance(minutes=2)
    assert session.next() == q  # the 1-minute learning step fell due
    session.record(q, grade(q, True), "true", 1000)
    clock.advance(minutes=1)
    assert session.next() == q  # the 10-minute step is shown ahead (within 20 minutes)
    session.record(q, grade(q, True, 60_000), "true", 60_000)
    assert session.next() is None
    assert store.review_count() == 3


def test_end_of_input_saves_what_was_answered(library: Library, store: Store) -> None:
    out, _ = plain_run(library, store, Clock(T0), b"true\n")
    assert "(end of input: session saved)" in out
    assert store.review_count() == 1


@pytest.mark.parametrize("junk", [
    b"", b"\n\n\n\n\n\n\n\n", b"\xff\xfe\x00\x1b[2J\n" * 8, b"x" * 200_000 + b"\n" + b"true\n" * 8,
    b"\x1b]0;pwned\x07\n" * 8, "ünïcødé ✓\n".encode() * 8, b"\r\n" * 8,
])
def test_bad_input_never_crashes(library: Library, store: Store, junk: bytes) -> None:
    out, _ = plain_run(library, store, Clock(T0), junk)
    assert "Due by the end of tomorrow" in out
    for review in store.iter_reviews():
        assert "\x1b" not in review.response and len(review.response) <= 10_000


PICKS = [
    ("A", ["x", "y", "z"], False, ["x"]),
    ("c", ["x", "y", "z"], False, ["z"]),
    ("A,C", ["x", "y", "z"], True, ["x", "z"]),
    ("a c", ["x", "y", "z"], True, ["x", "z"]),
    ("CA", ["x", "y", "z"], True, ["z", "x"]),
    ("AB", ["x", "y", "z"], False, ["AB"]),
    ("y", ["x", "y", "z"], False, ["y"]),
    ("D", ["x", "y", "z"], True, None),
    ("", ["x", "y"], True, None),
]


@pytest.mark.parametrize(("text", "shown", "multi", "expected"), PICKS)
def test_pick_choices(text: str, shown: list[str], multi: bool, expected: list[str] | None) -> None:
    assert pick_choices(text, shown, multi) == expected


def test_quiz_selection_filters_and_prefers_unseen(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    picked = quiz_selection(library, store, sch, T0, categories=["inference"], count=2, rng=random.Random(0))
    assert len(picked) == 2 and all(q.category == "inference" for q in picked)
    assert quiz_selection(library, store, sch, T0, types=["numeric"], count=5) == [library.get("base/fp16-weights-7b")]
    assert quiz_selection(library, store, sch, T0, due_only=True) == []


def test_suspended_questions_are_not_asked(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    q = library.get("base/bf16-exponent")
    assert q is not None
    Session(library, store, sch, Clock(T0), kind="x", questions=[]).suspend(q)
    assert q not in todays_queue(library, store, sch, T0, UTC)
    assert q not in quiz_selection(library, store, sch, T0, count=10)


def test_summary_reports_weak_tags_and_revisits(library: Library, store: Store) -> None:
    clock = Clock(T0)
    q1, q2 = library.get("inference/decode-bound"), library.get("base/bf16-exponent")
    assert q1 is not None and q2 is not None
    session = Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="quiz", questions=[q1, q2],
                      tz=UTC, requeue=False)
    session.next()
    session.record(q1, grade(q1, "PCIe latency"), "PCIe latency", 3000)
    session.next()
    session.record(q2, grade(q2, True), "true", 3000)
    clock.advance(minutes=3)
    summary = session.finish()
    assert (summary.answered, summary.correct) == (2, 1)
    assert summary.per_category == {"inference": (1, 0), "base": (1, 1)}
    assert summary.weakest_tags == [("decode", 1, 0)]
    assert summary.to_revisit == ["inference/decode-bound"]
    assert summary.seconds == 180


def test_due_cards_come_first_weakest_first(library: Library, store: Store) -> None:
    """Cards due today lead the queue, lowest retrievability first, before any new question."""
    sch = Scheduler(enable_fuzzing=False)
    clock = Clock(T0)
    strong, weak = library.get("base/bf16-exponent"), library.get("inference/decode-bound")
    assert strong is not None and weak is not None
    session = Session(library, store, sch, clock, kind="review", questions=[strong, weak], tz=UTC,
                      requeue=False)
    session.record(strong, grade(strong, True, 60_000), "true", 60_000)   # Easy: long interval
    session.record(weak, grade(weak, "Memory bandwidth", 60_000), "a", 60_000, rating=4)
    later = T0 + timedelta(days=60)  # both overdue by now
    queue = todays_queue(library, store, sch, later, UTC)
    assert {q.gid for q in queue[:2]} == {strong.gid, weak.gid}
    r = {g: sch.retrievability(store.card(g), later) for g in (strong.gid, weak.gid)}  # type: ignore[arg-type]
    assert [q.gid for q in queue[:2]] == sorted(r, key=r.__getitem__)
    assert all(q.gid not in (strong.gid, weak.gid) for q in queue[2:])


def test_library_membership_is_by_global_id(library: Library) -> None:
    assert "base/bf16-exponent" in library and "base/nope" not in library


def test_flagging_an_unanswered_question_keeps_it_new(library: Library, store: Store) -> None:
    sch = Scheduler(enable_fuzzing=False)
    q = library.get("base/fp16-weights-7b")
    assert q is not None
    Session(library, store, sch, Clock(T0), kind="x", questions=[]).flag(q)
    card = store.card(q.gid)
    assert card is not None and card.flagged
    queue = todays_queue(library, store, sch, T0, UTC)
    assert q in queue and queue.index(q) >= 2  # offered as new (in its interleaved place), not as due
    assert q.gid not in store.not_new_gids()


END = T0.replace(hour=4) + timedelta(days=1)  # the study day's end in UTC (tz=UTC)


@pytest.mark.parametrize("state", [1, 2, 3])
@pytest.mark.parametrize("offset", [timedelta(0), timedelta(microseconds=1), -timedelta(microseconds=1),
                                    timedelta(minutes=20), timedelta(minutes=21), END - T0,
                                    END - T0 - timedelta(seconds=1), timedelta(days=3), -timedelta(days=3)])
@pytest.mark.parametrize(("reviews", "suspended"), [(1, False), (0, False), (4, True)])
def test_due_rule_agrees_on_parsed_and_stored_cards(state: int, offset: timedelta, reviews: int,
                                                    suspended: bool) -> None:
    due = T0 + offset
    rule = DueRule(T0, END)
    row = CardRow("base/x", "base", state, 0, 1.0, 5.0, due, T0 - timedelta(days=1), reviews, 0, suspended)
    stored = CardState("base/x", "base", state, to_iso(due), reviews, suspended)
    expected = bool(reviews) and not suspended and (due < END if state == 2 else due <= T0 + LEARN_AHEAD)
    assert rule.is_due(row) is expected
    assert rule.is_due(stored) is expected
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE cards (state INTEGER, due TEXT, reviews INTEGER, suspended INTEGER)")
    db.execute("INSERT INTO cards VALUES (?, ?, ?, ?)", (state, to_iso(due), reviews, int(suspended)))
    params = {"due_end": rule.end_text, "due_ahead": rule.ahead_text}
    assert bool(db.execute(f"SELECT {DUE_SQL} FROM cards", params).fetchone()[0]) is expected


def test_each_review_records_the_content_hash_of_what_was_asked(library: Library, store: Store) -> None:
    # Literal values: the hash must not change between versions for an unchanged question, or
    # every review recorded before would look like one of an edited question.
    q = library.get("base/bf16-exponent")
    assert q is not None and q.content_hash() == "64d84351bf5982ac"
    edited = Question(**{**{f: getattr(q, f) for f in ("category", "id", "type", "level", "answer", "explanation",
                                                        "refs", "tags")}, "prompt": q.prompt + " (edited)"})
    assert edited.content_hash() not in ("", q.content_hash())
    session = Session(library, store, Scheduler(enable_fuzzing=False), lambda: T0, kind="quiz", questions=[q])
    session.record(q, grade(q, "true"), "true", 1000)
    assert [r.content_hash for r in store.reviews_of(q.gid)] == ["64d84351bf5982ac"]


def test_the_first_review_interleaves_types_and_categories(store: Store) -> None:
    from quizzer.banks import check
    from quizzer.paths import shipped_banks_dir, shipped_catalog

    shipped = check([shipped_banks_dir()], shipped_catalog()).library
    assert shipped is not None
    queue = todays_queue(shipped, store, Scheduler(enable_fuzzing=False), T0)
    types = [q.type for q in queue]
    assert len(queue) == 20
    assert not any(types[i] == types[i + 1] == types[i + 2] for i in range(len(types) - 2)), types
    assert not any(queue[i].category == queue[i + 1].category for i in range(len(queue) - 1))


def test_a_missed_question_comes_back_announced_never_twice_in_a_row_and_reshuffled(library: Library,
                                                                                    store: Store) -> None:
    clock = Clock(T0)
    mcq = next(q for q in library if q.type == "mcq")
    other = next(q for q in library if q.type == "truefalse")
    wrong = next(c for c in mcq.choices if c != mcq.answer)
    session = Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="quiz",
                      questions=[mcq, other], tz=UTC, rng=random.Random(3))
    assert session.remaining() == (2, 0, 0) and session.planned == 2
    assert session.next() is mcq and not session.is_repeat(mcq) and session.position == 1
    orders = {tuple(session.choices_for(mcq))}
    session.record(mcq, grade(mcq, wrong), wrong, 1000)
    assert session.remaining() == (1, 1, 0)
    clock.advance(minutes=5)  # the missed question is due again, but it was just asked: the other comes first
    assert session.next() is other
    session.record(other, grade(other, True), "true", 1000, rating=4)  # Easy: out of learning
    for _ in range(6):  # missed again and again: announced as a repeat, in a new order each time
        clock.advance(minutes=15)
        again = session.next()
        assert again is mcq and session.is_repeat(mcq) and session.position == 2
        orders.add(tuple(session.choices_for(mcq)))
        session.record(mcq, grade(mcq, wrong), wrong, 1000)
    assert len(orders) > 1


def test_a_mock_interview_spreads_over_categories_and_levels(store: Store) -> None:
    from collections import Counter

    from quizzer.banks import check
    from quizzer.model import CATEGORIES
    from quizzer.paths import shipped_banks_dir, shipped_catalog
    from quizzer.study_queue import mock_selection

    shipped = check([shipped_banks_dir()], shipped_catalog()).library
    assert shipped is not None
    for seed in range(5):
        picked = mock_selection(shipped, store, list(CATEGORIES), 10, random.Random(seed))
        per_category = Counter(q.category for q in picked)
        assert len(picked) == 10 and set(per_category) == set(CATEGORIES) and max(per_category.values()) == 2
        two = mock_selection(shipped, store, ["inference", "training"], 6, random.Random(seed))
        assert Counter(q.category for q in two) == {"inference": 3, "training": 3}
        assert {q.level for q in two if q.category == "inference"} == {1, 2, 3}



def test_a_mock_interview_longer_than_the_banks_asks_every_question_once(library: Library, store: Store) -> None:
    from quizzer.study_queue import mock_selection

    picked = mock_selection(library, store, library.categories(), 50, random.Random(1))  # used to loop forever
    assert sorted(q.gid for q in picked) == sorted(q.gid for q in library)

def test_flagging_a_new_question_keeps_it_new_for_the_day(library: Library, store: Store) -> None:
    clock = Clock(T0)
    q = next(iter(library))
    session = Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="quiz", questions=[q], tz=UTC)
    session.flag(q)  # makes a card before any answer
    assert session.next() is q
    session.record(q, grade(q, "x", 1000), "x", 1000)
    today = [r for r in store.daily_counts() if r["category"] == q.category]
    assert today[0]["new"] == 1


@pytest.mark.parametrize(("grade_ok", "rating", "correct"), [(False, 3, True), (True, 1, False), (False, 2, True)])
def test_correct_means_the_final_rating_is_not_again(library: Library, store: Store, grade_ok: bool, rating: int,
                                                      correct: bool) -> None:
    clock = Clock(T0)
    q = next(q for q in library if q.type == "truefalse")
    session = Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="quiz", questions=[q], tz=UTC)
    assert session.next() is q
    answer = bool(q.answer) if grade_ok else not q.answer
    outcome = session.record(q, grade(q, answer), str(answer), 1000, rating=rating)
    summary = session.finish()
    assert outcome.correct is correct and summary.correct == int(correct)
    assert summary.to_revisit == ([] if correct else [q.gid])
