"""Undo: a review taken back leaves the log, its card is as it was before it, and the tombstone makes
the undo survive merging logs between machines in either order."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

from quizzer.records import CardRow, ReviewRow
from quizzer.scheduler import Scheduler
from quizzer.store import Store
from quizzer.undo_log import iter_undos, last_review, merge_undos, undo_review, undone_ids

from .conftest import TEST_BANKS
from .test_cli_progress import run, stats

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)
GID = "base/bf16-exponent"


def review(rid: str, rating: int, at: datetime, gid: str = GID) -> ReviewRow:
    return ReviewRow(id=rid, gid=gid, category=gid.split("/")[0], reviewed_at=at, day=at.date().isoformat(),
                     rating=rating, score=1.0 if rating > 1 else 0.0, response="x", duration_ms=1000,
                     session_id="s", content_hash="h")


def record(store: Store, sch: Scheduler, r: ReviewRow) -> CardRow:
    return store.record(r, lambda old: sch.next_card(old, r.gid, r.category, r.rating, r.reviewed_at, r.id))


def counts(store: Store) -> list[tuple[str, str, int, int, int]]:
    return [tuple(r) for r in store.conn.execute(
        "SELECT day, category, reviews, correct, new FROM daily_counts WHERE reviews > 0 ORDER BY day")]


def test_undo_returns_the_card_to_its_state_before_the_review(store: Store) -> None:
    sch = Scheduler()
    record(store, sch, review("r1", 3, T0))
    before = record(store, sch, review("r2", 3, T0 + timedelta(days=3)))
    counts_before = counts(store)
    record(store, sch, review("r3", 1, T0 + timedelta(days=12)))
    undone = last_review(store)
    assert undone is not None and undone.id == "r3"
    after = undo_review(store, "r3", sch.replay, T0 + timedelta(days=12, minutes=1))
    assert after == before == store.card(GID)
    assert [r.id for r in store.reviews_of(GID)] == ["r1", "r2"]
    assert counts(store) == counts_before
    assert undone_ids(store) == {"r3"}


def test_undoing_the_only_review_makes_the_question_new_again(store: Store) -> None:
    sch = Scheduler()
    record(store, sch, review("r1", 3, T0))
    assert undo_review(store, "r1", sch.replay, T0) is None
    assert store.card(GID) is None and store.review_count() == 0 and counts(store) == []


def test_undoing_keeps_a_suspension(store: Store) -> None:
    sch = Scheduler()
    record(store, sch, review("r1", 3, T0))
    store.set_flag(GID, "suspended", True, T0)
    undo_review(store, "r1", sch.replay, T0)
    card = store.card(GID)
    assert card is not None and card.suspended and card.reviews == 0


def test_a_tombstone_removes_the_review_on_the_other_machine_and_keeps_it_out(tmp_path: Path) -> None:
    sch = Scheduler()
    laptop, desktop = Store.open(tmp_path / "a.db"), Store.open(tmp_path / "b.db")
    for r in (review("r1", 3, T0), review("r2", 1, T0 + timedelta(days=2))):
        record(laptop, sch, r)
    exported_before = list(laptop.iter_reviews())
    desktop.merge_reviews(iter(exported_before), sch.replay)
    undo_review(laptop, "r2", sch.replay, T0 + timedelta(days=2, minutes=1))
    # The desktop takes the laptop's tombstone: the review goes there too, and the cards agree.
    added, removed = merge_undos(desktop, list(iter_undos(laptop)), sch.replay)
    assert (added, removed) == (1, 1)
    assert desktop.card(GID) == laptop.card(GID)
    # The laptop imports the log written before the undo: the review stays out.
    undone = undone_ids(laptop)
    laptop.merge_reviews((r for r in exported_before if r.id not in undone), sch.replay)
    assert [r.id for r in laptop.reviews_of(GID)] == ["r1"]
    laptop.close()
    desktop.close()


def test_undo_then_merge_from_the_command_line(tmp_path: Path) -> None:
    b = ("--banks", str(TEST_BANKS))
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    old, new = tmp_path / "old.jsonl", tmp_path / "new.jsonl"
    out = run(*b, "quiz", "--plain", "--count", "1", "--type", "truefalse", stdin=b"true\n", db=laptop)
    assert out.returncode == 0, out.stderr
    assert run(*b, "progress", "export", str(old), db=laptop).returncode == 0
    assert run(*b, "progress", "import", str(old), db=desktop).returncode == 0
    undo = run(*b, "undo", db=laptop)
    assert undo.returncode == 0 and "took back your answer to base/bf16-exponent" in undo.stdout
    assert "it is new again" in undo.stdout
    # Importing the file written before the undo brings nothing back.
    again = run(*b, "progress", "import", str(old), db=laptop)
    assert again.returncode == 0 and "imported 0 new reviews" in again.stderr
    assert stats(laptop, *b)["totals"]["reviews"] == 0
    # The undo travels: the desktop loses the review too.
    assert run(*b, "progress", "export", str(new), db=laptop).returncode == 0
    assert [json.loads(x)["undo"] for x in new.read_text().splitlines()] != []
    moved = run(*b, "progress", "import", str(new), db=desktop)
    assert "1 new undo (1 taken back here)" in moved.stderr
    assert stats(desktop, *b)["totals"]["reviews"] == 0
    # Nothing left to take back.
    nothing = run(*b, "undo", db=laptop)
    assert nothing.returncode == 1 and "no answer to take back" in nothing.stderr
