"""What to ask: today's review queue and the selection for a filtered quiz."""

from __future__ import annotations

import random
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import TYPE_CHECKING

from quizzer.model import CATEGORIES, Bank, Library, Question
from quizzer.records import REVIEW, CardRow, CardState, to_iso
from quizzer.store import Store
from quizzer.studyday import day_end, study_day

if TYPE_CHECKING:  # scoring by recall needs fsrs; the counts here do not
    from quizzer.plan import InterviewGoal
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


class DueRule:
    """Whether a card is due at one moment: a review card for the whole study day, a learning step
    once it (nearly) comes up. The rule comes in three forms kept side by side (a test holds them
    equal): on parsed cards, on `CardState` (due as stored text, no date parsing) and as SQL over
    the cards table (`store.DUE_SQL`), for counts that SQLite can sum without a row reaching Python."""

    def __init__(self, now: datetime, end_of_day: datetime) -> None:
        self.end, self.ahead = end_of_day, now + LEARN_AHEAD
        self.end_text, self.ahead_text = to_iso(self.end), to_iso(self.ahead)
        self.latest = max(self.end, self.ahead)  # no card due later than this is due

    def is_due(self, card: CardRow | CardState) -> bool:
        if card.suspended or card.reviews == 0:  # never answered (only flagged or suspended): not due
            return False
        if isinstance(card, CardState):
            return card.due < self.end_text if card.state == REVIEW else card.due <= self.ahead_text
        return card.due < self.end if card.state == REVIEW else card.due <= self.ahead


def _today_counts(store: Store, now: datetime, tz: tzinfo | None) -> tuple[int, int]:
    today = study_day(now, tz).isoformat()
    rows = [r for r in store.daily_counts(today) if r["day"] == today]
    return sum(r["reviews"] for r in rows), sum(r["new"] for r in rows)


def new_answered_today(store: Store, now: datetime, tz: tzinfo | None = None) -> int:
    return _today_counts(store, now, tz)[1]


def todays_queue(library: Library, store: Store, scheduler: Scheduler, now: datetime,
                 tz: tzinfo | None = None, goal: InterviewGoal | None = None) -> list[Question]:
    """Due cards first (confidently wrong ones first, then lowest retrievability first), then new
    questions up to the daily limit. With an interview date the plan sets today's new questions,
    and in its last days weak cards not yet due are reviewed ahead, after the due ones."""
    from quizzer.calibration import confidently_wrong

    settings = scheduler.settings
    end = day_end(now, tz)
    reviews_today, new_today = _today_counts(store, now, tz)
    rule = DueRule(now, end)
    # The due rule runs in SQLite and only four values per card come back, the last review parsed
    # alone: the queue may weigh thousands of due cards. fsrs's recall ranks them, weakest first.
    recall = scheduler.recall_at(now)
    ranked = store.due_for_ranking(rule.end_text, rule.ahead_text, rule.latest)
    first = confidently_wrong(store, (r[0] for r in ranked))  # the misconceptions an interviewer would expose
    due = sorted((gid not in first, recall(last_at, stability), due_at, gid)
                 for gid, due_at, last, stability in ranked
                 if gid in library and (last_at := _parsed(last)) is not _DAMAGED
                 and (stability is None or isinstance(stability, int | float)))
    due = due[: max(0, settings.reviews_per_day - (reviews_today - new_today))]
    share = None
    if goal is not None:
        from quizzer.plan import todays_share

        share = todays_share(library, store, scheduler, now, goal, tz, new_today, len(due))
    if share is not None:
        new = spread(share.new)
        due += [(True, 0.0, "", gid) for gid in share.ahead]
    else:
        want = max(0, settings.new_per_day - new_today)
        new = spread(interleave(first_unseen(library, store.not_new_gids(), want))[:want])
    return [q for *_, gid in due if (q := library.get(gid)) is not None] + new


_DAMAGED = datetime.min  # a stored time no quizzer wrote: the card is left out of the ranking


def _parsed(stored: str | None) -> datetime | None:
    try:
        return datetime.fromisoformat(stored) if stored else None
    except (ValueError, TypeError):
        return _DAMAGED


def first_unseen(library: Library, not_new: set[str], per_category: int, total: int | None = None) -> list[Question]:
    """Up to `per_category` unseen questions of each category (and `total` in all), in each bank's
    teaching order with its types interleaved (banks open each category with open questions, and
    eleven of those in a row is no way to start)."""
    taken: dict[str, int] = {}
    out: list[Question] = []
    for n, bank in enumerate(library.ordered_banks()):
        for q in types_interleaved(bank, n):
            if taken.get(q.category, 0) >= per_category:
                break
            if q.gid not in not_new:
                out.append(q)
                taken[q.category] = taken.get(q.category, 0) + 1
                if total is not None and len(out) >= total:
                    return out
    return out


def spread(questions: list[Question]) -> list[Question]:
    """The same questions, reordered so that, where the mix allows, no two in a row share a category
    and no two in a row share a type: each step takes the first one that differs from the last."""
    left = list(questions)
    out: list[Question] = []
    while left:
        last = out[-1] if out else None
        pick = next((i for i, q in enumerate(left)
                     if last is None or (q.category != last.category and q.type != last.type)), None)
        if pick is None:
            pick = next((i for i, q in enumerate(left) if q.category != last.category), 0) if last else 0
        out.append(left.pop(pick))
    return out


