"""What the user knows: per-category counts, retention, mastery, streak, forecast and heatmap.

Review counts come from the `daily_counts` aggregate, never from a scan of the review log.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, tzinfo
from typing import Any

from quizzer.model import Counted, Library
from quizzer.records import REVIEW
from quizzer.store import Store
from quizzer.study_queue import DueRule
from quizzer.studyday import day_end, study_day

STAT_KEYS = ("questions", "seen", "due_now", "reviews", "correct", "retention_30d", "mastery")


def _blank() -> dict[str, Any]:
    return {"questions": 0, "seen": 0, "due_now": 0, "reviews": 0, "correct": 0,
            "reviews_30d": 0, "correct_30d": 0, "suspended": 0, "mastered": 0}


def streak(days_with_reviews: set[date], today: date) -> int:
    """Consecutive study days with reviews, ending today (or yesterday if today has none yet)."""
    day = today if today in days_with_reviews else today - timedelta(days=1)
    n = 0
    while day in days_with_reviews:
        n += 1
        day -= timedelta(days=1)
    return n


def compute(library: Counted, store: Store, now: datetime, tz: tzinfo | None = None) -> dict[str, Any]:
    """Per category and in total: counts, 30-day retention and mastery; and the streak.

    Mastery is the share of the questions still studied (not suspended) that are learned and not
    due today: out of the learning steps and, by FSRS, still above the desired retention. (Mean
    recall "now" would count a question missed a minute ago as known.)"""
    today = study_day(now, tz)
    end = day_end(now, tz)
    cats: dict[str, dict[str, Any]] = {c: {**_blank(), "questions": n} for c, n in library.category_sizes().items()}
    _count_cards(library, store, DueRule(now, end), cats)
    since = (today - timedelta(days=29)).isoformat()
    for category, (reviews, correct) in store.review_totals().items():
        if category in cats:
            cats[category]["reviews"], cats[category]["correct"] = reviews, correct
    for category, (reviews, correct) in store.review_totals(since).items():
        if category in cats:
            cats[category]["reviews_30d"], cats[category]["correct_30d"] = reviews, correct
    days = {date.fromisoformat(d) for d in store.study_days()}
    totals = _blank()
    for stats in cats.values():
        for k in totals:
            totals[k] += stats[k]
    return {
        "totals": _finish(totals),
        "categories": {c: _finish(s) for c, s in cats.items()},
        "streak_days": streak(days, today),
    }


COUNTED = ("seen", "suspended", "due_now", "mastered")


def _count_cards(library: Counted, store: Store, rule: DueRule, cats: dict[str, dict[str, Any]]) -> None:
    """Add each category's seen, suspended, due and mastered cards to `cats`.

    SQLite sums them over the whole table; the few cards of questions no longer in the banks
    (their progress is kept, not counted) are then taken back out one by one."""
    for category, counts in store.card_counts_by_category(rule.end_text, rule.ahead_text).items():
        if category in cats:
            for key, n in zip(COUNTED, counts, strict=True):
                cats[category][key] += n
    orphans = set(store.card_gids()).difference(library.gids())
    if not orphans:
        return
    for card in store.card_states():
        if card.gid not in orphans or (stats := cats.get(card.category)) is None:
            continue
        due = rule.is_due(card)
        stats["seen"] -= int(card.reviews > 0)
        stats["suspended"] -= int(bool(card.suspended))
        stats["due_now"] -= int(due)
        stats["mastered"] -= int(card.reviews > 0 and not card.suspended and card.state == REVIEW and not due)


def _finish(s: dict[str, Any]) -> dict[str, Any]:
    s["retention_30d"] = round(s["correct_30d"] / s["reviews_30d"], 4) if s["reviews_30d"] else None
    # Over every question still studied: an unseen one counts as not known.
    studied = s["questions"] - s["suspended"]
    s["mastery"] = round(s["mastered"] / studied, 4) if studied > 0 else 0.0
    return s


def forecast(library: Library, store: Store, now: datetime, days: int = 30,
             tz: tzinfo | None = None) -> list[int]:
    """Reviews falling due on each of the next `days` study days (overdue ones count today)."""
    today = study_day(now, tz)
    counts = [0] * days
    horizon = day_end(now, tz) + timedelta(days=days - 1)
    for card in store.due_cards(horizon):
        if card.gid in library:
            i = max(0, (study_day(card.due, tz) - today).days)
            if i < days:
                counts[i] += 1
    return counts


def heatmap(store: Store, now: datetime, days: int = 182, tz: tzinfo | None = None) -> dict[date, int]:
    """Reviews per study day over the last `days` days."""
    today = study_day(now, tz)
    since = today - timedelta(days=days - 1)
    out: dict[date, int] = {}
    for row in store.daily_counts(since.isoformat()):
        d = date.fromisoformat(row["day"])
        out[d] = out.get(d, 0) + row["reviews"]
    return out
