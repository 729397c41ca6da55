"""Finding and repairing rows of a progress database that no quizzer could have written.

Reading skips such rows (and says so) so that one bad row never locks a user out; this module
finds them all and, when asked, repairs the database after copying it aside: bad reviews and
settings are removed, and each bad card is rebuilt from its valid reviews (or removed).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from quizzer.errors import StoreError
from quizzer.records import CARD_COLUMNS, CardRow, ReviewRow, card_from_row, review_from_row
from quizzer.store import VALID_DAY, Store


@dataclass
class Damage:
    cards: list[str] = field(default_factory=list)  # gids
    reviews: list[str] = field(default_factory=list)  # review ids
    settings: list[str] = field(default_factory=list)  # keys
    days: int = 0  # daily_counts rows with a day that is not a date

    def __len__(self) -> int:
        return len(self.cards) + len(self.reviews) + len(self.settings) + self.days

    def lines(self) -> list[str]:
        what = [(self.cards, "card"), (self.reviews, "review"), (self.settings, "setting")]
        out = [f"{len(items)} damaged {noun}{'s' if len(items) != 1 else ''}: {', '.join(items[:5])}"
               + (" ..." if len(items) > 5 else "") for items, noun in what if items]
        if self.days:
            out.append(f"{self.days} daily count{'s' if self.days != 1 else ''} with a bad day")
        return out


def find_damage(store: Store) -> Damage:
    import json

    found = Damage()
    conn = store.conn
    for row in conn.execute(f"SELECT {CARD_COLUMNS} FROM cards"):
        try:
            card_from_row(tuple(row))
        except (ValueError, TypeError):
            found.cards.append(str(row[0]))
    for row in conn.execute("SELECT * FROM reviews"):
        try:
            review_from_row(row)
        except (ValueError, TypeError):
            found.reviews.append(str(row["id"]))
    for key, value in conn.execute("SELECT key, value FROM settings"):
        try:
            json.loads(value)
        except (ValueError, TypeError, RecursionError):
            found.settings.append(str(key))
    found.days = int(conn.execute(f"SELECT COUNT(*) FROM daily_counts WHERE NOT ({VALID_DAY})").fetchone()[0])
    return found


def backup(store: Store, now: datetime) -> Path:
    """A complete copy of the database beside it, taken with SQLite's backup API."""
    target = store.path.with_name(f"{store.path.name}.before-doctor-{now.astimezone(UTC):%Y%m%dT%H%M%S}")
    if target.exists():
        raise StoreError(f"{target} already exists; try again in a second")
    try:
        copy = sqlite3.connect(target)
        try:
            store.conn.backup(copy)
        finally:
            copy.close()
    except sqlite3.Error as exc:
        raise StoreError(f"cannot copy the database to {target} ({exc}); nothing was repaired") from None
    return target


def repair(store: Store, damage: Damage, replay: Callable[[Sequence[ReviewRow], CardRow | None], CardRow]) -> None:
    """Remove bad reviews, settings and day counts, and rebuild each bad card from its reviews."""
    from quizzer.migrations import rebuild_daily_counts

    with store.write() as c:
        c.executemany("DELETE FROM reviews WHERE id = ?", [(r,) for r in damage.reviews])
        c.executemany("DELETE FROM settings WHERE key = ?", [(k,) for k in damage.settings])
        for gid in damage.cards:
            c.execute("DELETE FROM cards WHERE gid = ?", (gid,))
            reviews = store.reviews_of(gid)
            if reviews:
                store.put_card(replay(reviews, None))
        rebuild_daily_counts(c)
