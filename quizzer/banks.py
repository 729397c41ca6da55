"""Load and validate question banks (format v1) and the article catalog.

Validation works on plain data from the fast parser; positions are looked up only for the
problems found (see `yamlread.Locator`). Every problem a user can cause comes back as a
`Problem`; nothing here raises on bad input.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from quizzer.bankcache import BankCache, catalog_key
from quizzer.model import (
    CATEGORIES,
    DEFAULT_TOLERANCE,
    QUESTION_TYPES,
    Article,
    Bank,
    Library,
    Question,
)
from quizzer.problems import KeyPath, Problem

if TYPE_CHECKING:
    from quizzer.yamlread import Locator

CATALOG_NAME = "articles.yaml"
SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
# C0 controls except tab and newline, DEL and C1: they can move the cursor or rewrite a terminal.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
URL = re.compile(r"^https://[^\s<>\"]+$")

TOP_KEYS = ("category", "title", "description", "questions")
TOP_REQUIRED = ("category", "title", "questions")
COMMON_KEYS = ("id", "type", "level", "prompt", "answer", "explanation", "refs", "tags")
REQUIRED_KEYS = ("id", "type", "level", "prompt", "answer", "explanation", "refs")
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "open": ("key_points",),
    "mcq": ("choices",),
    "multi": ("choices",),
    "truefalse": (),
    "short": ("accept",),
    "numeric": ("tolerance", "unit"),
}
ALL_QUESTION_KEYS = COMMON_KEYS + tuple(sorted({k for ks in TYPE_KEYS.values() for k in ks}))
ARTICLE_KEYS = ("id", "title", "url", "category")


class BanksInvalid(Exception):
    """Raised by `load_library` when the banks have problems."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(f"{len(problems)} problem(s) in the banks")
        self.problems = problems


@dataclass
class _Checker:
    """Collects (path, message) problems for one file; positions are resolved at the end."""

    found: list[tuple[KeyPath, str, bool]] = field(default_factory=list)
    may_hold_controls: bool = True

    def add(self, path: KeyPath, message: str, key: bool = False) -> None:
        self.found.append((path, message, key))

    def text(self, path: KeyPath, value: Any, what: str, required: bool = True) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"{what} must be a string, not {_kind(value)}")
            return None
        if required and not value.strip():
            self.add(path, f"{what} must not be empty")
            return None
        if self.may_hold_controls and (bad := CONTROL.search(value)):
            self.add(path, f"{what} contains a control character (\\x{ord(bad.group()):02x})")
            return None
        return value

    def strings(self, path: KeyPath, value: Any, what: str, min_len: int = 0) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.add(path, f"{what} must be a list of strings, not {_kind(value)}")
            return None
        if len(value) < min_len:
            self.add(path, f"{what} needs at least {min_len} item(s)")
            return None
        if not self.may_hold_controls and all(type(v) is str and v.strip() for v in value):
            return tuple(value)  # the common case, without a call per item
        out = [self.text((*path, i), v, f"{what} item") for i, v in enumerate(value)]
        if any(v is None for v in out):
            return None
        return tuple(v for v in out if v is not None)

    def mapping_keys(self, path: KeyPath, data: dict[Any, Any], allowed: Sequence[str],
                     required: Sequence[str], where: str) -> bool:
        ok = True
        for key in data:
            if not isinstance(key, str):
                self.add((*path, str(key)), f"key {key!r} in {where} is not a string", key=True)
                ok = False
            elif key not in allowed:
                hint = difflib.get_close_matches(key, allowed, n=1)
                tip = f" (did you mean '{hint[0]}'?)" if hint else ""
                self.add((*path, key), f"unknown key '{key}' in {where}{tip}", key=True)
                ok = False
        for key in required:
            if key not in data:
                self.add(path, f"{where} is missing required key '{key}'")
                ok = False
        return ok


def _kind(value: Any) -> str:
    if value is None:
        return "empty"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def _read(path: Path) -> tuple[Any, Locator | None, list[Problem]]:
    from quizzer.yamlread import Locator, decode, parse  # not needed when the bank cache answers

    file = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        return None, None, [Problem(file, None, None, "no such file")]
    except IsADirectoryError:
        return None, None, [Problem(file, None, None, "is a directory, not a bank file")]
    except OSError as exc:
        return None, None, [Problem(file, None, None, f"cannot read: {exc.strerror or exc}")]
    text, problems = decode(file, raw)
    if text is None:
        return None, None, problems
    if not text.strip():
        return None, None, [Problem(file, 1, 1, "empty file")]
    data, problems = parse(file, text)
    return data, Locator(file, text), problems


