"""A question's answer, key points, explanation and references as the faces show them: the answer
line as text, the teaching part and the references as safe Markdown. Said once, for the CLI, plain
mode, the app and the export."""

from __future__ import annotations

from typing import TYPE_CHECKING

from quizzer.i18n import _
from quizzer.mdsafe import escape_link_text, link_destination, list_item, safe_block, safe_inline
from quizzer.model import Library, Question
from quizzer.params import example, example_note

if TYPE_CHECKING:
    from quizzer.coderun import RunResult


def answer_line(q: Question) -> str:
    """The key of an auto-graded question as one line of text, with what else is accepted."""
    text = q.answer_text()
    if q.type == "short" and q.accept:
        text += "  " + _("(also accepted: {answers})").format(answers=", ".join(q.accept))
    if q.type == "numeric":
        text += "  " + _("(within ±{tolerance:.0%})").format(tolerance=q.tolerance)
    return text


def references_markdown(library: Library, q: Question, visible_urls: bool = False) -> str:
    """The refs as a Markdown list of links, titled from the article catalog; with `visible_urls` the
    address is also written out, for screens where a link cannot be seen or followed."""
    lines = []
    for ref in q.refs:
        title, url = library.ref_link(ref)
        link = f"- [{escape_link_text(title)}]({link_destination(url)})"
        lines.append(f"{link}  \n  {safe_inline(url)}" if visible_urls and title != url else link)
    return "\n".join(lines)


def teaching_markdown(library: Library, q: Question, covered: tuple[bool, ...] = (), marked: bool = False) -> str:
    """Model answer and key points (open; with `marked`, which ones the answer covered), the
    explanation and the references."""
    parts: list[str] = []
    if q.type == "open":
        parts += [bold(_("Model answer")), safe_block(str(q.answer))]
    if q.key_points:
        if marked and len(covered) == len(q.key_points):
            heading = bold(_("Key points")) + " " + _("(✓ your answer seems to cover it)")
            points = [f"- {'✓' if hit else '·'} {safe_inline(p)}" for p, hit in zip(q.key_points, covered, strict=True)]
        else:
            heading, points = bold(_("Key points")), [list_item(p) for p in q.key_points]
        parts += [heading, "\n".join(points)]
    parts += [bold(_("Why")), safe_block(q.explanation), bold(_("Read more")), references_markdown(library, q, True)]
    return "\n\n".join(parts)


def reading_markdown(library: Library, q: Question) -> str:
    """The whole question to read: prompt, choices, answer line and the teaching part (a parametrised
    question with its first values, saying that the numbers vary)."""
    note = example_note(q)
    q = example(q)
    parts = [safe_block(q.prompt)] + ([f"*{safe_inline(note)}*"] if note else [])
    if q.choices:
        parts.append("\n".join(list_item(c) for c in q.choices))
    if q.type == "code":
        return "\n\n".join([*parts, fence(q.starter or "", "python"), code_markdown(library, q, None)])
    if q.type != "open":
        parts.append(bold(_("Answer:")) + " " + safe_inline(answer_line(q)))
    parts.append(teaching_markdown(library, q))
    return "\n\n".join(parts)


def bold(text: str) -> str:
    return f"**{safe_inline(text)}**"


def case_lines(q: Question, run: RunResult) -> list[str]:
    """One line per case of a code run: the call, then what was expected and what came back."""
    from quizzer.coderun import shorten

    if run.problem:
        return [f"✗ {run.problem}"]
    lines = []
    for r in run.cases:
        args = ", ".join([*(shorten(a) for a in r.case.args), *(f"{k}={shorten(v)}" for k, v in r.case.kwargs.items())])
        call = f"{q.entry}({args})"
        if r.passed:
            lines.append(f"✓ {call} -> {r.got}")
        else:
            said = (_("{call}: expected {expected}, raised {got}") if r.error
                    else _("{call}: expected {expected}, got {got}"))
            lines.append("✗ " + said.format(call=call, expected=shorten(r.case.expect), got=r.got))
    return lines


def fence(text: str, language: str = "") -> str:
    """`text` in a Markdown code fence longer than any backtick run inside it."""
    ticks = "`" * max(3, _longest_backticks(text) + 1)
    return f"{ticks}{language}\n{text.rstrip()}\n{ticks}"


def _longest_backticks(text: str) -> int:
    best = current = 0
    for ch in text:
        current = current + 1 if ch == "`" else 0
        best = max(best, current)
    return best


def code_markdown(library: Library, q: Question, run: RunResult | None, output: bool = True) -> str:
    """The feedback on a code answer: each case, what the code printed, the reference solution
    (highlighted as Python), the explanation and the references."""
    parts: list[str] = []
    if run is not None:
        parts += ["**Cases**", fence("\n".join(case_lines(q, run)))]
        if output and run.output.strip():
            parts += ["**What your code printed**", fence(run.output[:2000])]
    parts += ["**Reference solution**", fence(str(q.answer), "python"), "**Why**", safe_block(q.explanation),
              "**Read more**", references_markdown(library, q, True)]
    return "\n\n".join(parts)
