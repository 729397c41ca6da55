"""Spaced repetition with FSRS (the `fsrs` package): settings, the next card state, replay.

The algorithm is the package's; this module only maps quizzer's rows to `fsrs.Card` and back,
keeps datetimes UTC-aware, and makes interval fuzzing reproducible so that replaying a review
log (when merging two machines' logs) gives exactly the states the reviews produced live.
"""

from __future__ import annotations

import os
import random
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, fields
from datetime import UTC, datetime, timedelta
from functools import cached_property
from typing import TYPE_CHECKING, Any, NamedTuple, cast

from quizzer.model import AGAIN
from quizzer.records import REVIEW, CardRow, ReviewRow

if TYPE_CHECKING:  # fsrs itself loads on the first review: the home screen and counts never need it
    from fsrs import Card
    from fsrs import Scheduler as FsrsScheduler

MAX_STEP_S = 30 * 86_400  # a learning step longer than a month is not a step (and 1e20 s overflows)
CARD_ID = 1  # quizzer keys cards by global id; fsrs's own card id is never used


@dataclass(frozen=True, slots=True)
class Settings:
    desired_retention: float = 0.9
    new_per_day: int = 20
    reviews_per_day: int = 200
    learning_steps_s: tuple[int, ...] = (60, 600)
    relearning_steps_s: tuple[int, ...] = (600,)

    @classmethod
    def from_mapping(cls, data: Mapping[str, Any]) -> Settings:
        """Settings from a mapping (the config file's [study] table, or a database of an earlier
        version), ignoring unknown keys and falling back on bad values."""
        default = cls()
        values: dict[str, Any] = {}
        for f in fields(cls):
            value = data.get(f.name, getattr(default, f.name))
            if f.name == "desired_retention":
                ok = isinstance(value, int | float) and 0.7 <= value <= 0.99
            elif f.name in ("new_per_day", "reviews_per_day"):
                ok = isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= 10_000
            elif f.name.endswith("_steps_s"):
                ok = isinstance(value, list | tuple) and all(
                    isinstance(v, int) and not isinstance(v, bool) and 0 < v <= MAX_STEP_S for v in value)
                value = tuple(value) if ok else value
            values[f.name] = value if ok else getattr(default, f.name)
        return cls(**values)


def _utc(dt: datetime) -> datetime:
    if dt.tzinfo is None:
        raise ValueError("naive datetime: quizzer passes only UTC-aware datetimes to FSRS")
    return dt.astimezone(UTC)


class Scheduler:
    def __init__(self, settings: Settings | None = None, enable_fuzzing: bool = True) -> None:
        self.settings = settings or Settings()
        self.enable_fuzzing = enable_fuzzing

    @cached_property
    def _fsrs(self) -> FsrsScheduler:
        from fsrs import Scheduler as FsrsScheduler

        return FsrsScheduler(
            desired_retention=self.settings.desired_retention,
            learning_steps=tuple(timedelta(seconds=s) for s in self.settings.learning_steps_s),
            relearning_steps=tuple(timedelta(seconds=s) for s in self.settings.relearning_steps_s),
            enable_fuzzing=self.enable_fuzzing,
        )

    @staticmethod
    def to_fsrs(row: CardRow) -> Card:
        from fsrs import Card, State

        # An explicit card_id: fsrs otherwise derives one from the clock and sleeps 1 ms to keep it unique.
        return Card(card_id=CARD_ID, state=State(row.state), step=row.step, stability=row.stability,
                    difficulty=row.difficulty,
                    due=_utc(row.due), last_review=_utc(row.last_review) if row.last_review else None)

    def next_card(self, old: CardRow | None, gid: str, category: str, rating: int, when: datetime,
                  review_id: str) -> CardRow:
        """The card after one review. Fuzzing is seeded by the review's id, so a replay agrees."""
        from fsrs import Card, Rating

        when = _utc(when)
        card = self.to_fsrs(old) if old else Card(card_id=CARD_ID, due=when)
        random.seed(review_id)  # fsrs draws its fuzz from the module-level generator
        try:
            new, _ = self._fsrs.review_card(card, Rating(rating), review_datetime=when)
        finally:
            # Reseed from the OS rather than restore the old state: as unpredictable for other users
            # of the module generator, and getstate() alone cost a quarter of the FSRS step (a bare
            # seed() reads 2.5 KB of entropy: 128 bits are plenty and three times cheaper).
            random.seed(int.from_bytes(os.urandom(16)))
        lapse = old is not None and old.state == REVIEW and rating == AGAIN
        return CardRow(
            gid=gid, category=category, state=int(new.state), step=new.step, stability=new.stability,
            difficulty=new.difficulty, due=_utc(new.due),
            last_review=_utc(new.last_review) if new.last_review else when,
            reviews=(old.reviews if old else 0) + 1, lapses=(old.lapses if old else 0) + int(lapse),
            suspended=old.suspended if old else False, flagged=old.flagged if old else False,
        )

    def replay(self, reviews: Sequence[ReviewRow], existing: CardRow | None) -> CardRow:
        """Rebuild a card from its whole log, in time order, keeping the user's flags."""
        card: CardRow | None = None
        for r in sorted(reviews, key=lambda r: (r.reviewed_at, r.id)):
            card = self.next_card(card, r.gid, r.category, r.rating, r.reviewed_at, r.id)
        assert card is not None, "replay needs at least one review"
        if existing is not None:
            card.suspended, card.flagged = existing.suspended, existing.flagged
        return card

    def retrievability(self, row: CardRow, now: datetime) -> float:
        """Probability of recall now (FSRS); 0 for a card never reviewed."""
        if row.last_review is None or row.stability is None:
            return 0.0
        # fsrs reads only `last_review` and `stability`, which CardRow has with the same meaning:
        # skipping the Card copy matters when the queue asks for thousands of cards at once.
        return float(self._fsrs.get_card_retrievability(cast("Card", row), current_datetime=_utc(now)))

    def recall_at(self, now: datetime) -> Callable[[datetime | None, float | None], float]:
        """`retrievability` at `now` as a function of the two values it reads: for ranking thousands
        of cards not built into CardRows, with the per-call checks done once."""
        now = _utc(now)
        recall = self._fsrs.get_card_retrievability

        def at(last_review: datetime | None, stability: float | None) -> float:
            if last_review is None or stability is None:
                return 0.0
            return float(recall(cast("Card", _Recall(last_review, stability)), current_datetime=now))

        return at


class _Recall(NamedTuple):
    last_review: datetime | None
    stability: float | None
