"""The schema of bank format v1: which keys each question may have and what their values must be.

Checks run on plain data from the fast parser and collect (path, message) pairs; `banks` turns
them into FILE:LINE:COL problems only when there are any.
"""

from __future__ import annotations

import difflib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from quizzer.mdsafe import bad_links, is_web_link
from quizzer.model import (
    CODE_TIME_LIMIT,
    CODE_TOLERANCE,
    DEFAULT_TOLERANCE,
    QUESTION_TYPES,
    Article,
    Question,
    Translation,
)
from quizzer.problems import KeyPath
from quizzer.safetext import BIDI, CONTROL

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")

MAX_FIELD_CHARS = 20_000  # the longest model answer in the shipped banks is about 3,000
TOP_KEYS = ("category", "title", "description", "zh", "questions")
BANK_ZH_KEYS = ("title", "description")  # a bank's own zh block: its title and description in Chinese
TOP_REQUIRED = ("category", "title", "questions")
COMMON_KEYS = ("id", "type", "level", "prompt", "answer", "explanation", "refs", "tags", "zh")
REQUIRED_KEYS = ("id", "type", "level", "prompt", "answer", "explanation", "refs")
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "open": ("key_points",),
    "mcq": ("choices",),
    "multi": ("choices",),
    "truefalse": (),
    "short": ("accept",),
    "numeric": ("tolerance", "unit", "params", "formula"),
    "code": ("entry", "starter", "cases", "tolerance", "time_limit"),
}
ALL_QUESTION_KEYS = COMMON_KEYS + tuple(sorted({k for ks in TYPE_KEYS.values() for k in ks}))
ARTICLE_KEYS = ("id", "title", "url", "category")


@dataclass
class Checker:
    """Collects (path, message) problems for one file; positions are resolved at the end."""

    found: list[tuple[KeyPath, str, bool, int | None]] = field(default_factory=list)
    may_hold_controls: bool = True

    def add(self, path: KeyPath, message: str, key: bool = False, offset: int | None = None) -> None:
        """A problem at `path` (its key with `key`; `offset` characters into a one-line value)."""
        self.found.append((path, message, key, offset))

    def text(self, path: KeyPath, value: Any, what: str, required: bool = True) -> str | None:
        if not isinstance(value, str):
            self.add(path, f"{what} must be a string, not {kind_of(value)}")
            return None
        if required and not value.strip():
            self.add(path, f"{what} must not be empty")
            return None
        if len(value) > MAX_FIELD_CHARS:
            self.add(path, f"{what} is longer than {MAX_FIELD_CHARS:,} characters")
            return None
        if self.may_hold_controls and (bad := CONTROL.search(value)):
            self.add(path, f"{what} contains a control character (\\x{ord(bad.group()):02x})")
            return None
        if self.may_hold_controls and (bad := BIDI.search(value)):
            self.add(path, f"{what} contains a bidi control (\\u{ord(bad.group()):04x}): it would disguise the text")
            return None
        return value

    def strings(self, path: KeyPath, value: Any, what: str, min_len: int = 0) -> tuple[str, ...] | None:
        if not isinstance(value, list):
            self.add(path, f"{what} must be a list of strings, not {kind_of(value)}")
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


def kind_of(value: Any) -> str:
    if value is None:
        return "empty"
    return {bool: "a boolean", int: "a number", float: "a number", str: "a string",
            list: "a list", dict: "a mapping"}.get(type(value), type(value).__name__)


def question_from(c: Checker, p: KeyPath, item: Any, category: str,
              articles: dict[str, Article]) -> Question | None:
    if not isinstance(item, dict):
        c.add(p, f"a question must be a mapping, not {kind_of(item)}")
        return None
    before = len(c.found)
    parametrised = "params" in item or "formula" in item  # computes its answer: none is written
    required = tuple(k for k in REQUIRED_KEYS if k != "answer" or not parametrised)
    c.mapping_keys(p, item, ALL_QUESTION_KEYS, required, "a question")
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
    for key in ("prompt", "explanation", "answer"):
        check_links(c, (*p, key), item.get(key))
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
        if "answer" in item or parametrised:
            extra = _typed_fields(c, p, qtype, item, category)
        if "zh" in item:
            extra["zh"] = check_translation(c, (*p, "zh"), item["zh"], qtype, item) or ()
    if len(c.found) > before or qid is None or not isinstance(qtype, str) or not isinstance(level, int):
        return None
    return Question(category=category, id=qid, type=qtype, level=level, prompt=str(prompt),
                    explanation=str(explanation), refs=refs or (), tags=tags or (), **extra)


