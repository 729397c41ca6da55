"""Plain-text rendering of questions for terminals, pipes and dumb terminals."""

from __future__ import annotations

import string
from collections.abc import Sequence
from datetime import datetime

from quizzer.answers import answer_line
from quizzer.i18n import _
from quizzer.labels import type_name
from quizzer.model import LEVELS, Library, Question
from quizzer.params import example, example_note
from quizzer.plaintext import display_width

LETTERS = string.ascii_uppercase


def choice_lines(choices: Sequence[str]) -> list[str]:
    return [f"  {LETTERS[i]}) {' '.join(c.split())}" for i, c in enumerate(choices)]


def header(q: Question) -> str:
    return _("{gid}  {type}  level {level} ({name})").format(
        gid=q.gid, type=type_name(q.type), level=q.level, name=_(LEVELS[q.level]))


def references(library: Library, q: Question) -> list[str]:
    lines = []
    for ref in q.refs:
        title, url = library.ref_link(ref)
        lines.append(f"  - {title} <{url}>" if title != url else f"  - <{url}>")
    return lines


def question_text(library: Library, q: Question, answer: bool, choices: Sequence[str] | None = None) -> str:
    """The question (and, with `answer`, its answer, key points, explanation and references); a
    parametrised question with its first values, saying that the numbers vary."""
    note = example_note(q)
    q = example(q)
    out = [header(q)]
    if q.tags:
        out.append(_("tags: ") + ", ".join(q.tags))
    out += ["", q.prompt.strip()]
    if note:
        out += ["", f"({note})"]
    if q.choices:
        out += [""] + choice_lines(choices if choices is not None else q.choices)
    if q.type == "numeric" and q.unit:
        out.append(_("(answer in {unit})").format(unit=q.unit))
    if q.type == "code" and q.starter.strip():
        out += ["", q.starter.rstrip()]
    if answer:
        out += ["", _("Answer: ") + (answer_line(q) if q.type not in ("open", "code") else "")]
        if q.type in ("open", "code"):
            out.append(str(q.answer).rstrip())
        if q.key_points:
            out += ["", _("Key points:")] + [f"  - {k}" for k in q.key_points]
        out += ["", _("Why: ") + q.explanation.strip(), "", _("Read more:")] + references(library, q)
    return "\n".join(out)


def fmt_due(when: datetime, now: datetime) -> str:
    """When something is due, relative to now: 'in 10 min', 'in 3 h', 'in 12 days'."""
    delta = (when - now).total_seconds()
    if delta < 3600:
        return _("in {n} min").format(n=max(1, round(delta / 60)))
    if delta < 86400 * 1.5:
        return _("in {n} h").format(n=round(delta / 3600))
    return _("in {n} days").format(n=round(delta / 86400))


def one_line(text: str, width: int = 80) -> str:
    """Text folded onto one line and cut with an ellipsis to fit `width` terminal cells (a Chinese
    character takes two)."""
    flat = " ".join(text.split())
    if display_width(flat) <= width:
        return flat
    cut, used = [], 0
    for ch in flat:
        used += display_width(ch)
        if used > width - 1:
            break
        cut.append(ch)
    return "".join(cut) + "…"
