"""Suspensions and flags as a log of events ("marks") that moves between machines with the reviews.

Each `set_flag` writes a mark; `progress export` writes them after the reviews, `progress import`
merges them by id like reviews, and each affected card then takes, for each kind of mark, the value
of its latest event (by time, then id), so that merging two machines' logs in any order agrees.
"""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime

from quizzer.records import LEARNING, CardRow, to_iso
from quizzer.store import Store

MARKS = ("suspended", "flagged")
MERGE_BATCH = 5_000
NEVER = datetime(2000, 1, 1, tzinfo=UTC)  # the due time of a card made only to hold a mark (it stays new)


@dataclass(frozen=True, slots=True)
class MarkRow:
    id: str
    gid: str
    category: str
    mark: str  # "suspended" or "flagged"
    value: bool
    at: datetime

    def to_json(self) -> str:
        return json.dumps({"id": self.id, "gid": self.gid, "category": self.category, "mark": self.mark,
                           "value": self.value, "at": to_iso(self.at)}, sort_keys=True)


def iter_marks(store: Store) -> Iterator[MarkRow]:
    for rid, gid, category, mark, value, at in store.conn.execute(
            "SELECT id, gid, category, mark, value, at FROM marks ORDER BY at, id"):
        try:
            yield MarkRow(rid, gid, category, mark, bool(value), datetime.fromisoformat(at))
        except (ValueError, TypeError):
            store.damaged.add(f"mark {rid}")


def merge_marks(store: Store, marks: Iterable[MarkRow]) -> tuple[int, int]:
    """Add the marks not already in the log (by id) and set each affected card's suspended and
    flagged to its latest mark of each kind. Returns (added, cards changed)."""
    added = 0
    affected: set[str] = set()
    with store.write() as c:
        rows = iter(marks)
        for batch in iter(lambda: list(itertools.islice(rows, MERGE_BATCH)), []):
            have = {r[0] for r in c.execute("SELECT id FROM marks WHERE id IN (SELECT value FROM json_each(?))",
                                            (json.dumps([m.id for m in batch]),))}
            fresh = {m.id: m for m in batch if m.id not in have}
            c.executemany("INSERT INTO marks (id, gid, category, mark, value, at) VALUES (?, ?, ?, ?, ?, ?)",
                          [(m.id, m.gid, m.category, m.mark, int(m.value), to_iso(m.at)) for m in fresh.values()])
            added += len(fresh)
            affected.update(m.gid for m in fresh.values())
        for gid in sorted(affected):
            latest = {mark: bool(value) for mark, value in c.execute(
                "SELECT mark, value FROM marks WHERE gid = ? ORDER BY at, id", (gid,))}
            card = store.card(gid)
            if card is None:
                category = gid.split("/", 1)[0]
                card = CardRow(gid, category, LEARNING, 0, None, None, NEVER, None)
            card.suspended = latest.get("suspended", card.suspended)
            card.flagged = latest.get("flagged", card.flagged)
            store.put_card(card)
    return added, len(affected)
