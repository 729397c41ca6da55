"""Grade one response to one question: a verdict, a 0..1 score and a proposed FSRS rating.

Pure functions, no I/O. Every user input (empty, huge, control characters, odd Unicode) yields a
`Grade`; nothing here raises on what a person can type.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from rapidfuzz import fuzz

from quizzer.coderun import RunResult
from quizzer.i18n import _, ngettext
from quizzer.model import AGAIN, EASY, GOOD, HARD, Question
from quizzer.numbers import read_in_unit, slip_hint

THRESHOLD = 90  # fuzz.ratio for a typo: one slip in a 5+ letter word, never a different short term
SHORT_EXACT_LEN = 4  # words this short (GQA, INT4, top-k's k) must match exactly
MAX_CHARS = 10_000  # the session stores no more than this; grading more only costs time
MAX_PICK_CHARS = 500
QUICK_MS: dict[str, int] = {"truefalse": 6_000, "mcq": 12_000, "short": 15_000, "multi": 20_000,
                            "numeric": 45_000}

_TRUE = frozenset({"true", "t", "yes", "y"})
_FALSE = frozenset({"false", "f", "no", "n"})

Response = str | bool | Sequence[str]


@dataclass(frozen=True, slots=True)
class Grade:
    correct: bool  # counts as answered right (a full answer, or one accepted with a typo)
    score: float  # 0..1
    rating: int  # proposed FSRS rating: 1 Again, 2 Hard, 3 Good, 4 Easy
    # "correct", "typo", "partial", "wrong", "self" (open: the user rates), or "unreadable": the input
    # names no choice or number at all, so nothing is recorded and the user is asked again.
    verdict: str
    note: str = ""  # one short sentence for the user
    covered: tuple[bool, ...] = ()  # open only: one flag per key point
    run: RunResult | None = None  # code only: each case's result


_DASHES = str.maketrans(dict.fromkeys("\u2010\u2011\u2012\u2013\u2212", "-"))  # NFKC keeps these apart


def _fold(text: str) -> str:
    """NFKC + casefold, dashes and the minus sign as '-', control and separator characters as plain spaces."""
    text = unicodedata.normalize("NFKC", text[:MAX_CHARS]).casefold().translate(_DASHES)
    return "".join(" " if unicodedata.category(c)[0] in "CZ" else c for c in text)


def normalise(text: str) -> str:
    """Compare-ready text: NFKC, casefolded, punctuation and hyphens dropped, whitespace collapsed."""
    return " ".join("".join(c for c in _fold(text) if not unicodedata.category(c).startswith("P")).split())


def _compact(text: str) -> str:
    return normalise(text).replace(" ", "")  # "paged attention" == "PagedAttention" == "paged-attention"


_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+")


def _tokens(text: str) -> list[str]:
    """Words; a run of Chinese characters (which has no spaces) becomes its character pairs, so that
    "减少键值缓存" and "键值缓存会变小" share 键值, 值缓, 缓存."""
    out: list[str] = []
    for t in re.split(r"[\W_]+", _fold(text)):
        for part in re.split(f"({_CJK.pattern})", t):
            if not part:
                continue
            if _CJK.fullmatch(part):
                out += [part[i:i + 2] for i in range(len(part) - 1)] or [part]
            else:
                out.append(part)
    return out


def parse_truefalse(text: str) -> bool | None:
    """true/false/yes/no/t/f/y/n in any case; None for anything else."""
    word = normalise(text)
    return True if word in _TRUE else False if word in _FALSE else None


def _as_text(response: Response) -> str:
    if isinstance(response, str):
        return response[:MAX_CHARS]
    if isinstance(response, bool):
        return "true" if response else "false"
    return "; ".join(str(r) for r in list(response)[:100])[:MAX_CHARS]


def _rating(verdict: str, qtype: str, duration_ms: int | None) -> int:
    if verdict == "wrong":
        return AGAIN
    if verdict in ("typo", "partial"):
        return HARD
    quick = duration_ms is not None and 0 <= duration_ms <= QUICK_MS.get(qtype, 0)
    return EASY if quick else GOOD


def _graded(q: Question, verdict: str, duration_ms: int | None, note: str = "", score: float | None = None) -> Grade:
    if score is None:
        score = 0.0 if verdict == "wrong" else 1.0
    return Grade(verdict in ("correct", "typo"), score, _rating(verdict, q.type, duration_ms), verdict, note)


def _is_typo(typed: str, expected: str) -> bool:
    """A near miss of `expected` that is a slip, not another term (FlashAttention-3, MQA, top-p, INT8)."""
    a, b = _compact(typed), _compact(expected)
    if re.findall(r"\d+", normalise(typed)) != re.findall(r"\d+", normalise(expected)):
        return False
    if _signs(typed) != _signs(expected):
        return False
    if min(len(a), len(b)) <= SHORT_EXACT_LEN:
        return _swapped(a, b)  # "Hrad" for "Hard"; but GQA is not MQA
    # Short words inside a phrase carry the meaning (the k of top-k, the KV of KV cache): keep them exact, but
    # for two neighbouring letters typed the wrong way round ("C-Eval Hrad").
    short_a = [t for t in _tokens(typed) if len(t) <= SHORT_EXACT_LEN]
    short_b = [t for t in _tokens(expected) if len(t) <= SHORT_EXACT_LEN]
    if any(t not in a and not any(_swapped(t, u) for u in short_a) for t in short_b):
        return False
    if any(t not in b and not any(_swapped(t, u) for u in short_b) for t in short_a):
        return False
    return _swapped(a, b) or fuzz.ratio(a, b) >= THRESHOLD


def _swapped(a: str, b: str) -> bool:
    """`a` is `b` with one pair of neighbouring characters exchanged."""
    if len(a) != len(b) or a == b:
        return False
    diff = [i for i, (x, y) in enumerate(zip(a, b, strict=True)) if x != y]
    return len(diff) == 2 and diff[1] == diff[0] + 1 and a[diff[0]] == b[diff[1]] and a[diff[1]] == b[diff[0]]


# A minus that starts a number (not the hyphen of top-5 or x86-64): dropping punctuation would make -100 equal 100.
_NEGATIVE = re.compile(r"(?<!\w)-\s?(?=\d)")


def _signs(text: str) -> int:
    return len(_NEGATIVE.findall(_fold(text)))


def _same(typed: str, expected: str) -> bool:
    a, b = _compact(typed), _compact(expected)
    if _signs(typed) != _signs(expected):
        return False
    return bool(a) and (a == b or a == b + "s")  # a plural of the whole answer is still the answer


def _match_choice(typed: str, choices: Sequence[str]) -> tuple[int | None, str]:
    """Index of the one choice `typed` names (exactly, or with a typo), else None and why."""
    if typed in choices:
        return choices.index(typed), ""
    if not _compact(typed):
        return None, "No choice was picked."
    exact = [i for i, c in enumerate(choices) if _compact(c) == _compact(typed)]
    if len(exact) == 1:
        return exact[0], ""
    near = exact or [i for i, c in enumerate(choices) if _is_typo(typed, c)]
    if len(near) == 1:
        return near[0], ""
    return None, "That matches more than one choice." if near else "That does not match any choice."


def _unreadable(note: str) -> Grade:
    return Grade(False, 0.0, AGAIN, "unreadable", note)


def _letters(q: Question) -> str:
    return f"A-{'ABCDEFGH'[len(q.choices) - 1]}" if q.choices else "A"


def _grade_mcq(q: Question, response: Response, duration_ms: int | None) -> Grade:
    idx, why = _match_choice(_as_text(response), q.choices)
    if idx is None:
        return _unreadable(f"{why} Answer with a letter {_letters(q)} or a choice's text.")
    return _graded(q, "correct" if q.choices[idx] == q.answer else "wrong", duration_ms)


def _grade_multi(q: Question, response: Response, duration_ms: int | None) -> Grade:
    if isinstance(response, str):
        raw = [p for p in re.split(r"[;\n]", response[:MAX_CHARS]) if p.strip()]
    elif isinstance(response, bool):
        raw = []
    else:
        raw = [str(p) for p in list(response)[:100]]
    picks = list(dict.fromkeys(p[:MAX_PICK_CHARS] for p in raw))  # choices are short; so is matching them
    right = set(q.correct_choices)
    chosen: set[int] = set()
    unmatched = 0
    for p in picks:
        idx, _why = _match_choice(p, q.choices)
        if idx is None:
            unmatched += 1
        else:
            chosen.add(idx)
    if unmatched or not picks:
        return _unreadable(f"Answer with the letters of every right choice ({_letters(q)}, e.g. A,C).")
    hits = sum(1 for i in chosen if q.choices[i] in right)
    misses = len(chosen) - hits
    if not right:
        return _graded(q, "wrong", duration_ms, "This question lists no correct choices.")
    score = max(0.0, (hits - misses) / len(right))
    verdict = "correct" if score == 1 and misses == 0 else "partial" if score > 0 else "wrong"
    note = "" if verdict == "correct" else f"{hits} of {len(right)} correct choices picked, {misses} wrong."
    return _graded(q, verdict, duration_ms, note, score)


def _grade_truefalse(q: Question, response: Response, duration_ms: int | None) -> Grade:
    picked = response if isinstance(response, bool) else parse_truefalse(_as_text(response))
    if picked is None:
        shown = " ".join(_as_text(response).split())[:40]
        return _unreadable(f"Could not read '{shown}' as true or false; answer true or false (t/f, yes/no).")
    expected = q.answer if isinstance(q.answer, bool) else parse_truefalse(str(q.answer))
    return _graded(q, "correct" if picked == expected else "wrong", duration_ms)


def _grade_short(q: Question, response: Response, duration_ms: int | None) -> Grade:
    typed = _as_text(response)
    # The glossary's names of the same concept count too, in either language (全对全 for all-to-all).
    from quizzer.glossary import other_names  # read on first use: start-up does not pay for it

    expected = [str(q.answer), *q.accept]
    expected += other_names(tuple(expected))
    # An answer made only of symbols (GSM8K's "####") vanishes when punctuation is dropped: compare as typed.
    symbols = [e for e in expected if not _compact(e)]
    if symbols and " ".join(typed.split()) in {" ".join(e.split()) for e in symbols}:
        return _graded(q, "correct", duration_ms)
    if not _compact(typed):
        return _unreadable("Type a term or phrase.")
    if any(_same(typed, e) for e in expected):
        return _graded(q, "correct", duration_ms)
    near = [e for e in expected if _is_typo(typed, e)]
    if near:
        best = max(near, key=lambda e: fuzz.ratio(_compact(typed), _compact(e)))
        return _graded(q, "typo", duration_ms, f"Accepted with a typo: the expected spelling is '{best}'.")
    return _graded(q, "wrong", duration_ms)


def _grade_numeric(q: Question, response: Response, duration_ms: int | None) -> Grade:
    answer = q.answer
    if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
        return _graded(q, "wrong", duration_ms, "This question has no numeric answer.")
    reading = read_in_unit(_as_text(response), q.unit)
    if reading.value is None:
        if reading.note.startswith("Could not read"):  # no number at all: ask again; a wrong unit is wrong
            return _unreadable(f"{reading.note} Type a number{', in ' + q.unit if q.unit else ''}.")
        return _graded(q, "wrong", duration_ms, reading.note)
    tol = max(0.0, q.tolerance if math.isfinite(q.tolerance) else 0.0)
    allowed = tol * abs(answer) if answer != 0 else tol
    if abs(reading.value - answer) <= allowed or math.isclose(reading.value, answer, rel_tol=1e-9):
        return _graded(q, "correct", duration_ms, reading.note)
    hint = slip_hint(reading.value, float(answer), q.unit, tol)
    return _graded(q, "wrong", duration_ms, " ".join(n for n in (reading.note, hint) if n))


# Proposed rating from the share of key points covered, chosen on the development part of the labelled set:
# every one is Easy, two thirds is Good, a fifth is Hard, fewer is Again.
OPEN_EASY, OPEN_GOOD, OPEN_HARD = 1.0, 0.65, 0.2


def open_rating(share: float) -> int:
    """The rating proposed for an open answer that covers `share` of the key points."""
    return EASY if share >= OPEN_EASY else GOOD if share >= OPEN_GOOD else HARD if share >= OPEN_HARD else AGAIN


def key_point_versions(q: Question) -> list[tuple[str, ...]]:
    """The key points in each language the question has (the same points in the same order)."""
    versions = [q.key_points]
    other = dict(q.zh).get("key_points") if q.zh else None
    if isinstance(other, tuple) and len(other) == len(q.key_points) and other != q.key_points:
        versions.append(other)
    return versions


def open_marks(q: Question, text: str) -> tuple[tuple[bool, ...], str]:
    """One flag per key point, and a note when the answer only lists terms: naming the terms is not
    making the points, as an interviewer hears it."""
    from quizzer import keypoints  # its dictionary is built on first use: start-up does not pay for it

    if not q.key_points:
        return (), ""
    if keypoints.keyword_salad(text):
        return tuple(False for _point in q.key_points), _("Your answer lists terms without saying how they connect.")
    return keypoints.covered(key_point_versions(q), text), ""


def _grade_open(q: Question, response: Response, self_rating: int | None) -> Grade:
    text = _as_text(response)
    covered, salad = open_marks(q, text)
    score = sum(covered) / len(covered) if covered else 0.0
    note = salad or (ngettext("Your answer seems to cover {n} of {total} key point.",
                              "Your answer seems to cover {n} of {total} key points.", len(covered))
                     .format(n=sum(covered), total=len(covered)) if covered else "")
    if self_rating in (1, 2, 3, 4):
        return Grade(self_rating >= GOOD, score, self_rating, "self", note, covered)
    # A blank answer proposes Again like a miss, so that trying never scores worse than not trying.
    proposal = open_rating(score) if covered else AGAIN
    return Grade(proposal >= GOOD, score, proposal, "self", note, covered)


CODE_QUICK_MS_PER_LEVEL = 5 * 60_000  # a level-2 exercise written in under 10 minutes is Easy


def _grade_code(q: Question, response: Response, duration_ms: int | None) -> Grade:
    """Run the user's code against the cases in the sandbox: all pass is correct, some is partial."""
    from quizzer.coderun import parse_cases, run

    code = _as_text(response)
    if not code.strip():
        return Grade(False, 0.0, AGAIN, "wrong", "No code was given.")
    result = run(code, q.entry, parse_cases(q.cases), q.tolerance, q.time_limit)
    if result.problem or not result.total:
        return Grade(False, 0.0, AGAIN, "wrong", result.problem or "No case ran.", run=result)
    score = result.passed / result.total
    note = f"{result.passed} of {result.total} cases pass."
    if score == 1:
        quick = duration_ms is not None and 0 <= duration_ms <= CODE_QUICK_MS_PER_LEVEL * q.level
        return Grade(True, 1.0, EASY if quick else GOOD, "correct", note, run=result)
    verdict = "partial" if score > 0 else "wrong"
    return Grade(False, score, HARD if score > 0 else AGAIN, verdict, note, run=result)


_GRADERS: dict[str, Callable[[Question, Response, int | None], Grade]] = {
    "mcq": _grade_mcq, "multi": _grade_multi, "truefalse": _grade_truefalse,
    "short": _grade_short, "numeric": _grade_numeric, "code": _grade_code,
}


def grade(question: Question, response: str | bool | Sequence[str], duration_ms: int | None = None,
          self_rating: int | None = None) -> Grade:
    """Grade `response`; `duration_ms` decides Easy vs Good, `self_rating` (1-4) rates open answers."""
    if question.type == "open":
        return _grade_open(question, response, self_rating)
    grader = _GRADERS.get(question.type)
    if grader is None:
        return Grade(False, 0.0, AGAIN, "wrong", f"Unknown question type '{question.type}'.")
    return grader(question, response, duration_ms)
