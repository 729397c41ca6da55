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
from typing import Any

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
GOOD = 3


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
    for gid, ms in store.conn.execute("SELECT gid, duration_ms FROM reviews WHERE duration_ms > 0"
                                      " ORDER BY reviewed_at DESC LIMIT ?", (TIMES_READ,)):
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
    """Future Good reviews, by study day, from FSRS without fuzz."""

    def __init__(self, scheduler: Scheduler, end: datetime, tz: tzinfo | None) -> None:
        self.sim = Scheduler(scheduler.settings, enable_fuzzing=False)
        self.end, self.tz = end, tz

    def reviews(self, card: CardRow, start: datetime) -> list[date]:
        """The study days of `card`'s reviews from `start` (its due time, or now if overdue) to the end."""
        days = []
        when = max(card.due, start)
        for _ in range(MAX_FORECAST_STEPS):
            if when >= self.end:
                break
            days.append(study_day(when, self.tz))
            card = self.sim.next_card(card, card.gid, card.category, GOOD, when, "plan")
            when = card.due
        return days

    def new_card_days(self, start: datetime) -> tuple[int, list[int]]:
        """For a question first answered at `start`: (its answers that same day after the first, the
        day offsets of its later reviews before the end)."""
        card = self.sim.next_card(None, "x/x", "x", GOOD, start, "plan")
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


def plan_for(library: Library, store: Store, scheduler: Scheduler, now: datetime, goal: InterviewGoal,
             tz: tzinfo | None = None, new_today: int = 0) -> Plan:
    """The plan from today (`new_today`: new questions already answered today) to the interview."""
    pool = [q for q in library if not goal.categories or q.category in goal.categories]
    moment = interview_moment(goal.day, tz)
    ready = readiness(pool, store, scheduler, moment)
    cards = store.cards()
    unseen = sorted((q for q in pool if (c := cards.get(q.gid)) is None or (c.reviews == 0 and not c.suspended)),
                    key=_weakest_first(library, ready))
    seconds = answer_seconds(store, library)
    left = days_left(goal.day, now, tz)
    review_s = _mean_cost([q for q in pool if q.gid in cards], seconds)
    if left <= 0:
        return Plan(goal, left, ready, [], unseen, len(unseen), seconds, review_s, _mean_cost(unseen, seconds))
    today = study_day(now, tz)
    days = [today + timedelta(days=i) for i in range(left)]
    forecast = _Forecast(scheduler, moment, tz)
    reviews_on: Counter[date] = Counter()
    for q in pool:
        card = cards.get(q.gid)
        if card is not None and card.reviews and not card.suspended:
            reviews_on.update(max(d, today) for d in forecast.reviews(card, now))
    same_day, offsets = forecast.new_card_days(now)
    new_s = _mean_cost(unseen, seconds) * (1 + same_day)
    new_days = days[:-1] if len(days) > 1 else days
    remaining = len(unseen) + new_today
    daily = []
    for i, day in enumerate(days):
        new = 0
        if day in new_days:
            target = math.ceil(remaining / (len(new_days) - i))
            room = max(0, math.floor((goal.minutes_per_day * 60 - reviews_on[day] * review_s) / new_s))
            new = min(target, room, remaining)
            remaining -= new
            for offset in offsets:
                reviews_on[day + timedelta(days=offset)] += new
        daily.append(DayPlan(day, new, reviews_on[day], (reviews_on[day] * review_s + new * new_s) / 60))
    return Plan(goal, left, ready, daily, unseen, remaining, seconds, review_s, new_s)


@dataclass(frozen=True, slots=True)
class TodaysShare:
    new: list[Question]  # today's new questions still to ask, in the plan's order
    ahead: list[str]  # cards not due, reviewed ahead (most recall gained on the day first)


def todays_share(library: Library, store: Store, scheduler: Scheduler, now: datetime, goal: InterviewGoal,
                 tz: tzinfo | None, new_today: int, due_today: int) -> TodaysShare | None:
    """What the daily review takes from the plan today; None once the interview day has come."""
    plan = plan_for(library, store, scheduler, now, goal, tz, new_today)
    if not plan.daily:
        return None
    want = max(0, plan.daily[0].new - new_today)
    ahead: list[str] = []
    if plan.days_left <= ADVANCE_DAYS:
        spare = goal.minutes_per_day * 60 - due_today * plan.review_seconds - want * plan.new_seconds
        ahead = review_ahead(library, store, scheduler, now, goal, max(0, int(spare // plan.review_seconds)), tz)
    return TodaysShare(plan.unseen[:want], ahead)


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
    sim = Scheduler(scheduler.settings, enable_fuzzing=False)
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
        after = sim.next_card(card, card.gid, card.category, GOOD, now, "ahead")
        gains.append((recall(after.last_review, after.stability) - before, card.gid))
    gains.sort(key=lambda g: (-g[0], g[1]))
    return [gid for _, gid in gains[:limit]]
