"""A day-by-day plan up to the interview: how many new questions a day, so that every question of the
chosen categories is seen before the date within the minutes a day the user has, weakest categories
first; and, in the last days, which cards to review ahead.

The reviews each day are forecast with FSRS itself (no fuzz), as if every answer were Good: a card's
next review is its due date, then the interval FSRS gives after a Good answer, and so on up to the
interview. Minutes come from the user's own median answer time per question type (a default until
there are a few answers of a type). A new question costs its first answer plus its same-day learning
steps. The day before the interview takes no new questions: it is for review.
"""

from __future__ import annotations

import math
import statistics
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, tzinfo
from typing import TYPE_CHECKING, Any

from quizzer.model import Library, Question
from quizzer.readiness import Readiness, days_left, interview_moment, readiness
from quizzer.records import CardRow
from quizzer.scheduler import Scheduler
from quizzer.store import Store
from quizzer.studyday import study_day

DEFAULT_SECONDS = {"open": 150.0, "code": 600.0}  # until the user has answered a few of a type
OTHER_SECONDS = 30.0
MIN_SAMPLES = 3
TIMES_READ = 5_000  # the latest answers give the medians: today's speed, not last year's
ADVANCE_DAYS = 7  # the last days before the interview, when weak cards are reviewed ahead
MAX_FORECAST_STEPS = 60

if TYPE_CHECKING:
    from fsrs import Card


@dataclass(frozen=True, slots=True)
class InterviewGoal:
    day: date
    minutes_per_day: int
    categories: tuple[str, ...] = ()  # empty: every category

    @classmethod
    def from_settings(cls, study: Mapping[str, Any]) -> InterviewGoal | None:
        """The goal set in the config file's [study] table, if an interview date is set."""
        day = study.get("interview_date") or ""
        if not day:
            return None
        chosen = study.get("interview_categories") or []
        return cls(date.fromisoformat(str(day)), int(study.get("minutes_per_day", 30)), tuple(chosen))


@dataclass(frozen=True, slots=True)
class DayPlan:
    day: date
    new: int
    reviews: int
    minutes: float


@dataclass(frozen=True)
class Plan:
    goal: InterviewGoal
    days_left: int
    readiness: Readiness
    daily: list[DayPlan]
    unseen: list[Question]  # in the order the plan brings them in: weakest categories first
    unseen_after: int  # questions the minutes leave unseen on the day (0: the plan fits)
    seconds: dict[str, float] = field(default_factory=dict)  # per type: the median answer time used
    review_seconds: float = OTHER_SECONDS  # the mean cost of a review and of a new question
    new_seconds: float = OTHER_SECONDS

    def to_json(self) -> dict[str, Any]:
        return {"interview": self.goal.day.isoformat(), "days_left": self.days_left,
                "minutes_per_day": self.goal.minutes_per_day, "categories": list(self.goal.categories),
                "readiness": {"total": round(self.readiness.total, 4),
                              "categories": {c: round(v, 4) for c, v in self.readiness.categories.items()}},
                "unseen": len(self.unseen), "unseen_after": self.unseen_after,
                "seconds_per_answer": {t: round(s, 1) for t, s in sorted(self.seconds.items())},
                "daily": [{"date": d.day.isoformat(), "new": d.new, "reviews": d.reviews,
                           "minutes": round(d.minutes, 1)} for d in self.daily]}


def answer_seconds(store: Store, library: Library) -> dict[str, float]:
    """Median seconds per answer, per question type, from the user's latest answers."""
    times: dict[str, list[float]] = {}
    # The last rows written (rowid order): no sort of the whole log, and near enough the latest answers.
    for gid, ms in store.conn.execute("SELECT gid, duration_ms FROM reviews WHERE duration_ms > 0"
                                      " ORDER BY rowid DESC LIMIT ?", (TIMES_READ,)):
        q = library.get(gid)
        if q is not None and isinstance(ms, int):
            times.setdefault(q.type, []).append(ms / 1000)
    out = {t: DEFAULT_SECONDS.get(t, OTHER_SECONDS) for t in {q.type for q in library}}
    out.update({t: statistics.median(v) for t, v in times.items() if len(v) >= MIN_SAMPLES})
    return out


