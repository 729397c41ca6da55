"""Whether a question's Chinese text writes its concepts the glossary's way.

Two rules, checked field by field (the prompt against the Chinese prompt, each key point against its
Chinese key point, ...):

- **One term per concept.** A term is written as its first Chinese name, a shorter or longer form of that
  name (提示 for 提示词), or an English name. Its other Chinese names are there because users write them
  in answers; the banks do not. Everyday words (`everyday: true`: 参数/权重, 评测/评估) are exempt: their
  names are shades of one meaning, not rival terms.
- **No term lost.** A term named in the English field is named in the Chinese one, in either language.
  Only English names that cannot be everyday words are looked for (several words, a hyphen, or capitals:
  "KV cache", "held-out set", "GQA"), as "mean", "key" or "value" often mean something else.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from quizzer import keypoints
from quizzer.glossary import Term
from quizzer.model import Bank, Question

# An English name that cannot be an everyday word: several words, a hyphen or slash, or a capital.
_SPECIFIC = re.compile(r"[\s\-/]|[A-Z]")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    gid: str  # the question's global id, or a bank's category for its title and description
    field: str  # "prompt", "key_points[2]", ...
    term: str  # the concept's English term
    written: str  # the Chinese name written in its place, or "" where the concept is missing

    def __str__(self) -> str:
        if self.written:
            return f"{self.gid} {self.field}: writes {self.written} for '{self.term}', not the glossary's term"
        return f"{self.gid} {self.field}: '{self.term}' is in the English text but not in the Chinese"


def field_pairs(q: Question) -> Iterator[tuple[str, str, str]]:
    """Each field of the question with its Chinese text: (field, English, Chinese)."""
    zh = dict(q.zh)
    for name in ("prompt", "explanation", "answer"):
        en, z = getattr(q, name), zh.get(name)
        if isinstance(en, str) and isinstance(z, str) and en and z:
            yield name, en, z
    for name in ("choices", "key_points"):
        translated = zh.get(name, ())
        for i, (en, z) in enumerate(zip(getattr(q, name), translated, strict=False)):
            if isinstance(z, str):
                yield f"{name}[{i}]", en, z


def _squeeze(text: str) -> str:
    """Spacing between Chinese and Latin varies ("KV 缓存", "KV缓存"): names are compared without it."""
    return _SPACE.sub("", text).casefold()


@functools.cache
def _chinese_names(terms: tuple[Term, ...]) -> tuple[dict[str, tuple[int, str]], int]:
    """Every Chinese name, squeezed, to its concept and the name as the glossary lists it; and the
    longest name's length."""
    names = {_squeeze(z): (i, z) for i, t in enumerate(terms) for z in t.zh}
    return names, max(map(len, names), default=0)


def _allowed(term: Term, name: str) -> bool:
    first, written = _squeeze(term.zh[0]), _squeeze(name)
    return term.everyday or written in first or first in written


def written_names(text: str, terms: tuple[Term, ...]) -> Iterator[tuple[int, str]]:
    """The Chinese names in the text, longest first at each place (代理奖励 is not 代理), as (concept,
    the name as the glossary lists it)."""
    names, longest = _chinese_names(terms)
    squeezed = _squeeze(text)
    i = 0
    while i < len(squeezed):
        for n in range(min(longest, len(squeezed) - i), 0, -1):
            found = names.get(squeezed[i:i + n])
            if found is not None:
                yield found
                i += n
                break
        else:
            i += 1


@functools.cache
def _specific(terms: tuple[Term, ...]) -> tuple[Term, ...]:
    """The terms with only their specific English names, in the same order (a concept's number is its
    place), so that `keypoints.scan` finds only those."""
    def keep(name: str) -> str:
        return name if _SPECIFIC.search(name) else ""

    return tuple(Term("" if t.everyday else keep(t.en),
                      () if t.everyday else tuple(filter(None, map(keep, t.also))), ()) for t in terms)


def _concepts(text: str, terms: tuple[Term, ...]) -> set[int]:
    unit = keypoints.CONCEPT
    return {int(u[len(unit):]) for u, _ in keypoints.scan(text, terms=terms) if u.startswith(unit)}


def _named(text: str, terms: tuple[Term, ...]) -> set[int]:
    """The concepts the Chinese text names: by a name read as a word, or by a Chinese name anywhere, even
    inside a longer one (全参数微调 names 微调 too)."""
    squeezed = _squeeze(text)
    return _concepts(text, terms) | {i for i, t in enumerate(terms) if any(_squeeze(z) in squeezed for z in t.zh)}


def bank_pairs(bank: Bank) -> Iterator[tuple[str, str, str]]:
    """A bank's title and description with their Chinese text, as `field_pairs` gives a question's."""
    for name, en, zh in (("title", bank.title, bank.zh_title), ("description", bank.description, bank.zh_description)):
        if en and zh:
            yield name, en, zh


def findings(q: Question, terms: tuple[Term, ...]) -> list[Finding]:
    """Where the question's Chinese text breaks either rule."""
    return pair_findings(q.gid, field_pairs(q), terms)


def pair_findings(where: str, pairs: Iterable[tuple[str, str, str]], terms: tuple[Term, ...]) -> list[Finding]:
    """Where the Chinese of (field, English, Chinese) pairs breaks either rule; `where` names their owner
    (a question's global id, a bank's category)."""
    found: set[Finding] = set()
    for field, en, zh in pairs:
        # A bank's text is wrapped by hand: a name may run over a line break ("LLM\njudge").
        en, zh = en.replace("\n", " "), zh.replace("\n", " ")
        for concept, name in written_names(zh, terms):
            if not _allowed(terms[concept], name):
                found.add(Finding(where, field, terms[concept].en, name))
        missing = _concepts(en, _specific(terms)) - _named(zh, terms)
        found.update(Finding(where, field, terms[c].en, "") for c in missing)
    return sorted(found)
