"""Which key points an open answer covers: words and concepts, not characters.

Text becomes a list of units: a glossary concept (every name of it, in English or Chinese, is the same
unit, found by longest match over words and Chinese characters), an English word cut to its stem
("shards", "sharded", "sharding" are one), or a pair of neighbouring Chinese characters left over after
the concepts are taken out. A key point is covered when the answer holds enough of its units (a share
chosen on the labelled set, see docs/grading.md), and not mostly just after a negation ("does not shard
parameters", "不需要切分"). A point may be written in both languages; either one covered is enough.

Pure functions over text; the glossary's dictionary is built once, on first use.
"""

from __future__ import annotations

import functools
import itertools
import math
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz, process

from quizzer.glossary import Term, shipped_terms

MAX_CHARS = 10_000
WORD_MATCH = 80  # fuzz.ratio for a slip in one long word of a key point ("saturates" ~ "saturate")
STOP_WORDS = frozenset("""
    a an and are as at be been being by can do does each every for from has have how if in into is it its
    more of on one or per same so such than that the their them then there these they this those to
    use used uses using via was we were what when where which while who why will with you your also just
    about only all any both would should could may might must our out up over
    """.split())
# Characters that carry grammar rather than meaning in Chinese; a pair holding one says little.
CJK_FUNCTION = frozenset("的了是在和与及就也都把被个这那会有或而并让")
# Words and characters that deny what follows them in their clause.
NEGATIONS = frozenset("""
    not no never none nor neither cannot without isn doesn don didn aren wasn weren won shouldn hasn haven
    can't won't don't doesn't isn't
    """.split())
CJK_NEGATIONS = frozenset("不没无未非")
NOT_NEGATING = frozenset("同断仅少过论管但来常久错止")  # 不同 (different), 无论 (whatever), 未来 (future), ...
NEGATION_SCOPE = 3
CJK_NEGATIVE_VERBS = ("避免", "防止", "省去", "省掉", "而不是", "代替", "取代", "去掉")
_CLAUSE = re.compile(r"[.;:!?。；：！？\n]|,\s*(?:but|however|whereas)\b|，\s*(?:但|而|不过)|(?<=[a-z]),\s")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORD = re.compile(r"[a-z0-9]+|[\u3400-\u9fff\uf900-\ufaff]")
_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2014\u2212", "-"))
CONCEPT = "\x00"  # starts a concept's unit, which no typed word can


@dataclass(frozen=True, slots=True)
class Options:
    """The matcher's parts, each of which can be switched off to measure what it earns (bench/)."""

    glossary: bool = True
    stem: bool = True
    negation: bool = True
    segment: bool = True  # concepts found inside runs of Chinese characters
    # The share of a key point's units the answer must hold, chosen on the development part of the labelled
    # set (see docs/grading.md): words and concepts at `threshold`, Chinese character pairs at `threshold_cjk`.
    threshold: float = 0.35
    threshold_cjk: float = 0.15


DEFAULT = Options()


def fold(text: str) -> str:
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold().translate(_DASHES)
    return text.replace("’", "'")


def stem(word: str) -> str:
    """A light English stemmer: plural and verb endings off, so the forms of one word meet
    (attention ~ attend is left to the fuzzy match)."""
    if len(word) <= 3 or not word.isalpha():
        return word
    for suffix, keep in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", ""), ("s", ""),
                         ("ly", "")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            if suffix == "s" and word.endswith(("ss", "us", "is")):
                break
            word = word[: -len(suffix)] + keep
            break
    if len(word) > 4 and word.endswith("e"):
        word = word[:-1]
    if len(word) > 4 and word[-1] == word[-2] and word[-1] not in "lsz":
        word = word[:-1]  # "shard-ing" ~ "shard", "stopp-ed" ~ "stop"
    return word


# Words that negate by their meaning; a key point holding one may be made with "not" ("avoids recomputing").
NEGATIVE_VERBS = frozenset(stem(w) for w in "avoid prevent instead rather skip lack eliminate stop drop remove".split())


def _words(text: str, options: Options) -> list[str]:
    words = _WORD.findall(fold(text))
    if not options.stem:
        return words
    return [w if w in STOP_WORDS or w in NEGATIONS else stem(w) for w in words]


@dataclass(frozen=True, slots=True)
class _Dictionary:
    names: dict[tuple[str, ...], int]  # a name's words (Chinese characters one by one) -> concept
    longest: dict[str, int]  # a first word -> the longest name that starts with it


