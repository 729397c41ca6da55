"""Questions in more than one language: the view of a question in the language a user reads.

Only text is translated. Ids, numbers, units, tolerances, refs, tags and code cases are shared, and
a choice's key stays its English text: the Chinese choice at the same index is its translation.
"""

from __future__ import annotations

import dataclasses
from typing import Any

from quizzer.model import Question

LANGUAGES: tuple[str, ...] = ("en", "zh")
TRANSLATED_LANGUAGES: tuple[str, ...] = ("zh",)


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
        # The view's translation holds the English points in turn, so that an answer in English to a
        # question shown in Chinese is still marked against them.
        changes["zh"] = tuple(sorted({**zh, "key_points": q.key_points}.items()))
    if q.type == "open" and isinstance(answer := zh.get("answer"), str):
        changes["answer"] = answer
    return dataclasses.replace(q, **changes)


def _text(value: object) -> tuple[str, ...]:
    return (value,) if isinstance(value, str) else ()


def _texts(value: object) -> tuple[str, ...]:
    return value if isinstance(value, tuple) else ()
