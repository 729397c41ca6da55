"""The core data model: categories, question types, questions, banks and the article catalog.

Everything here is immutable and free of I/O so that every other module can share it.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field
from typing import Protocol

from quizzer.i18n import N_
from quizzer.numbers import answer_number

CATEGORIES: tuple[str, ...] = (
    "base",
    "algorithm",
    "training",
    "fine-tuning",
    "eval",
    "compression",
    "inference",
    "applications",
)

QUESTION_TYPES: tuple[str, ...] = ("open", "mcq", "multi", "truefalse", "short", "numeric", "code")
AUTO_GRADED: frozenset[str] = frozenset({"mcq", "multi", "truefalse", "short", "numeric", "code"})
LEVELS: Mapping[int, str] = {1: N_("junior"), 2: N_("mid"), 3: N_("senior")}  # shown through _()
DEFAULT_TOLERANCE = 0.02
CODE_TOLERANCE = 1e-6  # floats a solution returns, absolute or relative
CODE_TIME_LIMIT = 5.0  # seconds for all of a code question's cases
AGAIN, HARD, GOOD, EASY = 1, 2, 3, 4  # the ratings a review records, numbered as fsrs.Rating

Answer = str | bool | float | tuple[str, ...]
ParamValue = int | float
# A translation of a question's text fields, as sorted (field, text) pairs: plain tuples so that
# the bank cache can marshal it and questions stay hashable.
Translation = tuple[tuple[str, str | tuple[str, ...]], ...]
# What json.dumps(ensure_ascii=False, sort_keys=True) builds on each call, built once: the content
# hashes of every loaded question go through it.
_HASH_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)


@dataclass(frozen=True, slots=True)
class Question:
    """One question as loaded from a bank; `gid` (`<category>/<id>`) keys all progress."""

    category: str
    id: str
    type: str
    level: int
    prompt: str
    answer: Answer
    explanation: str
    refs: tuple[str, ...]
    choices: tuple[str, ...] = ()
    accept: tuple[str, ...] = ()
    tolerance: float = DEFAULT_TOLERANCE
    unit: str | None = None
    key_points: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    zh: Translation = ()
    # A `code` question: the function to define, the editor's first text, the cases as JSON text
    # (data only, compared by `coderun`) and the time for all of them.
    entry: str = ""
    starter: str = ""
    cases: str = ""
    time_limit: float = CODE_TIME_LIMIT
    # A parametrised `numeric` question: each param's values, in bank order, and the formula of its
    # answer (see `params`). Its `answer` is then the first values' answer, the fixed example that
    # `show` and the export print; `drawn` holds the values of one asking (empty on a bank's question).
    params: tuple[tuple[str, tuple[ParamValue, ...]], ...] = ()
    formula: str = ""
    drawn: tuple[tuple[str, ParamValue], ...] = ()
    # Kept, not derived on each use: queue, stats and search look it up for every question.
    gid: str = field(init=False, repr=False, compare=False)
    # The content hash recorded with each review: worked out once per load (and kept in the bank
    # cache) rather than on every answer. Given only by the cache.
    fingerprint: str = field(default="", repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "gid", f"{self.category}/{self.id}")
        if not self.fingerprint:
            object.__setattr__(self, "fingerprint", self._content_digest())

    @property
    def correct_choices(self) -> tuple[str, ...]:
        """The correct choice texts of an `mcq` or `multi` question (empty for other types)."""
        if self.type == "mcq" and isinstance(self.answer, str):
            return (self.answer,)
        if self.type == "multi" and isinstance(self.answer, tuple):
            return self.answer
        return ()

    def answer_text(self) -> str:
        """The answer as a person would write it."""
        a = self.answer
        if isinstance(a, bool):
            return "true" if a else "false"
        if isinstance(a, tuple):
            return "; ".join(a)
        if isinstance(a, float):
            text = answer_number(a, self.tolerance) if self.formula else f"{a:g}"
            return f"{text} {self.unit}" if self.unit else text
        return a

    def content_hash(self) -> str:
        """A short hash of what the user is asked and told, recorded with each review."""
        return self.fingerprint

    def _content_digest(self) -> str:
        fields_: list[object] = [self.type, self.prompt, self.answer, self.choices, self.accept,
                                 self.tolerance, self.unit, self.key_points, self.explanation]
        if self.zh:  # only then, so that adding the field left every earlier hash as it was
            fields_.append(self.zh)
        if self.params:
            fields_ += [self.params, self.formula]
        if self.type == "code":
            fields_ += [self.entry, self.starter, self.cases, self.time_limit]
        payload = _HASH_JSON.encode(fields_)
        return hashlib.sha256(payload.encode("utf-8")).hexdigest()[:16]


@dataclass(frozen=True, slots=True)
class Article:
    id: str
    title: str
    url: str
    category: str


@dataclass(frozen=True, slots=True)
class Bank:
    """One bank file: the questions of one category."""

    category: str
    title: str
    description: str
    questions: tuple[Question, ...]
    path: str
    zh_title: str = ""  # the title and description in Chinese, where the bank gives them
    zh_description: str = ""




class Counted(Protocol):
    """What counting progress needs of the banks: a `Library`, or a `QuestionIndex` read from the
    bank cache without building the questions."""

    def __contains__(self, gid: object) -> bool: ...

    def gids(self) -> AbstractSet[str]: ...

    def category_sizes(self) -> dict[str, int]: ...


@dataclass(frozen=True)
class QuestionIndex:
    """The global ids of the banks' questions by category, and nothing else of them."""

    gids_by_category: Mapping[str, tuple[str, ...]]
    _gids: frozenset[str] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_gids", frozenset(g for gids in self.gids_by_category.values() for g in gids))

    def __contains__(self, gid: object) -> bool:
        return gid in self._gids

    def __len__(self) -> int:
        return len(self._gids)

    def gids(self) -> AbstractSet[str]:
        return self._gids

    def category_sizes(self) -> dict[str, int]:
        return {c: len(self.gids_by_category[c]) for c in CATEGORIES if c in self.gids_by_category}


