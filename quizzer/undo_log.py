"""Taking a review back: the review leaves the log and a tombstone (an "undo" event) takes its place.

The review log is the truth and moves between machines, so an undo must move too: `progress export`
writes the tombstones after the reviews, `progress import` applies them before the reviews (removing
an undone review that is here and never adding one that comes later), and the card is rebuilt from
what is left of its log, so that it is exactly as it was before the review.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime

from quizzer.records import LEARNING, CardRow, ReviewRow, review_from_row, to_iso
from quizzer.store import Store

Replay = Callable[[list[ReviewRow], CardRow | None], CardRow]
MERGE_BATCH = 5_000
NEVER = datetime.fromisoformat("2000-01-01T00:00:00+00:00")  # due time of a card kept only for its marks


@dataclass(frozen=True, slots=True)
class UndoRow:
    review_id: str
    gid: str
    category: str
    at: datetime

    def to_json(self) -> str:
        return json.dumps({"undo": self.review_id, "gid": self.gid, "category": self.category,
                           "at": to_iso(self.at)}, sort_keys=True)


def last_review(store: Store, session_id: str | None = None) -> ReviewRow | None:
    """The latest review in the log (of one session, if given)."""
    where, args = ("WHERE session_id = ?", (session_id,)) if session_id else ("", ())
    row = store.conn.execute(f"SELECT * FROM reviews {where} ORDER BY reviewed_at DESC, id DESC LIMIT 1",
                             args).fetchone()
    return review_from_row(row) if row is not None else None


def undo_review(store: Store, review_id: str, replay: Replay, now: datetime) -> CardRow | None:
    """Take one review back: a tombstone is logged, the review removed and its card rebuilt from the
    rest of its log (or removed, when this was its only review and nothing else holds it). Returns
    the card as it is now, None when the question is new again; KeyError if no such review."""
    with store.write() as c:
        row = c.execute("SELECT * FROM reviews WHERE id = ?", (review_id,)).fetchone()
        if row is None:
            raise KeyError(review_id)
        review = review_from_row(row)
        c.execute("INSERT OR IGNORE INTO undos (review_id, gid, category, at) VALUES (?, ?, ?, ?)",
                  (review.id, review.gid, review.category, to_iso(now)))
        return _remove(store, c, [review], replay)


def _remove(store: Store, c: sqlite3.Connection, reviews: list[ReviewRow], replay: Replay) -> CardRow | None:
    """Remove `reviews` (of any cards) from the log inside the caller's transaction, keeping the
    daily counts and rebuilding each card; returns the last card rebuilt."""
    card: CardRow | None = None
    recount = False
    for review in reviews:
        c.execute("DELETE FROM reviews WHERE id = ?", (review.id,))
        later = c.execute("SELECT COUNT(*) FROM reviews WHERE gid = ? AND (reviewed_at, id) > (?, ?)",
                          (review.gid, to_iso(review.reviewed_at), review.id)).fetchone()[0]
        if later:
            recount = True  # an earlier review went: which one is "new" moves, so count again from the log
        else:
            first = not c.execute("SELECT 1 FROM reviews WHERE gid = ? LIMIT 1", (review.gid,)).fetchone()
            c.execute("UPDATE daily_counts SET reviews = reviews - 1, correct = correct - ?, new = new - ?"
                      " WHERE day = ? AND category = ?", (int(review.rating > 1), int(first), review.day,
                                                           review.category))
        card = _rebuild(store, review.gid, replay)
    if recount:
        from quizzer.migrations import rebuild_daily_counts

        rebuild_daily_counts(c)
    return card


def _rebuild(store: Store, gid: str, replay: Replay) -> CardRow | None:
    existing = store.card(gid)
    rest = store.reviews_of(gid)
    if rest:
        card = replay(rest, existing)
        store.put_card(card, exists=existing is not None)
        return card
    if existing is not None and (existing.suspended or existing.flagged):
        # Never answered now, but suspended or flagged: the marks stay, on a card that is new again.
        store.put_card(CardRow(gid, existing.category, LEARNING, 0, None, None, NEVER, None,
                               suspended=existing.suspended, flagged=existing.flagged), exists=True)
        return None
    store.conn.execute("DELETE FROM cards WHERE gid = ?", (gid,))
    return None


def undone_ids(store: Store) -> set[str]:
    """The ids of every review taken back (few: one per undo)."""
    return {r[0] for r in store.conn.execute("SELECT review_id FROM undos")}


def iter_undos(store: Store) -> Iterator[UndoRow]:
    for rid, gid, category, at in store.conn.execute("SELECT review_id, gid, category, at FROM undos ORDER BY at"):
        try:
            yield UndoRow(rid, gid, category, datetime.fromisoformat(at))
        except (ValueError, TypeError):
            store.damaged.add(f"undo {rid}")


def merge_undos(store: Store, undos: Iterable[UndoRow], replay: Replay) -> tuple[int, int]:
    """Add the tombstones not already here and take back the reviews they name that this log holds.
    Returns (tombstones added, reviews removed)."""
    added = 0
    removed: list[ReviewRow] = []
    with store.write() as c:
        rows = iter(undos)
        for batch in iter(lambda: list(itertools.islice(rows, MERGE_BATCH)), []):
            ids = json.dumps([u.review_id for u in batch])
            have = {r[0] for r in c.execute("SELECT review_id FROM undos WHERE review_id IN"
                                            " (SELECT value FROM json_each(?))", (ids,))}
            fresh = {u.review_id: u for u in batch if u.review_id not in have}
            c.executemany("INSERT INTO undos (review_id, gid, category, at) VALUES (?, ?, ?, ?)",
                          [(u.review_id, u.gid, u.category, to_iso(u.at)) for u in fresh.values()])
            added += len(fresh)
            removed += [review_from_row(r) for r in c.execute(
                "SELECT * FROM reviews WHERE id IN (SELECT value FROM json_each(?))",
                (json.dumps(list(fresh)),))]
        _remove(store, c, removed, replay)
    return added, len(removed)
