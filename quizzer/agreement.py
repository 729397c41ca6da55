"""How well the grader of open answers agrees with careful interviewers, on a labelled set of judgments
(tests/data/open-answers.jsonl): key-point precision and recall, the proposed rating exact and within one
step, and whether an empty or evasive answer was ever proposed Good or Easy.

The set is split by question into a development part, which the grader may be tuned on, and a held-out
part, which it must not be: a question's part is fixed by a hash of its id.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from quizzer.model import GOOD, Library, Question

HELD_OUT_PERCENT = 30
# Answers that say nothing of substance: never worth Good or Easy, whatever words they hold.
NEVER_GOOD = frozenset({"blank", "idk", "offtopic", "salad"})


@dataclass(frozen=True, slots=True)
class Judgment:
    id: str
    lang: str  # en, zh or mixed
    kind: str  # strong, paraphrase, partial, wrong, negated, salad, offtopic, idk, blank, long
    answer: str
    covered: tuple[bool, ...]
    rating: int


def load_judgments(path: Path) -> list[Judgment]:
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]
    return [Judgment(r["id"], r["lang"], r["kind"], r["answer"], tuple(r["covered"]), int(r["rating"])) for r in rows]


def held_out(question_id: str) -> bool:
    """Whether a question belongs to the held-out part (about HELD_OUT_PERCENT of questions)."""
    digest = hashlib.sha256(question_id.encode()).digest()
    return int.from_bytes(digest[:4], "big") % 100 < HELD_OUT_PERCENT


@dataclass
class Counts:
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else float("nan")


@dataclass
class Figures:
    n: int = 0
    exact: int = 0
    within_one: int = 0
    never_good_total: int = 0
    never_good_proposed_good: int = 0
    points: dict[str, Counts] = field(default_factory=dict)  # "all", "lang:zh", "kind:partial", ...

    def group(self, name: str) -> Counts:
        return self.points.setdefault(name, Counts())

    @property
    def exact_share(self) -> float:
        return self.exact / self.n if self.n else float("nan")

    @property
    def within_one_share(self) -> float:
        return self.within_one / self.n if self.n else float("nan")


# (question, answer) -> (covered flag per key point, proposed rating)
Grader = Callable[[Question, str], tuple[tuple[bool, ...], int]]


def measure(library: Library, judgments: Iterable[Judgment], grader: Grader) -> dict[str, Figures]:
    """Figures for "all", "dev" and "held-out"."""
    out = {name: Figures() for name in ("all", "dev", "held-out")}
    for j in judgments:
        q = library.get(j.id)
        if q is None:
            raise ValueError(f"judgment for unknown question {j.id}")
        covered, rating = grader(q, j.answer)
        for name in ("all", "held-out" if held_out(j.id) else "dev"):
            f = out[name]
            f.n += 1
            f.exact += rating == j.rating
            f.within_one += abs(rating - j.rating) <= 1
            if j.kind in NEVER_GOOD:
                f.never_good_total += 1
                f.never_good_proposed_good += rating >= GOOD
            for said, truth in zip(covered, j.covered, strict=True):
                for g in ("all", f"lang:{j.lang}", f"kind:{j.kind}"):
                    c = f.group(g)
                    c.tp += said and truth
                    c.fp += said and not truth
                    c.fn += truth and not said
    return out


def report(figures: dict[str, Figures]) -> list[str]:
    """The figures as lines of text, one part after another."""
    lines = []
    for name, f in figures.items():
        lines.append(f"{name}: {f.n} answers; rating exact {f.exact_share:.0%}, within one step "
                     f"{f.within_one_share:.0%}; proposed Good/Easy for blank, I-don't-know, off-topic or keyword "
                     f"salad: {f.never_good_proposed_good} of {f.never_good_total}")
        for g in sorted(f.points, key=lambda g: (g != "all", g)):
            c = f.points[g]
            lines.append(f"  key points {g:<16} precision {c.precision:.2f} recall {c.recall:.2f} "
                         f"({c.tp + c.fn} labelled covered)")
    return lines