def _checker(locator: Locator) -> _Checker:
    # The YAML reader refuses raw control characters, so only a backslash escape in a
    # double-quoted scalar can produce one; without a backslash the per-string scan is skipped.
    return _Checker(may_hold_controls="\\" in locator.text)


def _finish(locator: Locator, checker: _Checker, problems: list[Problem]) -> list[Problem]:
    problems = problems + [locator.problem(p, m, key) for p, m, key in checker.found]
    return sorted(set(problems), key=lambda p: (p.line or 0, p.col or 0, p.message))


def load_catalog(path: Path) -> tuple[dict[str, Article], list[Problem]]:
    data, locator, problems = _read(path)
    if locator is None or (data is None and problems):
        return {}, problems
    c = _checker(locator)
    articles: dict[str, Article] = {}
    if not isinstance(data, dict) or not isinstance(data.get("articles"), list):
        c.add((), "the catalog must be a mapping with an 'articles:' list")
        return {}, _finish(locator, c, problems)
    c.mapping_keys((), data, ("articles",), ("articles",), "the catalog")
    for i, item in enumerate(data["articles"]):
        p: KeyPath = ("articles", i)
        if not isinstance(item, dict):
            c.add(p, f"an article must be a mapping, not {_kind(item)}")
            continue
        if not c.mapping_keys(p, item, ARTICLE_KEYS, ARTICLE_KEYS, "an article"):
            continue
        aid, title = c.text((*p, "id"), item["id"], "id"), c.text((*p, "title"), item["title"], "title")
        url, cat = c.text((*p, "url"), item["url"], "url"), c.text((*p, "category"), item["category"], "category")
        if aid is not None and not SLUG.match(aid):
            c.add((*p, "id"), f"article id '{aid}' is not a slug (lowercase words joined by '-')")
        elif aid in articles:
            c.add((*p, "id"), f"duplicate article id '{aid}'")
        if url is not None and not re.match(r"^https?://\S+$", url):
            c.add((*p, "url"), f"url '{url}' is not an http(s) URL")
        if cat is not None and cat not in CATEGORIES:
            c.add((*p, "category"), f"unknown category '{cat}' (one of: {', '.join(CATEGORIES)})")
        if aid and title and url and cat:
            articles[aid] = Article(aid, title, url, cat)
    return articles, _finish(locator, c, problems)


def load_bank(path: Path, articles: dict[str, Article]) -> tuple[Bank | None, list[Problem]]:
    """Read and validate one bank file against the given catalog."""
    data, locator, problems = _read(path)
    if locator is None or (data is None and problems):
        return None, problems
    c = _checker(locator)
    if data is None:
        empty = Problem(str(path), 1, 1, "empty file: expected a mapping with category, title and questions")
        return None, [*problems, empty]
    if not isinstance(data, dict):
        c.add((), f"the top level must be a mapping with category, title and questions, not {_kind(data)}")
        return None, _finish(locator, c, problems)
    c.mapping_keys((), data, TOP_KEYS, TOP_REQUIRED, "the bank")
    category = data.get("category")
    if "category" in data and c.text(("category",), category, "category") is not None \
            and category not in CATEGORIES:
        c.add(("category",), f"unknown category '{category}' (one of: {', '.join(CATEGORIES)})")
        category = None
    title = c.text(("title",), data.get("title"), "title") if "title" in data else None
    description = data.get("description", "")
    if "description" in data:
        description = c.text(("description",), description, "description") or ""
    questions: list[Question] = []
    raw_questions = data.get("questions")
    if "questions" in data and (not isinstance(raw_questions, list) or not raw_questions):
        c.add(("questions",), "questions must be a non-empty list")
    elif isinstance(raw_questions, list):
        seen: dict[str, int] = {}
        for i, item in enumerate(raw_questions):
            q = _question(c, ("questions", i), item, str(category or ""), articles)
            qid = item.get("id") if isinstance(item, dict) else None
            if isinstance(qid, str) and qid in seen:
                c.add(("questions", i, "id"), f"duplicate id '{qid}' (first used by question {seen[qid] + 1})")
            elif isinstance(qid, str):
                seen[qid] = i
            if q is not None:
                questions.append(q)
    problems = _finish(locator, c, problems)
    if problems or not isinstance(category, str) or title is None:
        return None, problems
    return Bank(category, title, str(description), tuple(questions), str(path)), []


