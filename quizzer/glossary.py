"""The glossary of standard terms (`banks/glossary.yaml`): each concept's English term, its abbreviations
and other English names, and its Chinese terms.

The grader reads it to treat every name of a concept as one word ("GQA", "grouped-query attention" and
"分组查询注意力"), and `quizzer validate` checks it like a bank, with FILE:LINE:COL for each problem. It is
not a bank: discovery sets it aside by its file name, as it does the article catalog.
"""

from __future__ import annotations

import functools
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from quizzer.problems import KeyPath, Problem
from quizzer.schema import Checker, kind_of

GLOSSARY_NAME = "glossary.yaml"
TERM_KEYS = ("en", "also", "zh", "everyday")
MAX_GLOSSARY_BYTES = 2**20  # a few hundred terms take ~30 KB


@dataclass(frozen=True, slots=True)
class Term:
    en: str
    also: tuple[str, ...]
    zh: tuple[str, ...]
    # An everyday word (参数/权重, 评测/评估) rather than a term: its Chinese names are different shades of
    # one meaning and the banks may write any of them, where a term is written one way (see `term_use`).
    everyday: bool = False

    @property
    def names(self) -> tuple[str, ...]:
        """Every name of the concept, the English term first."""
        return (self.en, *self.also, *self.zh)


def name_key(name: str) -> str:
    """How two names are compared for being the same: NFKC, casefolded, words apart whatever separates
    them ("KV-cache" and "kv cache" are one name; "finetuning" and "fine-tuning" are two spellings)."""
    folded = unicodedata.normalize("NFKC", name).casefold()
    return " ".join("".join(c if c.isalnum() else " " for c in folded).split())


def load_glossary(path: Path) -> tuple[tuple[Term, ...], list[Problem]]:
    """The terms of one glossary file, or the problems that keep it from being used."""
    from quizzer.yamlread import Locator, decode, parse  # start-up reads banks from the cache, without YAML

    file = str(path)
    try:
        if path.stat().st_size > MAX_GLOSSARY_BYTES:
            return (), [Problem(file, None, None, f"larger than {MAX_GLOSSARY_BYTES // 2**20} MiB")]
        raw = path.read_bytes()
    except OSError as exc:
        return (), [Problem(file, None, None, f"cannot read: {exc.strerror or exc}")]
    text, problems = decode(file, raw)
    if text is None:
        return (), problems
    data, problems = parse(file, text)
    if problems and data is None:
        return (), problems
    locator = Locator(file, text)
    checker = Checker()
    terms = _terms(checker, data)
    problems += [locator.problem(p, m, key, offset) for p, m, key, offset in checker.found]
    problems = sorted(set(problems), key=lambda p: (p.line or 0, p.col or 0, p.message))
    return (() if problems else terms), problems


def _terms(c: Checker, data: Any) -> tuple[Term, ...]:
    if not isinstance(data, dict) or not isinstance(data.get("terms"), list) or not data["terms"]:
        c.add((), "the glossary must be a mapping with a non-empty 'terms:' list")
        return ()
    c.mapping_keys((), data, ("terms",), ("terms",), "the glossary")
    terms: list[Term] = []
    owner: dict[str, str] = {}  # a name's key -> the concept that has it
    for i, item in enumerate(data["terms"]):
        p: KeyPath = ("terms", i)
        if not isinstance(item, dict):
            c.add(p, f"a term must be a mapping with en, zh and optionally also and everyday, not {kind_of(item)}")
            continue
        if not c.mapping_keys(p, item, TERM_KEYS, ("en", "zh"), "a term"):
            continue
        en = c.text((*p, "en"), item["en"], "en")
        also = c.strings((*p, "also"), item["also"], "also") if "also" in item else ()
        zh = c.strings((*p, "zh"), item["zh"], "zh", min_len=1)
        everyday = item.get("everyday", False)
        if not isinstance(everyday, bool):
            c.add((*p, "everyday"), f"everyday must be true or false, not {kind_of(everyday)}")
            continue
        if en is None or also is None or zh is None:
            continue
        term = Term(en, also, zh, everyday)
        fields = [("en", en)] + [("also", a) for a in also] + [("zh", z) for z in zh]
        for j, (key, name) in enumerate(fields):
            where: KeyPath = (*p, key) if key == "en" else (*p, key, j - 1 if key == "also" else j - 1 - len(also))
            k = name_key(name)
            if not k:
                c.add(where, f"'{name}' has no letters or digits")
            elif k in owner and owner[k] != en:
                c.add(where, f"'{name}' is already a name of '{owner[k]}': one name, one concept")
            elif k in owner:
                c.add(where, f"'{name}' is listed twice for '{en}'")
            else:
                owner[k] = en
        terms.append(term)
    return tuple(terms)


def shipped_glossary_path() -> Path:
    from quizzer.paths import shipped_banks_dir

    return shipped_banks_dir() / GLOSSARY_NAME


@functools.cache
def shipped_terms() -> tuple[Term, ...]:
    """The shipped glossary's terms, read once, on first use (grading an open or short answer), so that
    start-up does not pay for it. A broken glossary (which `quizzer validate` and the tests report) gives
    no terms rather than an error in the middle of a session."""
    terms, _ = load_glossary(shipped_glossary_path())
    return terms


@functools.cache
def _by_name(terms: tuple[Term, ...]) -> dict[str, Term]:
    return {name_key(n): t for t in terms for n in t.names}


def other_names(names: tuple[str, ...], terms: tuple[Term, ...] | None = None) -> tuple[str, ...]:
    """Every name, in either language, of the concepts that `names` name: a short answer's other
    accepted forms ("all-to-all" brings "全对全")."""
    by_name = _by_name(shipped_terms() if terms is None else terms)
    found = [by_name[k] for k in map(name_key, names) if k in by_name]
    return tuple(dict.fromkeys(n for t in found for n in t.names if n not in names))