_INTERLEAVED: dict[tuple[int, int], tuple[Bank, tuple[Question, ...]]] = {}


def types_interleaved(bank: Bank, start: int = 0) -> tuple[Question, ...]:
    """The bank's questions taking each type in turn, each type in bank order, beginning with the
    `start`-th type (so that the banks of a day's review do not all open with the same type); worked
    out once per bank."""
    hit = _INTERLEAVED.get((id(bank), start))
    if hit is not None and hit[0] is bank:
        return hit[1]
    by_type: dict[str, list[Question]] = {}
    for q in bank.questions:
        by_type.setdefault(q.type, []).append(q)
    lists = list(by_type.values())
    if lists:
        lists = lists[start % len(lists):] + lists[:start % len(lists)]
    order = tuple(q for i in range(max((len(x) for x in lists), default=0)) for x in lists if i < len(x)
                  for q in (x[i],))
    _INTERLEAVED[(id(bank), start)] = (bank, order)
    return order


def due_counts(library: Library, store: Store, scheduler: Scheduler, now: datetime,
               tz: tzinfo | None = None, goal: InterviewGoal | None = None) -> DueCounts:
    end = day_end(now, tz)
    rule = DueRule(now, end)
    cards = [c for c in store.card_states(end) if c.gid in library and c.reviews and not c.suspended]
    due_now = sum(1 for c in cards if rule.is_due(c))
    learning = sum(1 for c in cards if c.state != REVIEW)
    _, new_today = _today_counts(store, now, tz)
    if goal is not None:
        from quizzer.plan import todays_share

        share = todays_share(library, store, scheduler, now, goal, tz, new_today, due_now)
        if share is not None:
            return DueCounts(due_now + len(share.ahead), learning, len(share.new))
    want = max(0, scheduler.settings.new_per_day - new_today)
    return DueCounts(due_now, learning, len(first_unseen(library, store.not_new_gids(), want, total=want)))


def matching(library: Library, categories: Sequence[str] = (), levels: Sequence[int] = (),
             types: Sequence[str] = (), tags: Sequence[str] = ()) -> list[Question]:
    """The questions in any of `categories`, `levels` and `types` and with any of `tags` (an empty
    filter matches all), in bank order."""
    return [q for q in library
            if (not categories or q.category in categories) and (not levels or q.level in levels)
            and (not types or q.type in types) and (not tags or set(tags) & set(q.tags))]


def quiz_selection(library: Library, store: Store, scheduler: Scheduler, now: datetime, *,
                   categories: Sequence[str] = (), levels: Sequence[int] = (), types: Sequence[str] = (),
                   tags: Sequence[str] = (), count: int = 10, new_only: bool = False, due_only: bool = False,
                   rng: random.Random | None = None, tz: tzinfo | None = None) -> list[Question]:
    """A filtered quiz: what is due first (weakest first), then unseen questions, then the
    seen ones least likely to be remembered; suspended questions are left out."""
    rng = rng or random.Random()
    cards = store.cards()
    pool = [q for q in matching(library, categories, levels, types, tags)
            if not (q.gid in cards and cards[q.gid].suspended)]
    end = day_end(now, tz)
    rule = DueRule(now, end)
    due = [q for q in pool if q.gid in cards and rule.is_due(cards[q.gid])]
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


def cram_selection(library: Library, store: Store, scheduler: Scheduler, now: datetime, *,
                   categories: Sequence[str] = (), levels: Sequence[int] = (), types: Sequence[str] = (),
                   tags: Sequence[str] = (), count: int = 10, tz: tzinfo | None = None) -> list[Question]:
    """Cramming: questions answered before and not yet due, weakest predicted recall now first (for
    studying more than the due queue; each review is recorded at its real time, so FSRS sees it
    was early)."""
    cards = store.cards()
    rule = DueRule(now, day_end(now, tz))
    pool = [(scheduler.retrievability(card, now), q.gid, q) for q in matching(library, categories, levels, types, tags)
            if (card := cards.get(q.gid)) is not None and card.reviews and not card.suspended
            and not rule.is_due(card)]
    pool.sort(key=lambda x: (x[0], x[1]))
    return [q for *_, q in pool[: max(0, count)]]


def mock_selection(library: Library, store: Store, categories: Sequence[str], count: int,
                   rng: random.Random | None = None) -> list[Question]:
    """A mock interview: questions taken from the chosen categories in turn, and within each category
    from its levels in turn (1, 2, 3), so that ten questions over eight categories cover them all
    rather than drawing three from one; suspended questions are left out."""
    rng = rng or random.Random()
    cards = store.cards()
    order = [c for c in CATEGORIES if c in categories]
    rng.shuffle(order)
    pools: dict[str, dict[int, list[Question]]] = {}
    for c in order:
        levels: dict[int, list[Question]] = {}
        for q in library.in_category(c):
            if not (q.gid in cards and cards[q.gid].suspended):
                levels.setdefault(q.level, []).append(q)
        for qs in levels.values():
            rng.shuffle(qs)
        pools[c] = levels
    turn = dict.fromkeys(order, rng.randrange(3))
    out: list[Question] = []
    while len(out) < count and any(qs for levels in pools.values() for qs in levels.values()):
        for c in order:
            levels = pools[c]
            for step in range(3):  # this category's next level that still has a question
                level = (turn[c] + step) % 3 + 1
                if levels.get(level):
                    out.append(levels[level].pop())
                    turn[c] = level % 3
                    break
            if len(out) >= count:
                break
    return out
