"""Leeches: questions forgotten again and again (lapses: Again on a card that had graduated).

At the threshold (`[study] leech_threshold`, 8 by default) a question is suspended and recorded here
once, so that the user is told once; the list itself is every card at or over the threshold, which
the merged log decides alike on every machine. More drilling rarely mends a leech: the advice is to
rewrite or split the question, or to read its references.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from quizzer.i18n import N_, _
from quizzer.records import CardRow, ReviewRow, to_iso
from quizzer.store import Store

ADVICE = N_("Drilling a leech again rarely helps. Rewrite the question in your own words, split it into "
            "smaller ones, or read its references; then unsuspend it.")
WRONG_ANSWERS_SHOWN = 5


def leech_note(gid: str, lapses: int) -> str:
    """What the user is told, once, when a question becomes a leech."""
    return _("{gid} is a leech: forgotten {n} times, so it is suspended.").format(gid=gid, n=lapses) + " " + _(ADVICE)


@dataclass(frozen=True, slots=True)
class Leech:
    gid: str
    category: str
    lapses: int
    suspended: bool
    wrong_answers: tuple[str, ...]  # the latest answers rated Again, newest first


def mark_if_leech(store: Store, card: CardRow, threshold: int, now: datetime) -> bool:
    """Suspend `card` as a leech if it has just reached the threshold and never was one; True if so
    (the caller tells the user, once)."""
    if card.lapses < threshold or card.reviews == 0:
        return False
    with store.write() as c:
        cur = c.execute("INSERT OR IGNORE INTO leeches (gid, category, at) VALUES (?, ?, ?)",
                        (card.gid, card.category, to_iso(now)))
    if not cur.rowcount:
        return False  # a leech before (perhaps unsuspended by the user since): not suspended again
    store.set_flag(card.gid, "suspended", True, now)
    card.suspended = True
    return True


def forget_undone_leech(store: Store, review: ReviewRow, card: CardRow | None, threshold: int,
                        now: datetime) -> bool:
    """After `review` was taken back: if it made the question a leech, it is one no longer (and is
    unsuspended). Returns whether that happened."""
    if card is not None and card.lapses >= threshold:
        return False
    with store.write() as c:
        cur = c.execute("DELETE FROM leeches WHERE gid = ? AND at >= ?", (review.gid, to_iso(review.reviewed_at)))
    if not cur.rowcount:
        return False
    store.set_flag(review.gid, "suspended", False, now)
    return True


def leeches(store: Store, threshold: int, gids: set[str] | None = None) -> list[Leech]:
    """Every question at or over the threshold (of `gids`, if given), most lapses first."""
    out = []
    for gid, category, lapses, suspended in store.conn.execute(
            "SELECT gid, category, lapses, suspended FROM cards WHERE lapses >= ? ORDER BY lapses DESC, gid",
            (threshold,)):
        if gids is not None and gid not in gids:
            continue
        wrong = tuple(r[0] for r in store.conn.execute(
            "SELECT response FROM reviews WHERE gid = ? AND rating = 1 AND response != ''"
            " ORDER BY reviewed_at DESC LIMIT ?", (gid, WRONG_ANSWERS_SHOWN)))
        out.append(Leech(gid, category, int(lapses), bool(suspended), wrong))
    return out