def _question(c: _Checker, p: KeyPath, item: Any, category: str,
              articles: dict[str, Article]) -> Question | None:
    if not isinstance(item, dict):
        c.add(p, f"a question must be a mapping, not {_kind(item)}")
        return None
    before = len(c.found)
    c.mapping_keys(p, item, ALL_QUESTION_KEYS, REQUIRED_KEYS, "a question")
    qid = c.text((*p, "id"), item["id"], "id") if "id" in item else None
    if qid is not None and not SLUG.match(qid):
        c.add((*p, "id"), f"id '{qid}' is not a slug (lowercase letters and digits joined by '-')")
    qtype = c.text((*p, "type"), item["type"], "type") if "type" in item else None
    if qtype is not None and qtype not in QUESTION_TYPES:
        c.add((*p, "type"), f"unknown type '{qtype}' (one of: {', '.join(QUESTION_TYPES)})")
        qtype = None
    level = item.get("level")
    if "level" in item and (not isinstance(level, int) or isinstance(level, bool) or level not in (1, 2, 3)):
        c.add((*p, "level"), f"level must be 1, 2 or 3, not {level!r}")
    prompt = c.text((*p, "prompt"), item["prompt"], "prompt") if "prompt" in item else None
    explanation = c.text((*p, "explanation"), item["explanation"], "explanation") if "explanation" in item else None
    refs = _refs(c, (*p, "refs"), item["refs"], articles) if "refs" in item else None
    tags: tuple[str, ...] | None = ()
    if "tags" in item:
        tags = c.strings((*p, "tags"), item["tags"], "tags")
        for j, tag in enumerate(tags or ()):
            if not SLUG.match(tag):
                c.add((*p, "tags", j), f"tag '{tag}' is not a slug")
    extra: dict[str, Any] = {}
    if isinstance(qtype, str):
        for key in item:
            if key in ALL_QUESTION_KEYS and key not in COMMON_KEYS and key not in TYPE_KEYS[qtype]:
                c.add((*p, key), f"key '{key}' does not belong to a '{qtype}' question", key=True)
        if "answer" in item:
            extra = _typed_fields(c, p, qtype, item)
    if len(c.found) > before or qid is None or not isinstance(qtype, str) or not isinstance(level, int):
        return None
    return Question(category=category, id=qid, type=qtype, level=level, prompt=str(prompt),
                    explanation=str(explanation), refs=refs or (), tags=tags or (), **extra)


