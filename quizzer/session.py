"""One study session, whatever its face (plain text or the TUI): queue -> ask -> grade -> record.

Every answer is committed before the caller shows the next question, so quitting (or a crash)
loses at most the answer being typed.
"""

from __future__ import annotations

import hashlib
import random
import uuid
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta, tzinfo
from typing import Any

from quizzer.formula import FormulaError
from quizzer.grading import Grade
from quizzer.leeches import forget_undone_leech, mark_if_leech
from quizzer.model import AGAIN, Library, ParamValue, Question
from quizzer.params import draw, first_values, with_values
from quizzer.records import LEARNING, REVIEW, CardRow, ReviewRow, new_review_id
from quizzer.scheduler import Scheduler
from quizzer.store import Store
from quizzer.study_queue import LEARN_AHEAD
from quizzer.studyday import day_end, study_day
from quizzer.translation import translated
from quizzer.undo_log import undo_review

Clock = Callable[[], datetime]
MAX_RESPONSE_CHARS = 10_000


@dataclass(frozen=True, slots=True)
class Outcome:
    question: Question
    grade: Grade
    rating: int
    card: CardRow
    review_id: str = ""
    response: str = ""
    new_leech: bool = False  # this answer made the question a leech: it was suspended (say so once)

    @property
    def correct(self) -> bool:
        """Remembered: the review's final rating is not Again. The one meaning of "correct" in quizzer,
        the same that retention counts (a Wrong changed to Good is correct; an open answer rated Hard too)."""
        return self.rating > AGAIN


@dataclass
class Summary:
    kind: str
    answered: int
    correct: int
    seconds: float
    per_category: dict[str, tuple[int, int]]   # category -> (answered, correct)
    weakest_tags: list[tuple[str, int, int]]    # (tag, answered, correct), weakest first
    due_tomorrow: int
    next_due: datetime | None
    to_revisit: list[str] = field(default_factory=list)  # global ids answered wrong

    @property
    def score(self) -> float:
        return self.correct / self.answered if self.answered else 0.0


