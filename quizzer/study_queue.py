"""What to ask: today's review queue and the selection for a filtered quiz."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from quizzer.model import CATEGORIES, Library, Question
from quizzer.store import REVIEW, CardRow, Store
from quizzer.studyday import day_end, study_day

if TYPE_CHECKING:  # scoring by recall needs fsrs; the counts here do not
    from quizzer.scheduler import Scheduler

# Learning steps due within this window are shown now rather than making the user wait (as Anki).
LEARN_AHEAD = timedelta(minutes=20)


@dataclass(frozen=True, slots=True)
class DueCounts:
    due_now: int        # review cards due today plus learning cards due now
    learning: int       # cards in (re)learning, due now or later today
    new_available: int  # new questions that today's limit still allows


def interleave(questions: Iterable[Question]) -> list[Question]:
    """Round-robin across categories (in their order), keeping bank order within each."""
    by_cat: dict[str, list[Question]] = {}
    for q in questions:
        by_cat.setdefault(q.category, []).append(q)
    order = sorted(by_cat, key=lambda c: CATEGORIES.index(c) if c in CATEGORIES else len(CATEGORIES))
    out: list[Question] = []
    depth = max((len(v) for v in by_cat.values()), default=0)
    for i in range(depth):
        out.extend(by_cat[c][i] for c in order if i < len(by_cat[c]))
    return out


def is_due(card: CardRow, now: datetime, end_of_day: datetime) -> bool:
    if card.suspended or card.reviews == 0:  # never answered (only flagged or suspended): not due
        return False
    if card.state == REVIEW:
        return card.due < end_of_day
    return card.due <= now + LEARN_AHEAD


def _today_counts(store: Store, now: datetime, tz: tzinfo | None) -> tuple[int, int]:
    today = study_day(now, tz).isoformat()
    rows = [r for r in store.daily_counts(today) if r["day"] == today]
    return sum(r["reviews"] for r in rows), sum(r["new"] for r in rows)


def todays_queue(library: Library, store: Store, scheduler: Scheduler, now: datetime,
                 tz: tzinfo | None = None) -> list[Question]:
    """Due cards first (lowest retrievability first), then new questions up to the daily limit."""
    settings = scheduler.settings
    end = day_end(now, tz)
    reviews_today, new_today = _today_counts(store, now, tz)
    due = [c for c in store.due_cards(end) if c.gid in library and is_due(c, now, end)]
    due.sort(key=lambda c: (scheduler.retrievability(c, now), c.due))
    due = due[: max(0, settings.reviews_per_day - (reviews_today - new_today))]
    not_new = store.seen_gids() | store.suspended_gids()
    new = interleave(q for q in library if q.gid not in not_new)[: max(0, settings.new_per_day - new_today)]
    return [q for c in due if (q := library.get(c.gid)) is not None] + new


def due_counts(library: Library, store: Store, scheduler: Scheduler, now: datetime,
               tz: tzinfo | None = None) -> DueCounts:
    end = day_end(now, tz)
    cards = [c for c in store.due_cards(end) if c.gid in library and not c.suspended]
    due_now = sum(1 for c in cards if is_due(c, now, end))
    learning = sum(1 for c in cards if c.state != REVIEW)
    _, new_today = _today_counts(store, now, tz)
    unseen = len(library) - len((store.seen_gids() | store.suspended_gids()) & {q.gid for q in library})
    return DueCounts(due_now, learning, min(unseen, max(0, scheduler.settings.new_per_day - new_today)))


def quiz_selection(library: Library, store: Store, scheduler: Scheduler, now: datetime, *,
                   categories: Sequence[str] = (), levels: Sequence[int] = (), types: Sequence[str] = (),
                   tags: Sequence[str] = (), count: int = 10, new_only: bool = False, due_only: bool = False,
                   rng: random.Random | None = None) -> list[Question]:
    """A filtered quiz: what is due first (weakest first), then unseen questions, then the
    seen ones least likely to be remembered; suspended questions are left out."""
    rng = rng or random.Random()
    cards = store.cards()
    pool = [q for q in library
            if (not categories or q.category in categories) and (not levels or q.level in levels)
            and (not types or q.type in types) and (not tags or set(tags) & set(q.tags))
            and not (q.gid in cards and cards[q.gid].suspended)]
    end = day_end(now)
    due = [q for q in pool if q.gid in cards and is_due(cards[q.gid], now, end)]
    due.sort(key=lambda q: scheduler.retrievability(cards[q.gid], now))
    unseen = [q for q in pool if q.gid not in cards or cards[q.gid].reviews == 0]
    rng.shuffle(unseen)
    due_set = {q.gid for q in due}
    rest = sorted((q for q in pool if q.gid in cards and cards[q.gid].reviews and q.gid not in due_set),
                  key=lambda q: scheduler.retrievability(cards[q.gid], now))
    if new_only:
        chosen = unseen
    elif due_only:
        chosen = due
    else:
        chosen = due + unseen + rest
    return chosen[: max(0, count)]