def _refs(c: _Checker, p: KeyPath, value: Any, articles: dict[str, Article]) -> tuple[str, ...] | None:
    refs = c.strings(p, value, "refs")
    if refs is not None and not refs:
        c.add(p, "refs must name at least one article id or https:// URL")
    for j, ref in enumerate(refs or ()):
        if ref.startswith(("http://", "https://")):
            if not URL.match(ref):
                c.add((*p, j), f"ref '{ref}' is not a valid https:// URL")
        elif ref not in articles:
            hint = difflib.get_close_matches(ref, list(articles), n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else ""
            c.add((*p, j), f"unknown article id '{ref}'{tip}")
    return refs


def _typed_fields(c: _Checker, p: KeyPath, qtype: str, item: dict[Any, Any]) -> dict[str, Any]:
    """Check `answer` and the type's own keys; return the Question fields they become."""
    answer, ap = item["answer"], (*p, "answer")
    out: dict[str, Any] = {}
    if qtype == "open":
        out["answer"] = c.text(ap, answer, "answer")
        if "key_points" in item:
            out["key_points"] = c.strings((*p, "key_points"), item["key_points"], "key_points", 1) or ()
    elif qtype in ("mcq", "multi"):
        if "choices" not in item:
            c.add(p, f"an '{qtype}' question needs 'choices'")
            return out
        choices = c.strings((*p, "choices"), item["choices"], "choices")
        if choices is not None:
            if not 2 <= len(choices) <= 8:
                c.add((*p, "choices"), f"choices must hold 2 to 8 items, not {len(choices)}")
            elif len(set(choices)) != len(choices):
                dup = next(x for x in choices if choices.count(x) > 1)
                c.add((*p, "choices", choices.index(dup, choices.index(dup) + 1)), f"duplicate choice '{dup}'")
            out["choices"] = choices
        if qtype == "mcq":
            text = c.text(ap, answer, "answer")
            if text is not None and choices is not None and text not in choices:
                c.add(ap, f"answer '{text}' is not one of the choices")
            out["answer"] = text
        else:
            picked = c.strings(ap, answer, "answer", 1)
            for j, a in enumerate(picked or ()):
                if choices is not None and a not in choices:
                    c.add((*ap, j), f"answer '{a}' is not one of the choices")
            if picked is not None and len(set(picked)) != len(picked):
                c.add(ap, "answer lists the same choice twice")
            out["answer"] = picked
    elif qtype == "truefalse":
        if not isinstance(answer, bool):
            c.add(ap, f"a truefalse answer must be true or false, not {answer!r}")
        out["answer"] = answer
    elif qtype == "short":
        out["answer"] = c.text(ap, answer, "answer")
        if "accept" in item:
            out["accept"] = c.strings((*p, "accept"), item["accept"], "accept") or ()
    elif qtype == "numeric":
        if isinstance(answer, bool) or not isinstance(answer, int | float) or not math.isfinite(answer):
            c.add(ap, f"a numeric answer must be a number, not {answer!r}"
                  + (" (write 1e9 as 1.0e+09: YAML reads 1e9 as text)" if isinstance(answer, str) else ""))
        else:
            out["answer"] = float(answer)
        tol = item.get("tolerance", DEFAULT_TOLERANCE)
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol <= 1:
            c.add((*p, "tolerance"), f"tolerance must be a number in (0, 1], not {tol!r}")
        else:
            out["tolerance"] = float(tol)
        if "unit" in item:
            out["unit"] = c.text((*p, "unit"), item["unit"], "unit")
    return out


# ---- discovery -------------------------------------------------------------------------------

def discover(paths: Iterable[Path]) -> tuple[list[Path], list[Path], list[Problem]]:
    """Split paths into bank files and catalogs; folders contribute their `*.yaml` files."""
    banks: list[Path] = []
    catalogs: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            files = sorted(path.glob("*.yaml"))
        elif path.exists() or path.suffix in (".yaml", ".yml"):
            files = [path]
        else:
            problems.append(Problem(str(path), None, None, "no such file or directory"))
            continue
        for f in files:
            (catalogs if f.name == CATALOG_NAME else banks).append(f)
    return banks, catalogs, problems


@dataclass
class CheckResult:
    library: Library | None
    problems: list[Problem]
    files: int


def check(paths: Sequence[Path], shipped_catalog: Path | None, cache: BankCache | None = None) -> CheckResult:
    """Validate the banks at `paths` (files or folders) with refs resolved against the shipped
    catalog plus any `articles.yaml` among the paths."""
    bank_files, catalogs, problems = discover(paths)
    articles: dict[str, Article] = {}
    catalog_files = ([shipped_catalog] if shipped_catalog and shipped_catalog.exists() else [])
    for cat_path in catalog_files + [c for c in catalogs if c != shipped_catalog]:
        found = cache.catalog(cat_path) if cache else None
        if found is None:
            found, cat_problems = load_catalog(cat_path)
            problems += cat_problems
            if cache and not cat_problems:
                cache.put_catalog(cat_path, found)
        articles.update(found)
    key = catalog_key(articles)
    banks: list[Bank] = []
    owner: dict[str, str] = {}
    for path in bank_files:
        bank = cache.bank(path, key) if cache else None
        if bank is None:
            bank, bank_problems = load_bank(path, articles)
            problems += bank_problems
            if cache and bank is not None:
                cache.put_bank(path, key, bank)
        if bank is None:
            continue
        for q in bank.questions:
            if q.gid in owner:
                problems.append(Problem(str(path), None, None, f"question '{q.gid}' is also defined in {owner[q.gid]}"))
            owner[q.gid] = str(path)
        banks.append(bank)
    if not bank_files and not catalogs and not problems:
        problems.append(Problem(", ".join(str(p) for p in paths) or ".", None, None, "no bank files (*.yaml) found"))
    library = None if problems else Library(tuple(banks), articles)
    if cache and library is not None:
        cache.save()
    return CheckResult(library, problems, len(bank_files))


def load_library(paths: Sequence[Path], shipped_catalog: Path | None) -> Library:
    result = check(paths, shipped_catalog)
    if result.library is None:
        raise BanksInvalid(result.problems)
    return result.library