def check_links(c: Checker, p: KeyPath, text: Any) -> None:
    """Links in bank Markdown may only lead to https:// pages: a link to smb://, file paths or
    javascript: would hand the bank's author the user's URL opener or an export's reader."""
    if isinstance(text, str):
        for url in bad_links(text):
            c.add(p, f"link '{url}' is not allowed: links in banks must be https:// URLs")


def _refs(c: Checker, p: KeyPath, value: Any, articles: dict[str, Article]) -> tuple[str, ...] | None:
    refs = c.strings(p, value, "refs")
    if refs is not None and not refs:
        c.add(p, "refs must name at least one article id or https:// URL")
    for j, ref in enumerate(refs or ()):
        if ref.startswith(("http://", "https://")) or "://" in ref or ":" in ref:
            if not is_web_link(ref):
                c.add((*p, j), f"ref '{ref}' is not a valid https:// URL")
        elif ref not in articles:
            hint = difflib.get_close_matches(ref, list(articles), n=1)
            tip = f" (did you mean '{hint[0]}'?)" if hint else ""
            c.add((*p, j), f"unknown article id '{ref}'{tip}")
    return refs


def _typed_fields(c: Checker, p: KeyPath, qtype: str, item: dict[Any, Any], category: str) -> dict[str, Any]:
    """Check `answer` and the type's own keys; return the Question fields they become."""
    answer, ap = item.get("answer"), (*p, "answer")
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
    elif qtype == "code":
        out.update(_code_fields(c, p, item))
    elif qtype == "numeric" and ("params" in item or "formula" in item):
        from quizzer.params import check_parametrised

        tol = item.get("tolerance", DEFAULT_TOLERANCE)
        if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol <= 1:
            c.add((*p, "tolerance"), f"tolerance must be a number in (0, 1], not {tol!r}")
        else:
            out.update(check_parametrised(c, p, item, category, float(tol)))
        if "unit" in item:
            out["unit"] = c.text((*p, "unit"), item["unit"], "unit")
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


# ---- code questions: a function to write and cases that are data, never code ------------------

IDENTIFIER = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
CASE_KEYS = ("args", "kwargs", "expect")
MAX_CASES = 100


def _code_fields(c: Checker, p: KeyPath, item: dict[Any, Any]) -> dict[str, Any]:
    """`entry`, `starter`, `cases`, `tolerance` and `time_limit` of a `code` question; the answer is
    the reference solution, which validation never runs (`validate --run-solutions` does, on request)."""
    import json

    out: dict[str, Any] = {"answer": c.text((*p, "answer"), item["answer"], "answer")}
    if "entry" not in item:
        c.add(p, "a 'code' question needs 'entry', the name of the function to write")
    elif (entry := c.text((*p, "entry"), item["entry"], "entry")) is not None:
        if not IDENTIFIER.match(entry):
            c.add((*p, "entry"), f"entry '{entry}' is not a Python function name")
        out["entry"] = entry
    if "starter" in item:
        out["starter"] = c.text((*p, "starter"), item["starter"], "starter") or ""
    cases = item.get("cases")
    if "cases" not in item:
        c.add(p, "a 'code' question needs 'cases'")
    elif not isinstance(cases, list) or not cases:
        c.add((*p, "cases"), "cases must be a non-empty list of mappings with args and expect")
    elif len(cases) > MAX_CASES:
        c.add((*p, "cases"), f"at most {MAX_CASES} cases")
    else:
        for i, case in enumerate(cases):
            cp = (*p, "cases", i)
            if not isinstance(case, dict):
                c.add(cp, f"a case must be a mapping with args and expect, not {kind_of(case)}")
                continue
            if not c.mapping_keys(cp, case, CASE_KEYS, ("args", "expect"), "a case"):
                continue
            if not isinstance(case["args"], list):
                c.add((*cp, "args"), f"args must be a list of positional arguments, not {kind_of(case['args'])}")
            if "kwargs" in case and not (isinstance(case["kwargs"], dict)
                                         and all(isinstance(k, str) and IDENTIFIER.match(k) for k in case["kwargs"])):
                c.add((*cp, "kwargs"), "kwargs must map argument names to values")
            for key in ("args", "kwargs", "expect"):
                if key in case and (bad := _not_data(case[key])):
                    c.add((*cp, key), f"{key} holds {bad}: cases are data (lists, numbers, strings, booleans, null)")
        out["cases"] = json.dumps(cases, ensure_ascii=False, sort_keys=True)
    tol = item.get("tolerance", CODE_TOLERANCE)
    if isinstance(tol, bool) or not isinstance(tol, int | float) or not 0 < tol <= 1:
        c.add((*p, "tolerance"), f"tolerance must be a number in (0, 1], not {tol!r}")
    else:
        out["tolerance"] = float(tol)
    limit = item.get("time_limit", CODE_TIME_LIMIT)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0.5 <= limit <= 60:
        c.add((*p, "time_limit"), f"time_limit must be 0.5 to 60 seconds, not {limit!r}")
    else:
        out["time_limit"] = float(limit)
    return out


