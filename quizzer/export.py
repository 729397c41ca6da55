"""Export the banks to Markdown: an index plus one self-test page per category.

The output is deterministic (same banks, same bytes) and safe: bank text is neutralised by
`mdsafe` so that nothing in a prompt can close the answer block or start a new question.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Sequence
from pathlib import Path

from quizzer.answers import answer_line, fence, references_markdown
from quizzer.i18n import N_, in_language
from quizzer.mdsafe import escape_link_text, list_item, safe_block, safe_inline
from quizzer.model import LEVELS, Library, Question
from quizzer.params import example, example_note
from quizzer.render import LETTERS
from quizzer.safefile import write_folder
from quizzer.translation import translated

TYPE_LABELS = {
    "open": N_("open question"),
    "mcq": N_("single choice"),
    "multi": N_("multiple choice (pick all that apply)"),
    "truefalse": N_("true or false"),
    "short": N_("short answer"),
    "numeric": N_("numeric answer"),
    "code": N_("coding question (write the function; quizzer runs it against test cases)"),
}


def _label(lang: str, message: str) -> str:
    """The export's own words: in Chinese on a Chinese export, else in English (a `both` export reads
    as an English page with the Chinese under each question)."""
    return in_language("zh" if lang == "zh" else "en", message)


def _heading(lang: str, message: str) -> str:
    """A label in bold, as a paragraph of its own before what it heads."""
    return f"**{_label(lang, message)}**\n\n"


def export_order(q: Question) -> list[str]:
    """The choices in the order the export shows them: shuffled, and the same on every export, so
    that a reader cannot find the key by its place and a re-export changes no line."""
    order = list(q.choices)
    random.Random(hashlib.sha256(q.gid.encode()).digest()).shuffle(order)
    return order


def _lettered(choice: str, order: list[str]) -> str:
    return f"{LETTERS[order.index(choice)]}. {choice}"


def choices_markdown(q: Question) -> str:
    """The choices as a lettered Markdown list, in `export_order`."""
    order = export_order(q)
    return "\n".join(list_item(_lettered(c, order)) for c in order)


def answer_markdown(q: Question) -> str:
    """The answer as Markdown: the model answer, the solution, the lettered correct choices or the answer line."""
    if q.type == "open":
        return safe_block(str(q.answer))
    if q.type == "code":
        return fence(str(q.answer), "python")
    order = export_order(q)
    if q.type == "multi":
        return "\n".join(list_item(_lettered(a, order)) for a in sorted(q.correct_choices, key=order.index))
    if q.type == "mcq":
        return safe_inline(_lettered(str(q.answer), order))
    return safe_inline(answer_line(q))


def page_markdown(library: Library, q: Question, number: int, answers: bool, lang: str = "en") -> str:
    """One question's section: in English, in Chinese (`zh`), or the English with the Chinese under it
    (`both`: the choices keep their letters in both)."""
    level = _label(lang, N_("Level {level} ({name})")).format(level=q.level, name=_label(lang, LEVELS[q.level]))
    meta = f"{level} · {_label(lang, TYPE_LABELS[q.type])}"
    if q.tags:
        meta += " · " + _label(lang, N_("tags: {tags}")).format(tags=", ".join(f"`{t}`" for t in q.tags))
    parts = [f"## {number}. `{q.gid}`", f"*{meta}*"]
    shown = ("en", "zh") if lang == "both" else (lang,)
    for n, language in enumerate(shown):
        view = example(translated(q, language))
        if n:
            parts.append("**中文**")
        parts += _question_body(view, answers, lang)
    if note := example_note(q, "zh" if lang == "zh" else "en"):
        parts.append(f"*{safe_inline(note)}*")
    parts.append(_heading(lang, N_("Read more:")) + references_markdown(library, q))
    return "\n\n".join(parts)


def _question_body(q: Question, answers: bool, lang: str) -> list[str]:
    parts = [safe_block(q.prompt)]
    if q.choices:
        parts.append(choices_markdown(q))
    if q.type == "numeric" and q.unit:
        parts.append(_label(lang, N_("Answer in: {unit}")).format(unit=safe_inline(q.unit)))
    if q.type == "code" and q.starter.strip():
        parts.append(fence(q.starter, "python"))
    if answers:
        body = ["<details><summary>" + _label(lang, N_("Answer")) + "</summary>",
                _heading(lang, N_("Answer:")) + answer_markdown(q)]
        if q.key_points:
            body.append(_heading(lang, N_("Key points:")) + "\n".join(list_item(k) for k in q.key_points))
        body.append(_heading(lang, N_("Why:")) + safe_block(q.explanation))
        body.append("</details>")
        parts.append("\n\n".join(body))
    return parts


def category_markdown(library: Library, category: str, answers: bool, lang: str = "en") -> str:
    questions = library.in_category(category)
    banks = [b for b in library.ordered_banks() if b.category == category]
    descriptions = [b.zh_description if lang == "zh" and b.zh_description else b.description for b in banks]
    parts = [f"# {safe_inline(library.title_of(category, lang))}"]
    parts += [safe_block(d) for d in descriptions if d]
    parts.append(_label(lang, N_("{n} questions. [Back to the index](README.md)")).format(n=len(questions)))
    parts += [page_markdown(library, q, n, answers, lang) for n, q in enumerate(questions, 1)]
    return "\n\n".join(parts) + "\n"


def index_markdown(library: Library, categories: Sequence[str], answers: bool, lang: str = "en") -> str:
    total = sum(len(library.in_category(c)) for c in categories)
    summary = _label(lang, N_("{total} questions on LLM engineering in {n} categories, exported by quizzer."))
    fold = _label(lang, N_("Each answer is folded: try the question first, then open *Answer*."))
    fold = fold if lang == "zh" else " " + fold  # Chinese sentences follow one another without a space
    lines = [
        "# " + _label(lang, N_("quizzer question banks")),
        "",
        summary.format(total=total, n=len(categories)) + (fold if answers else ""),
        "",
        "| " + _label(lang, N_("Category")) + " | " + _label(lang, N_("Questions")) + " |",
        "| --- | ---: |",
    ]
    for c in categories:
        title = escape_link_text(library.title_of(c, lang)).replace("|", "\\|")
        lines.append(f"| [{title}]({c}.md) | {len(library.in_category(c))} |")
    return "\n".join(lines) + "\n"


def export_markdown(library: Library, out: Path, categories: Sequence[str] = (),
                    answers: bool = True, force: bool = False, lang: str = "en") -> list[Path]:
    """Write `README.md` and `<category>.md` files into `out` as a whole (see `safefile.write_folder`);
    returns the paths written."""
    chosen = [c for c in library.categories() if not categories or c in categories]
    pages = {"README.md": index_markdown(library, chosen, answers, lang)}
    for c in chosen:
        pages[f"{c}.md"] = category_markdown(library, c, answers, lang)
    return write_folder(out, pages, force)