@functools.cache
def _dictionary(terms: tuple[Term, ...], options: Options) -> _Dictionary:
    names: dict[tuple[str, ...], int] = {}
    longest: dict[str, int] = {}
    for i, term in enumerate(terms):
        for name in term.names:
            words = tuple(_words(name, options))
            if words and words not in names:
                names[words] = i
                longest[words[0]] = max(longest.get(words[0], 0), len(words))
    return _Dictionary(names, longest)


def scan(text: str, options: Options = DEFAULT, terms: tuple[Term, ...] | None = None) -> list[tuple[str, bool]]:
    """The text's units in order, each with whether a negation in its clause governs it: the
    NEGATION_SCOPE units after "not", "no", "without", 不, 没, 无, ... ("does not shard parameters")."""
    if terms is None:
        terms = shipped_terms() if options.glossary else ()
    d = _dictionary(terms, options)
    out: list[tuple[str, bool]] = []
    for clause in _CLAUSE.split(fold(text)):
        _clause_units(_words(clause, options), d, options, out)
    return out


def units(text: str, options: Options = DEFAULT) -> list[str]:
    return [u for u, _ in scan(text, options)]


@functools.lru_cache(maxsize=8192)
def _point_units(point: str, options: Options) -> tuple[str, ...]:
    """A key point's distinct units: key points come back with every answer to their question."""
    return tuple(dict.fromkeys(units(point, options)))


def _clause_units(words: list[str], d: _Dictionary, options: Options, out: list[tuple[str, bool]]) -> None:
    run: list[str] = []  # Chinese characters not taken by a concept, in order
    scope = 0  # how many more units a negation governs

    def emit(unit: str) -> None:
        nonlocal scope
        out.append((unit, scope > 0))
        scope = max(0, scope - 1)

    def flush() -> None:
        if len(run) == 1 and run[0] not in CJK_FUNCTION:
            emit(run[0])
        for a, b in itertools.pairwise(run):
            if not (a in CJK_FUNCTION or b in CJK_FUNCTION):
                emit(a + b)
        run.clear()

    i = 0
    while i < len(words):
        w = words[i]
        cjk = bool(_CJK_CHAR.match(w))
        if w in NEGATIONS or (cjk and w in CJK_NEGATIONS and (i + 1 == len(words) or words[i + 1] not in NOT_NEGATING)):
            flush()
            scope = NEGATION_SCOPE if options.negation else 0
            i += 1
            continue
        size = d.longest.get(w, 0) if (options.segment or not cjk) else 0
        for n in range(min(size, len(words) - i), 0, -1):
            concept = d.names.get(tuple(words[i:i + n]))
            if concept is not None and (options.segment or not any(_CJK_CHAR.match(x) for x in words[i:i + n])):
                flush()
                emit(f"{CONCEPT}{concept}")
                i += n
                break
        else:
            if cjk:
                run.append(w)
            else:
                flush()
                if (len(w) > 1 or w.isdigit()) and w not in STOP_WORDS:
                    emit(w)
            i += 1
    flush()


def denies(text: str) -> bool:
    """Whether the text negates anything, with a negation or a verb that means one ("avoids recomputing"
    is what "does not recompute" says)."""
    folded = fold(text)
    words = _WORD.findall(folded)
    return any(w in NEGATIONS or stem(w) in NEGATIVE_VERBS or (w in CJK_NEGATIONS and nxt not in NOT_NEGATING)
               for w, nxt in zip(words, [*words[1:], ""], strict=True)) or any(v in folded for v in CJK_NEGATIVE_VERBS)


@dataclass(frozen=True, slots=True)
class Answer:
    """An answer's units: every one it holds, and those it holds only where a negation governs them."""

    said: frozenset[str]
    denied: frozenset[str]
    words: tuple[str, ...]  # its English words, the only units a slip of spelling can reach
    by_prefix: dict[str, list[str]]


def read_answer(text: str, options: Options = DEFAULT) -> Answer:
    found = scan(text, options)
    plain = {u for u, negated in found if not negated}  # said without a negation at least once
    denied = {u for u, negated in found if negated} - plain
    words = tuple(w for w in plain | denied if not w.startswith(CONCEPT) and not _CJK_CHAR.match(w))
    by_prefix: dict[str, list[str]] = {}
    for w in words:
        by_prefix.setdefault(w[:4], []).append(w)
    return Answer(frozenset(plain | denied), frozenset(denied), words, by_prefix)