@dataclass(frozen=True)
class Library:
    """All loaded banks plus the article catalog that their refs resolve against."""

    banks: tuple[Bank, ...]
    articles: Mapping[str, Article] = field(default_factory=dict)
    _by_gid: dict[str, Question] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for bank in self.banks:
            for q in bank.questions:
                self._by_gid[q.gid] = q

    def __len__(self) -> int:
        return len(self._by_gid)

    def __contains__(self, gid: object) -> bool:
        """Whether a global id names a question in these banks."""
        return gid in self._by_gid

    def gids(self) -> AbstractSet[str]:
        return self._by_gid.keys()

    def __iter__(self) -> Iterator[Question]:
        """Questions in category order, then file order."""
        for bank in self.ordered_banks():
            yield from bank.questions

    def ordered_banks(self) -> list[Bank]:
        order = {c: i for i, c in enumerate(CATEGORIES)}
        return sorted(self.banks, key=lambda b: (order.get(b.category, len(order)), b.path))

    def get(self, gid: str) -> Question | None:
        return self._by_gid.get(gid)

    def in_category(self, category: str) -> list[Question]:
        return [q for q in self if q.category == category]

    def categories(self) -> list[str]:
        present = {b.category for b in self.banks}
        return [c for c in CATEGORIES if c in present]

    def category_sizes(self) -> dict[str, int]:
        """category -> its number of questions, in category order."""
        sizes = dict.fromkeys(self.categories(), 0)
        for bank in self.banks:
            sizes[bank.category] += len(bank.questions)
        return sizes

    def title_of(self, category: str, lang: str = "en") -> str:
        """The bank's title in `lang` where it has one, else in English."""
        for bank in self.ordered_banks():
            if bank.category == category:
                return bank.zh_title if lang == "zh" and bank.zh_title else bank.title
        return category

    def ref_link(self, ref: str) -> tuple[str, str]:
        """(title, url) for a ref: an article id from the catalog, or a URL as its own title."""
        article = self.articles.get(ref)
        if article is not None:
            return article.title, article.url
        return ref, ref
