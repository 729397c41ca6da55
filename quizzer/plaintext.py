"""Bank Markdown as readable plain text for pipes and dumb terminals: no `**`, backticks or `<https://...>`
left raw, links shown as "text (url)", lists and code kept, paragraphs wrapped to a width without breaking
words (code is never wrapped)."""

from __future__ import annotations

import re
import shutil
import sys
import textwrap
import unicodedata
from typing import TextIO

from markdown_it import MarkdownIt
from markdown_it.token import Token

_md = MarkdownIt("commonmark")
_WIDE = "\u1100-\u115f\u2e80-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f\uff00-\uff60\uffe0-\uffe6"
DEFAULT_WIDTH = 80


def width_for(stream: TextIO) -> int:
    """The terminal's width when writing to one, else 80."""
    try:
        if stream.isatty():
            return max(40, shutil.get_terminal_size((DEFAULT_WIDTH, 24)).columns)
    except (AttributeError, ValueError, OSError):
        pass
    return DEFAULT_WIDTH


def _inline(token: Token) -> str:
    out: list[str] = []
    links: list[str] = []
    for child in token.children or []:
        if child.type in ("text", "code_inline", "html_inline"):
            out.append(child.content)
        elif child.type == "softbreak":  # a line break in the source: the paragraph reflows
            out.append(_SOFT)
        elif child.type == "hardbreak":
            out.append("\n")
        elif child.type == "link_open":
            links.append(str(child.attrGet("href") or ""))
        elif child.type == "link_close" and links:
            href = links.pop()
            text = "".join(out)
            if href and not text.endswith(href):
                out.append(f" ({href})")
        elif child.type == "image":
            out.append(child.content or str(child.attrGet("src") or ""))
    text = "".join(out)
    # Chinese runs on without spaces: a break between two wide characters joins them directly.
    return re.sub(f"(?<=[{_WIDE}]){_SOFT}(?=[{_WIDE}])", "", text).replace(_SOFT, " ")


_SOFT = "\x00"


def display_width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


# A unit that is never split: a run of non-CJK non-space characters, one wide character, or spaces.
_PIECES = re.compile(f"[^\\s{_WIDE}]+|\\s+|.")


def _wrap(text: str, width: int, first: str, rest: str) -> list[str]:
    lines: list[str] = []
    for n, para in enumerate(text.split("\n")):
        prefix = first if n == 0 else rest
        if display_width(para) + len(prefix) <= width:
            lines.append(prefix + para)
        elif display_width(para) == len(para):  # no wide characters: textwrap knows best
            lines += textwrap.wrap(para, width=width, initial_indent=prefix, subsequent_indent=rest,
                                   break_long_words=False, break_on_hyphens=False) or [prefix]
        else:
            lines += _wrap_wide(para, width, prefix, rest)
    return lines


def _wrap_wide(para: str, width: int, first: str, rest: str) -> list[str]:
    """Wrap text with CJK characters, which may break between any two of them, by display width."""
    lines: list[str] = []
    line, used = first, len(first)
    for piece in _PIECES.findall(para):
        size = display_width(piece)
        if used + size > width and line.strip():
            lines.append(line.rstrip())
            line, used = rest, len(rest)
            if piece.isspace():
                continue
        line += piece
        used += size
    lines.append(line.rstrip())
    return lines


def to_text(markdown: str, width: int = DEFAULT_WIDTH) -> str:
    """`markdown` as plain text wrapped to `width`."""
    lines: list[str] = []
    bullets: list[str] = []  # the marker of each open list: "-" or a counter
    counters: list[int] = []
    item_prefix: str | None = None
    for token in _md.parse(markdown):
        depth = "  " * max(0, len(bullets) - 1)
        if token.type == "bullet_list_open":
            bullets.append("-")
            counters.append(0)
        elif token.type == "ordered_list_open":
            bullets.append("1")
            counters.append(int(token.attrGet("start") or 1) - 1)
        elif token.type in ("bullet_list_close", "ordered_list_close"):
            bullets.pop()
            counters.pop()
            if not bullets:
                lines.append("")
        elif token.type == "list_item_open":
            if bullets[-1] == "-":
                item_prefix = f"{depth}- "
            else:
                counters[-1] += 1
                item_prefix = f"{depth}{counters[-1]}. "
        elif token.type == "inline":
            text = _inline(token)
            if item_prefix is not None:
                lines += _wrap(text, width, item_prefix, " " * len(item_prefix))
                item_prefix = None
            else:
                indent = "  " * len(bullets)
                lines += _wrap(text, width, indent, indent)
        elif token.type == "paragraph_close" and not bullets:
            lines.append("")
        elif token.type in ("fence", "code_block"):
            lines += ["    " + line for line in token.content.rstrip("\n").split("\n")] + [""]
        elif token.type == "heading_close":
            lines.append("")
        elif token.type == "hr":
            lines += ["-" * min(width, 40), ""]
    while lines and not lines[-1].strip():
        lines.pop()
    return "\n".join(lines)


def stdout_width() -> int:
    return width_for(sys.stdout)