def _mean_cost(questions: Sequence[Question], seconds: Mapping[str, float]) -> float:
    if not questions:
        return statistics.mean(seconds.values()) if seconds else OTHER_SECONDS
    return sum(seconds.get(q.type, OTHER_SECONDS) for q in questions) / len(questions)


class _Forecast:
    """Future Good reviews, by study day, from FSRS without fuzz (its own scheduler, called directly:
    thousands of cards times a few reviews each)."""

    def __init__(self, scheduler: Scheduler, end: datetime, tz: tzinfo | None) -> None:
        from fsrs import Rating

        self.fsrs = Scheduler(scheduler.settings, enable_fuzzing=False)._fsrs
        self.good = Rating.Good
        self.end, self.tz = end, tz

    def reviews(self, card: Card, start: datetime) -> list[date]:
        """The study days of `card`'s reviews from `start` (its due time, or `start` if overdue) to the end."""
        days = []
        when = max(card.due, start)
        for _ in range(MAX_FORECAST_STEPS):
            if when >= self.end:
                break
            days.append(study_day(when, self.tz))
            card, _ = self.fsrs.review_card(card, self.good, review_datetime=when)
            when = card.due
        return days

    def new_card_days(self, start: datetime) -> tuple[int, list[int]]:
        """For a question first answered at `start`: (its answers that same day after the first, the
        day offsets of its later reviews before the end)."""
        from fsrs import Card

        card, _ = self.fsrs.review_card(Card(card_id=1, due=start), self.good, review_datetime=start)
        first = study_day(start, self.tz)
        offsets = [(d - first).days for d in self.reviews(card, start)]
        return sum(1 for o in offsets if o == 0), [o for o in offsets if o > 0]


def _weakest_first(library: Library, ready: Readiness) -> Callable[[Question], tuple[float, int, int]]:
    """The order new questions come in: categories by readiness in steps of 10% (weakest first), those
    in the same step taking turns, each in its bank's teaching order (as the daily review has it)."""
    from quizzer.study_queue import types_interleaved

    place: dict[str, int] = {}
    for n, bank in enumerate(library.ordered_banks()):
        place.update((q.gid, i) for i, q in enumerate(types_interleaved(bank, n)))
    weakest = sorted(ready.categories, key=lambda c: (ready.categories[c], c))
    return lambda q: (round(ready.categories.get(q.category, 0.0), 1), place.get(q.gid, 0),
                      weakest.index(q.category) if q.category in weakest else 0)


@dataclass(frozen=True)
class _Basis:
    """What the plan and today's share of it both start from."""

    pool: list[Question]
    cards: dict[str, CardRow]
    ready: Readiness
    unseen: list[Question]
    seconds: dict[str, float]
    review_s: float
    new_s: float
    offsets: list[int]  # day offsets of a new question's later reviews, if answered Good each time
    days: list[date]  # the study days left before the interview, today first

    @property
    def new_days(self) -> list[date]:
        return self.days[:-1] if len(self.days) > 1 else self.days

    def new_on(self, i: int, remaining: int, reviews: int, minutes: int) -> int:
        """New questions on the `i`-th day: an even share of those left over the days left for new ones,
        as many as the minutes leave room for after the reviews."""
        if self.days[i] not in self.new_days:
            return 0
        target = math.ceil(remaining / (len(self.new_days) - i))
        room = max(0, math.floor((minutes * 60 - reviews * self.review_s) / self.new_s))
        return min(target, room, remaining)


def _basis(library: Library, store: Store, scheduler: Scheduler, now: datetime, goal: InterviewGoal,
           tz: tzinfo | None) -> _Basis:
    pool = [q for q in library if not goal.categories or q.category in goal.categories]
    moment = interview_moment(goal.day, tz)
    ready = readiness(pool, store, scheduler, moment)
    cards = store.cards()
    unseen = sorted((q for q in pool if (c := cards.get(q.gid)) is None or (c.reviews == 0 and not c.suspended)),
                    key=_weakest_first(library, ready))
    seconds = answer_seconds(store, library)
    review_s = _mean_cost([q for q in pool if q.gid in cards], seconds)
    today = study_day(now, tz)
    days = [today + timedelta(days=i) for i in range(max(0, days_left(goal.day, now, tz)))]
    same_day, offsets = _Forecast(scheduler, moment, tz).new_card_days(now) if days else (0, [])
    return _Basis(pool, cards, ready, unseen, seconds, review_s, _mean_cost(unseen, seconds) * (1 + same_day),
                  offsets, days)


