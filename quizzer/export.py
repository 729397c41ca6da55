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
from quizzer.mdsafe import escape_link_text, list_item, safe_block, safe_inline
from quizzer.model import LEVELS, Library, Question
from quizzer.params import example, example_note
from quizzer.render import LETTERS
from quizzer.safefile import write_folder
from quizzer.translation import translated

TYPE_LABELS = {
    "open": "open question",
    "mcq": "single choice",
    "multi": "multiple choice (pick all that apply)",
    "truefalse": "true or false",
    "short": "short answer",
    "numeric": "numeric answer",
    "code": "coding question (write the function; quizzer runs it against test cases)",
}


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
    meta = f"Level {q.level} ({LEVELS[q.level]}) · {TYPE_LABELS[q.type]}"
    if q.tags:
        meta += " · tags: " + ", ".join(f"`{t}`" for t in q.tags)
    parts = [f"## {number}. `{q.gid}`", f"*{meta}*"]
    shown = ("en", "zh") if lang == "both" else (lang,)
    for n, language in enumerate(shown):
        view = example(translated(q, language))
        if n:
            parts.append("**中文**")
        parts += _question_body(view, answers)
    if note := example_note(q):
        parts.append(f"*{safe_inline(note)}*")
    parts.append("**Read more:**\n\n" + references_markdown(library, q))
    return "\n\n".join(parts)


def _question_body(q: Question, answers: bool) -> list[str]:
    parts = [safe_block(q.prompt)]
    if q.choices:
        parts.append(choices_markdown(q))
    if q.type == "numeric" and q.unit:
        parts.append(f"Answer in: {safe_inline(q.unit)}")
    if q.type == "code" and q.starter.strip():
        parts.append(fence(q.starter, "python"))
    if answers:
        body = ["<details><summary>Answer</summary>", f"**Answer:**\n\n{answer_markdown(q)}"]
        if q.key_points:
            body.append("**Key points:**\n\n" + "\n".join(list_item(k) for k in q.key_points))
        body.append(f"**Why:**\n\n{safe_block(q.explanation)}")
        body.append("</details>")
        parts.append("\n\n".join(body))
    return parts


def category_markdown(library: Library, category: str, answers: bool, lang: str = "en") -> str:
    questions = library.in_category(category)
    banks = [b for b in library.ordered_banks() if b.category == category]
    descriptions = [b.zh_description if lang == "zh" and b.zh_description else b.description for b in banks]
    parts = [f"# {safe_inline(library.title_of(category, lang))}"]
    parts += [safe_block(d) for d in descriptions if d]
    parts.append(f"{len(questions)} questions. [Back to the index](README.md)")
    parts += [page_markdown(library, q, n, answers, lang) for n, q in enumerate(questions, 1)]
    return "\n\n".join(parts) + "\n"


def index_markdown(library: Library, categories: Sequence[str], answers: bool, lang: str = "en") -> str:
    total = sum(len(library.in_category(c)) for c in categories)
    lines = [
        "# quizzer question banks",
        "",
        f"{total} questions on LLM engineering in {len(categories)} categories, exported by quizzer."
        + (" Each answer is folded: try the question first, then open *Answer*." if answers else ""),
        "",
        "| Category | Questions |",
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
