"""Questions in more than one language: the `zh` block of a bank question, checked against the
English fields it translates, and the view of a question in the language a user reads.

Only text is translated. Ids, numbers, units, tolerances, refs, tags and code cases are shared, and
a choice's key stays its English text: the Chinese choice at the same index is its translation.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from quizzer.model import Question, Translation
from quizzer.problems import KeyPath

LANGUAGES: tuple[str, ...] = ("en", "zh")
TRANSLATED_LANGUAGES: tuple[str, ...] = ("zh",)
REQUIRED_KEYS = ("prompt", "explanation")
# What a translation of each type may hold besides its prompt and explanation.
TYPE_KEYS: dict[str, tuple[str, ...]] = {
    "open": ("answer", "key_points"),
    "mcq": ("choices",),
    "multi": ("choices",),
    "truefalse": (),
    "short": ("answer", "accept"),
    "numeric": (),
    "code": ("starter",),
}
LISTS = ("choices", "accept", "key_points")


def check_translation(c: Any, p: KeyPath, value: Any, qtype: str, english: dict[Any, Any]) -> Translation | None:
    """Check the `zh` block at `p` of a question of type `qtype` whose English fields are `english`.

    `c` is the bank file's `schema.Checker` (typed loosely to keep this module free of it).
    A list must line up with its English list item for item, so a choice or key point is never
    shown beside the wrong original."""
    if not isinstance(value, dict):
        c.add(p, f"zh must be a mapping of translated fields, not {_kind(value)}")
        return None
    allowed = REQUIRED_KEYS + TYPE_KEYS.get(qtype, ())
    before = len(c.found)
    c.mapping_keys(p, value, allowed, REQUIRED_KEYS, f"the zh block of a '{qtype}' question")
    out: dict[str, str | tuple[str, ...]] = {}
    for key, raw in value.items():
        if key not in allowed:
            continue
        kp = (*p, key)
        if key in LISTS:
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
                out[key] = text
    if len(c.found) > before:
        return None
    return tuple(sorted(out.items()))


def _kind(value: Any) -> str:
    return "a list" if isinstance(value, list) else type(value).__name__


def has_language(q: Question, lang: str) -> bool:
    """Whether `q` can be shown in `lang` without falling back to English."""
    return lang == "en" or (lang == "zh" and bool(q.zh))


def translated(q: Question, lang: str) -> Question:
    """`q` as shown to a reader of `lang`: its translated text where there is one, English where
    there is none. Grading works on the view: an mcq key becomes the translated choice at the key's
    index, and a short answer is accepted in either language whichever is shown."""
    if not q.zh:
        return q
    zh = dict(q.zh)
    changes: dict[str, Any] = {}
    if q.type == "short" and isinstance(q.answer, str):
        english = (q.answer, *q.accept)
        chinese = (*_text(zh.get("answer")), *_texts(zh.get("accept")))
        first, second = (chinese, english) if lang == "zh" and chinese else (english, chinese)
        changes["answer"] = first[0]
        changes["accept"] = tuple(dict.fromkeys(a for a in (*first[1:], *second) if a != first[0]))
    if lang == "en":
        return dataclasses.replace(q, **changes) if changes else q
    changes.update(prompt=zh["prompt"], explanation=zh["explanation"])
    choices = zh.get("choices")
    if isinstance(choices, tuple):
        by_english = dict(zip(q.choices, choices, strict=True))
        changes["choices"] = choices
        if q.type == "mcq" and isinstance(q.answer, str):
            changes["answer"] = by_english[q.answer]
        elif q.type == "multi" and isinstance(q.answer, tuple):
            changes["answer"] = tuple(by_english[a] for a in q.answer)
    if isinstance(kp := zh.get("key_points"), tuple):
        changes["key_points"] = kp
    if q.type == "open" and isinstance(answer := zh.get("answer"), str):
        changes["answer"] = answer
    return dataclasses.replace(q, **changes)


def _text(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else ()


def _texts(value: object) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()