def plan_for(library: Library, store: Store, scheduler: Scheduler, now: datetime, goal: InterviewGoal,
             tz: tzinfo | None = None, new_today: int = 0) -> Plan:
    """The plan from today (`new_today`: new questions already answered today) to the interview."""
    b = _basis(library, store, scheduler, now, goal, tz)
    left = days_left(goal.day, now, tz)
    reviews_on: Counter[date] = Counter()
    if b.days:
        forecast = _Forecast(scheduler, interview_moment(goal.day, tz), tz)
        for q in b.pool:
            card = b.cards.get(q.gid)
            if card is not None and card.reviews and not card.suspended:
                reviews_on.update(max(d, b.days[0]) for d in forecast.reviews(Scheduler.to_fsrs(card), now))
    remaining = len(b.unseen) + new_today
    daily = []
    for i, day in enumerate(b.days):
        new = b.new_on(i, remaining, reviews_on[day], goal.minutes_per_day)
        remaining -= new
        for offset in b.offsets:
            reviews_on[day + timedelta(days=offset)] += new
        daily.append(DayPlan(day, new, reviews_on[day], (reviews_on[day] * b.review_s + new * b.new_s) / 60))
    return Plan(goal, left, b.ready, daily, b.unseen, remaining if b.days else len(b.unseen), b.seconds,
                b.review_s, b.new_s)


@dataclass(frozen=True, slots=True)
class TodaysShare:
    new: list[Question]  # today's new questions still to ask, in the plan's order
    ahead: list[str]  # cards not due, reviewed ahead (most recall gained on the day first)


def todays_share(library: Library, store: Store, scheduler: Scheduler, now: datetime, goal: InterviewGoal,
                 tz: tzinfo | None, new_today: int, due_today: int) -> TodaysShare | None:
    """What the daily review takes from the plan today (the plan's first day, with today's due reviews
    as its reviews: no forecast needed); None once the interview day has come."""
    b = _basis(library, store, scheduler, now, goal, tz)
    if not b.days:
        return None
    want = max(0, b.new_on(0, len(b.unseen) + new_today, due_today, goal.minutes_per_day) - new_today)
    ahead: list[str] = []
    if len(b.days) <= ADVANCE_DAYS:
        spare = goal.minutes_per_day * 60 - due_today * b.review_s - want * b.new_s
        ahead = review_ahead(library, store, scheduler, now, goal, max(0, int(spare // b.review_s)), tz)
    return TodaysShare(b.unseen[:want], ahead)


def review_ahead(library: Library, store: Store, scheduler: Scheduler, now: datetime, goal: InterviewGoal,
                 limit: int, tz: tzinfo | None = None) -> list[str]:
    """Up to `limit` cards not due today whose recall on the interview day is below the desired
    retention, ordered by how much a Good review now would raise it (as FSRS Helper's "advance")."""
    if limit <= 0:
        return []
    from quizzer.studyday import day_end

    moment = interview_moment(goal.day, tz)
    end = day_end(now, tz)
    recall = scheduler.recall_at(moment)
    forecast = _Forecast(scheduler, moment, tz)
    gains = []
    for card in store.cards().values():
        q = library.get(card.gid)
        if q is None or card.suspended or not card.reviews or card.due < end:
            continue
        if goal.categories and q.category not in goal.categories:
            continue
        before = recall(card.last_review, card.stability)
        if before >= scheduler.settings.desired_retention:
            continue
        after, _ = forecast.fsrs.review_card(Scheduler.to_fsrs(card), forecast.good, review_datetime=now)
        gains.append((recall(after.last_review, after.stability) - before, card.gid))
    gains.sort(key=lambda g: (-g[0], g[1]))
    return [gid for _, gid in gains[:limit]]