def _present(unit: str, answer: Answer) -> bool:
    if unit in answer.said:
        return True
    if unit.startswith(CONCEPT) or len(unit) <= 3 or _CJK_CHAR.match(unit) or any(c.isdigit() for c in unit):
        return False  # kv, gpu, fp16 and concepts match exactly
    if process.extractOne(unit, answer.words, scorer=fuzz.ratio, score_cutoff=WORD_MATCH) is not None:
        return True
    for other in answer.by_prefix.get(unit[:4], []):
        common = len(_common_prefix(unit, other))
        if common >= max(4, math.ceil(0.75 * min(len(unit), len(other)))):
            return True
    return False


def _common_prefix(a: str, b: str) -> str:
    n = 0
    while n < min(len(a), len(b)) and a[n] == b[n]:
        n += 1
    return a[:n]


def point_score(point: str, answer: Answer, options: Options = DEFAULT) -> float:
    """The share of the key point's units that the answer says; 0 for a point the answer denies
    (most of its units appear only in clauses that deny them) while the point itself does not deny."""
    content = _point_units(point, options)
    if not content:
        return 0.0
    got = [u for u in content if _present(u, answer)]
    if options.negation and answer.denied and not denies(point):
        lost = sum(u in answer.denied for u in got)
        if lost * 2 >= len(got):
            return 0.0
    return len(got) / len(content)


def clear_caches() -> None:
    """Forget the key points read so far (for measuring the first answer to a question)."""
    _point_units.cache_clear()


def scores(points: Sequence[str], text: str, options: Options = DEFAULT) -> tuple[float, ...]:
    """One score per key point, 0..1 (compare with `needed`)."""
    answer = read_answer(text, options)
    return tuple(point_score(p, answer, options) for p in points)


def needed(point: str, options: Options = DEFAULT) -> float:
    """The score a key point needs: its words and concepts at `threshold`, its Chinese character pairs
    (which paraphrase breaks up more than words) at `threshold_cjk`, in proportion."""
    content = _point_units(point, options)
    if not content:
        return 1.0
    pairs = sum(bool(_CJK_CHAR.match(u)) for u in content)
    return (options.threshold_cjk * pairs + options.threshold * (len(content) - pairs)) / len(content)


def covered(versions: Sequence[Sequence[str]], text: str, options: Options = DEFAULT) -> tuple[bool, ...]:
    """One flag per key point; `versions` are the same points in each language (the same count, in the
    same order), and a point made in any of them counts: answers come in English, Chinese or both."""
    if not versions or not text.strip():
        return tuple(False for _ in (versions[0] if versions else ()))
    answer = read_answer(text, options)
    flags = [False] * len(versions[0])
    for points in versions:
        for i, p in enumerate(points):
            flags[i] = flags[i] or point_score(p, answer, options) >= needed(p, options)
    return tuple(flags)


_LIST_SEPARATORS = re.compile(r"[,，、/;；|\n]+|\s[-+→]+\s")
_SENTENCE_END = re.compile(r"(?:[a-z]{3}|[\u3400-\u9fff])[.。!?！？](?:\s|$)")  # not "Dr." or "e.g."


def keyword_salad(text: str) -> bool:
    """Terms listed with nothing that connects them ("tiling, SRAM, HBM, online softmax"): four or more
    items of two or three words on average, nearly all of three words or fewer and none longer than five,
    at most one holding a connecting word ("is", "of", "to", 的, 是, ...), and no sentence. Naming the terms
    is not explaining them; terse statements ("shard the optimizer states, ...") are not a salad.
    (Two Chinese characters count as a word.)"""
    folded = fold(text).strip()
    items = [i for i in _LIST_SEPARATORS.split(folded) if i.strip()]
    if len(items) < 4 or _SENTENCE_END.search(folded[:-1]):
        return False
    sizes = [len(re.findall(r"[a-z0-9]+", i)) + len(_CJK_CHAR.findall(i)) / 2 for i in items]
    connected = sum(any(w in STOP_WORDS or w in NEGATIONS for w in re.findall(r"[a-z]+", i))
                    or any(c in CJK_FUNCTION for c in i) for i in items)
    return (max(sizes) <= 5 and sum(sizes) <= 2.5 * len(items) and sum(n <= 3 for n in sizes) >= 0.8 * len(items)
            and connected <= 1)
