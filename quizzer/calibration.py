"""Confidence against outcome: how often "sure" answers were right, a Brier score, and the questions
answered wrong while sure (the misconceptions an interviewer would expose, which the queue puts first).

The user says how sure they are before the answer is checked: 1 guess, 2 unsure, 3 sure. For the Brier
score each level stands for a probability of being right: a guess 0.25 (one choice in four), unsure
0.5, sure 0.9 (what "sure" should mean: as often right as FSRS's default target). Right means the
review's rating is not Again, the one meaning of correct in quizzer.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from quizzer.i18n import N_
from quizzer.store import Store

CONFIDENCE = {1: N_("guess"), 2: N_("unsure"), 3: N_("sure")}
PROBABILITY = {1: 0.25, 2: 0.5, 3: 0.9}


def asks_confidence(kind: str, study: Mapping[str, Any]) -> bool:
    """Whether a session of `kind` asks how sure the user is ([study] confidence_in_mock for mock
    interviews, confidence_in_reviews for the rest)."""
    return bool(study.get("confidence_in_mock" if kind == "mock" else "confidence_in_reviews", kind == "mock"))


@dataclass
class Calibration:
    answers: int = 0
    right: int = 0
    by_level: dict[int, list[int]] = field(default_factory=dict)  # confidence -> [answers, right]
    squared_error: float = 0.0

    def add(self, confidence: int, correct: bool, n: int) -> None:
        level = self.by_level.setdefault(confidence, [0, 0])
        level[0] += n
        level[1] += n * correct
        self.answers += n
        self.right += n * correct
        self.squared_error += n * (PROBABILITY[confidence] - correct) ** 2

    @property
    def brier(self) -> float | None:
        """Mean squared gap between the stated confidence and the outcome: 0 is perfect; always
        saying "unsure" scores 0.25."""
        return self.squared_error / self.answers if self.answers else None

    def to_json(self) -> dict[str, Any]:
        return {"answers": self.answers, "right": self.right, "brier": self.brier,
                "by_confidence": {CONFIDENCE[c]: {"answers": n, "right": ok, "rate": ok / n if n else None}
                                  for c, (n, ok) in sorted(self.by_level.items())}}

    def rate(self, confidence: int) -> float | None:
        """How often answers given at this confidence were right."""
        n, right = self.by_level.get(confidence, [0, 0])
        return right / n if n else None


def calibration(store: Store, gids: set[str] | None = None) -> tuple[dict[str, Calibration], Calibration]:
    """Per category and over all, for the reviews that carry a confidence (of `gids`, if given)."""
    per: dict[str, Calibration] = {}
    total = Calibration()
    # Summed in SQLite through the partial index of answers that carry a confidence (m005), in its order.
    rows = store.conn.execute(
        "SELECT gid, category, confidence, rating, 1 FROM reviews WHERE confidence BETWEEN 1 AND 3"
        if gids is not None else
        "SELECT NULL, category, confidence, rating, COUNT(*) FROM reviews WHERE confidence BETWEEN 1 AND 3"
        " GROUP BY confidence, rating, category")
    for gid, category, confidence, rating, n in sorted(rows, key=lambda r: r[1]):
        if gids is not None and gid not in gids:
            continue
        per.setdefault(category, Calibration()).add(confidence, rating > 1, n)
        total.add(confidence, rating > 1, n)
    return dict(sorted(per.items())), total


@dataclass(frozen=True, slots=True)
class SureButWrong:
    gid: str
    at: datetime
    response: str


def confidently_wrong(store: Store, gids: Iterable[str]) -> set[str]:
    """Those of `gids` whose latest answer was given as sure and rated Again."""
    candidates = _ever_sure_but_wrong(store).intersection(gids)
    return {r[0] for r in _sure_but_wrong(store, sorted(candidates))} if candidates else set()


def confidently_wrong_list(store: Store) -> list[SureButWrong]:
    """Every question whose latest answer was sure and wrong, newest first, with the answer given."""
    candidates = sorted(_ever_sure_but_wrong(store))
    out = [SureButWrong(gid, datetime.fromisoformat(at), response)
           for gid, at, response in _sure_but_wrong(store, candidates)] if candidates else []
    return sorted(out, key=lambda x: x.at, reverse=True)


def _ever_sure_but_wrong(store: Store) -> set[str]:
    """Questions answered wrong while sure at least once: one range of the confidence index."""
    return {r[0] for r in store.conn.execute("SELECT DISTINCT gid FROM reviews WHERE confidence = 3 AND rating = 1")}


def _sure_but_wrong(store: Store, gids: list[str]) -> list[tuple[str, str, str]]:
    """Of `gids`, those whose latest review is sure and wrong: a look-up per question through the
    (gid, time) index, named: SQLite would otherwise rather scan the whole log, or the confidence index."""
    return store.conn.execute(
        "SELECT r.gid, r.reviewed_at, r.response FROM (SELECT value AS gid FROM json_each(?)) c"
        " CROSS JOIN reviews r INDEXED BY reviews_gid_time ON r.gid = c.gid"
        " AND r.reviewed_at = (SELECT MAX(reviewed_at) FROM reviews WHERE gid = c.gid)"
        " WHERE r.confidence = 3 AND r.rating = 1", (json.dumps(gids),)).fetchall()