def _not_data(value: Any, depth: int = 0) -> str:
    """What in `value` is not plain data ('' when it all is)."""
    if depth > 20:
        return "values nested too deeply"
    if value is None or isinstance(value, bool | str):
        return ""
    if isinstance(value, int | float):
        return "" if math.isfinite(value) else "a number that is not finite"
    if isinstance(value, list):
        return next((bad for v in value if (bad := _not_data(v, depth + 1))), "")
    if isinstance(value, dict):
        if not all(isinstance(k, str) for k in value):
            return "a mapping with keys that are not text"
        return next((bad for v in value.values() if (bad := _not_data(v, depth + 1))), "")
    return f"a {type(value).__name__}"


# ---- the zh block: a translation of the text fields ----------------------------------------

ZH_REQUIRED = ("prompt", "explanation")
# What a translation of each type may hold besides its prompt and explanation.
ZH_TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "open": ("answer", "key_points"),
    "mcq": ("choices",),
    "multi": ("choices",),
    "truefalse": (),
    "short": ("answer", "accept"),
    "numeric": (),
    "code": ("starter",),
}
ZH_LISTS = ("choices", "accept", "key_points")


def check_translation(c: Checker, p: KeyPath, value: Any, qtype: str, english: dict[Any, Any]) -> Translation | None:
    """Check the `zh` block at `p` of a question of type `qtype` whose English fields are `english`.

    A list must line up with its English list item for item, so a choice or key point is never
    shown beside the wrong original."""
    if not isinstance(value, dict):
        c.add(p, f"zh must be a mapping of translated fields, not {kind_of(value)}")
        return None
    allowed = ZH_REQUIRED + ZH_TYPE_KEYS.get(qtype, ())
    before = len(c.found)
    c.mapping_keys(p, value, allowed, ZH_REQUIRED, f"the zh block of a '{qtype}' question")
    out: dict[str, str | tuple[str, ...]] = {}
    for key, raw in value.items():
        if key not in allowed:
            continue
        kp = (*p, key)
        if key in ZH_LISTS:
            items = c.strings(kp, raw, f"zh {key}")
            original = english.get(key)
            if items is None:
                continue
            if key != "accept" and isinstance(original, list) and len(items) != len(original):
                c.add(kp, f"zh {key} has {len(items)} item(s) but the English has {len(original)}: "
                          "translate each, in the same order")
                continue
            if key == "choices" and len(set(items)) != len(items):
                c.add(kp, "zh choices repeat a text: each choice needs its own translation")
                continue
            out[key] = items
        else:
            text = c.text(kp, raw, f"zh {key}")
            if text is not None:
                check_links(c, kp, text)
                out[key] = text
    if len(c.found) > before:
        return None
    return tuple(sorted(out.items()))