class Session:
    def __init__(self, library: Library, store: Store, scheduler: Scheduler, clock: Clock, *,
                 kind: str, questions: Sequence[Question], filters: dict[str, Any] | None = None,
                 tz: tzinfo | None = None, rng: random.Random | None = None, requeue: bool = True,
                 lang: str = "en", leech_threshold: int = 8, confidence: bool = False) -> None:
        self.library, self.store, self.scheduler, self.clock = library, store, scheduler, clock
        self.lang = lang  # the language questions are shown in; the queue keeps the originals
        self.kind, self.tz, self.requeue = kind, tz, requeue
        self.leech_threshold = leech_threshold
        self.asks_confidence = confidence  # ask how sure the user is before the answer is checked
        self.id = str(uuid.uuid4())
        # What the numbers of parametrised questions are drawn from: the session, or the caller's seed
        # (read without drawing from it, so that a seed orders questions and choices as it always has).
        self._draw_key = self.id if rng is None else hashlib.sha256(repr(rng.getstate()).encode()).hexdigest()
        self.rng = rng or random.Random()
        self._queue = list(questions)
        self._pending: list[tuple[datetime, Question]] = []  # learning steps that come back later
        self._order: dict[str, list[int]] = {}  # the shuffled order of each question's choices, by index
        self._drawn: dict[str, dict[str, ParamValue]] = {}  # the numbers of a parametrised question on show
        self.outcomes: list[Outcome] = []
        self.skipped: list[Question] = []
        self.started = clock()
        self.asked = 0
        self.planned = len(self._queue)  # a quiz keeps to its count; repeats of missed ones are extra
        self._first_asked: set[str] = set()
        self._seen_before = store.not_new_gids()
        self._last: str | None = None
        self._filters = filters or {}
        self._recorded_start = False

    @property
    def total(self) -> int:
        """Questions in this session so far (grows when learning steps come back)."""
        return self.asked + len(self._queue) + len(self._pending)

    @property
    def position(self) -> int:
        """How many of the planned questions have been asked (repeats not counted)."""
        return len(self._first_asked)

    def is_repeat(self, q: Question) -> bool:
        """Whether `q` comes back because it was missed (or is still in learning) this session."""
        return q.gid in {o.question.gid for o in self.outcomes}

    def remaining(self) -> tuple[int, int, int]:
        """What is left, as Anki counts it: (new, learning, review)."""
        new = sum(1 for q in self._queue if q.gid not in self._seen_before)
        return new, len(self._pending), len(self._queue) - new

    def next(self) -> Question | None:
        now = self.clock()
        self._pending.sort(key=lambda p: p[0])
        ready = bool(self._pending) and self._pending[0][0] <= now
        if ready and not (self._pending[0][1].gid == self._last and self._queue):
            q = self._pending.pop(0)[1]
        elif self._queue:
            index = 1 if self._queue[0].gid == self._last and len(self._queue) > 1 else 0
            q = self._queue.pop(index)
        elif self._pending and self._pending[0][0] <= now + LEARN_AHEAD:
            q = self._pending.pop(0)[1]
        else:
            return None
        self.asked += 1
        self._first_asked.add(q.gid)
        self._last = q.gid
        self._order.pop(q.gid, None)  # asked again: the choices come in a new order
        self._drawn.pop(q.gid, None)  # and a parametrised question with new numbers
        return self.view(q)

    def view(self, q: Question, lang: str | None = None) -> Question:
        """`q` as shown in `lang` (the session's language by default): translated text, the same keys,
        and for a parametrised question the numbers drawn for this asking (the same in either language)."""
        original = self.library.get(q.gid) or q
        shown = translated(original, lang or self.lang)
        if not original.params:
            return shown
        if q.gid not in self._drawn:
            # Seeded by the session and how often the question was answered in it: an undone answer
            # (its outcome taken back) is asked again with the same numbers, a repeat after a miss with new ones.
            answered = sum(1 for o in self.outcomes if o.question.gid == q.gid)
            self._drawn[q.gid] = draw(original, f"{self._draw_key}/{answered}")
        try:
            return with_values(shown, self._drawn[q.gid])
        except FormulaError:  # a combination validation did not sample (past 2,000): the checked example
            self._drawn[q.gid] = first_values(original)
            return with_values(shown, self._drawn[q.gid])

    def choices_for(self, q: Question) -> list[str]:
        """The choices in the shuffled order this session shows them (stable while it is on show, and the
        same order in either language: the order is kept by index)."""
        if q.gid not in self._order:
            order = list(range(len(q.choices)))
            self.rng.shuffle(order)
            self._order[q.gid] = order
        return [q.choices[i] for i in self._order[q.gid]]

    def record(self, q: Question, result: Grade, response: str, duration_ms: int | None,
               rating: int | None = None, confidence: int | None = None) -> Outcome:
        """Commit the review (with the user's rating if they changed the proposed one, and how sure
        they said they were before it was checked)."""
        if not self._recorded_start:
            self.store.start_session(self.id, self.kind, self._filters, self.started)
            self._recorded_start = True
        final = rating if rating in (1, 2, 3, 4) else result.rating
        now = self.clock()
        review = ReviewRow(
            id=new_review_id(now), gid=q.gid, category=q.category, reviewed_at=now,
            day=study_day(now, self.tz).isoformat(), rating=final, score=result.score,
            response=response[:MAX_RESPONSE_CHARS], duration_ms=duration_ms, session_id=self.id,
            content_hash=q.content_hash(), confidence=confidence if confidence in (1, 2, 3) else None,
            params=dict(q.drawn) or None,
        )
        card = self.store.record(
            review, lambda old: self.scheduler.next_card(old, q.gid, q.category, final, now, review.id))
        leech = mark_if_leech(self.store, card, self.leech_threshold, now)
        outcome = Outcome(q, result, final, card, review.id, review.response, leech)
        self.outcomes.append(outcome)
        if self.requeue and not leech and card.state != REVIEW and card.due < day_end(now, self.tz):
            self._pending.append((card.due, self.library.get(q.gid) or q))
        return outcome

    def undo_last(self, current: Question | None = None) -> Outcome | None:
        """Take back the last answer of this session: the review leaves the log (a tombstone stays),
        the card is as it was before, and the question comes next again (then `current`, a question
        on show and unanswered, if given). None if nothing to undo."""
        if not self.outcomes:
            return None
        outcome = self.outcomes.pop()
        gid = outcome.question.gid
        now = self.clock()
        review = next((r for r in reversed(self.store.reviews_of(gid)) if r.id == outcome.review_id), None)
        if review is None:
            return None  # already taken back elsewhere (another process or an import)
        card = undo_review(self.store, review.id, self.scheduler.replay, now)
        forget_undone_leech(self.store, review, card, self.leech_threshold, now)
        self._pending = [p for p in self._pending if p[1].gid != gid]
        self._queue[:0] = [self.library.get(gid) or outcome.question] + (
            [self.library.get(current.gid) or current] if current is not None else [])
        self._last = None
        return outcome

    def skip(self, q: Question) -> None:
        self.skipped.append(q)

    def suspend(self, q: Question) -> None:
        """Stop asking this question (until unsuspended); works for questions never answered."""
        mark(self.store, q, "suspended", True, self.clock())
        self._pending = [p for p in self._pending if p[1].gid != q.gid]

    def flag(self, q: Question) -> None:
        """Mark a question as wrong or unclear so that it can be found and fixed later."""
        mark(self.store, q, "flagged", True, self.clock())

    def finish(self) -> Summary:
        now = self.clock()
        if self._recorded_start:
            self.store.end_session(self.id, now)
        per_cat: dict[str, list[int]] = {}
        tag_seen: Counter[str] = Counter()
        tag_right: Counter[str] = Counter()
        for o in self.outcomes:
            pc = per_cat.setdefault(o.question.category, [0, 0])
            pc[0] += 1
            pc[1] += int(o.correct)
            for t in o.question.tags:
                tag_seen[t] += 1
                tag_right[t] += int(o.correct)
        weakest = sorted(((t, tag_seen[t], tag_right[t]) for t in tag_seen if tag_right[t] < tag_seen[t]),
                         key=lambda x: (x[2] / x[1], -x[1], x[0]))
        tomorrow_end = day_end(now, self.tz) + timedelta(days=1)
        cards = [c for c in self.store.due_cards(tomorrow_end) if c.gid in self.library]
        upcoming = [c.due for c in cards if c.due > now]
        return Summary(
            kind=self.kind, answered=len(self.outcomes), correct=sum(o.correct for o in self.outcomes),
            seconds=(now - self.started).total_seconds(),
            per_category={c: (v[0], v[1]) for c, v in per_cat.items()},
            weakest_tags=weakest[:5], due_tomorrow=len(cards), next_due=min(upcoming) if upcoming else None,
            to_revisit=sorted({o.question.gid for o in self.outcomes if not o.correct}),
        )


def mark(store: Store, q: Question, flag: str, value: bool, now: datetime) -> None:
    """Set `suspended` or `flagged` on a question, making a card for one never answered (it stays new:
    zero reviews)."""
    store.ensure_card(CardRow(q.gid, q.category, LEARNING, 0, None, None, now, None))
    store.set_flag(q.gid, flag, value)


def state_of(card: CardRow | None, due: bool, leech_threshold: int | None = None) -> str:
    """A question's state as the user sees it: new, learning, due or review, then suspended, flagged
    and leech (each shown as a word, never by colour alone)."""
    if card is None or card.reviews == 0:
        words = ["new"]
    else:
        words = ["due" if due else "learning" if card.state != REVIEW else "review"]
    words += [w for w, on in (("suspended", card is not None and card.suspended),
                              ("flagged", card is not None and card.flagged),
                              ("leech", card is not None and leech_threshold is not None
                               and card.lapses >= leech_threshold)) if on]
    return ", ".join(words)
