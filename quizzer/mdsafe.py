"""Neutralise bank Markdown so that it cannot break the structure of a document it is placed in.

Bank text keeps its inline Markdown (emphasis, code, links, lists), but it must not open
headings, thematic breaks or raw HTML (a `</details>` in a prompt would close the answer
block on GitHub), and a code fence it opens must close before our next line.
"""

from __future__ import annotations

import re

from markdown_it import MarkdownIt

_md = MarkdownIt("commonmark")
_CONTAINER_PREFIX = re.compile(r"^(\s*(?:>\s?|[-+*]\s+|\d{1,9}[.)]\s+)*)")
_FENCE = re.compile(r"^\s*(?:>\s?|[-+*]\s+|\d{1,9}[.)]\s+)*\s*(`{3,}|~{3,})")


def _escape_first(line: str, chars: str) -> str:
    """Backslash-escape the first structural character after any container markers."""
    prefix = _CONTAINER_PREFIX.match(line)
    start = prefix.end() if prefix else 0
    for i in range(start, len(line)):
        if line[i] in chars:
            return line[:i] + "\\" + line[i:]
        if not line[i].isspace():
            break
    return line


def _escape_html(text: str) -> str:
    """Escape `<` outside code spans so that no raw HTML reaches the page."""
    out: list[str] = []
    i = 0
    while i < len(text):
        ch = text[i]
        if ch == "`":
            run = len(text[i:]) - len(text[i:].lstrip("`"))
            close = text.find("`" * run, i + run)
            while close != -1 and text[close + run: close + run + 1] == "`":
                close = text.find("`" * run, close + run + 1)
            if close != -1:
                out.append(text[i: close + run])
                i = close + run
                continue
            out.append("`" * run)
            i += run
            continue
        out.append("&lt;" if ch == "<" else ch)
        i += 1
    return "".join(out)


def safe_block(text: str) -> str:
    """Bank Markdown made safe to embed as a sequence of blocks."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n").split("\n")
    code: set[int] = set()
    tokens = _md.parse("\n".join(lines))
    for tok in tokens:
        if tok.map is None:
            continue
        a, b = tok.map
        if tok.type == "heading_open":
            if tok.markup.startswith("#"):
                lines[a] = _escape_first(lines[a], "#")
            else:  # setext: the underline is the last line
                lines[b - 1] = _escape_first(lines[b - 1], "=-")
        elif tok.type == "hr":
            lines[a] = _escape_first(lines[a], "*-_")
        elif tok.type in ("fence", "code_block"):
            code.update(range(a, b))
            if tok.type == "fence":
                closing = lines[b - 1].strip() if b - 1 > a else ""
                if not (closing.startswith(tok.markup) and closing.strip(tok.markup[0]) == ""):
                    lines.append(tok.markup)  # an unclosed fence would swallow the document
    # Escape raw HTML everywhere except code blocks; paragraphs are joined so spans can cross lines.
    result: list[str] = []
    chunk: list[str] = []
    for i, line in enumerate(lines):
        if i in code:
            if chunk:
                result.extend(_escape_html("\n".join(chunk)).split("\n"))
                chunk = []
            result.append(line)
        else:
            chunk.append(line)
    if chunk:
        result.extend(_escape_html("\n".join(chunk)).split("\n"))
    return "\n".join(result)


def safe_inline(text: str) -> str:
    """A single line of bank text (a choice, a title) safe inside a list item or heading."""
    one_line = " ".join(text.split())
    return safe_block(one_line).replace("\n", " ")


def escape_link_text(text: str) -> str:
    return re.sub(r"([\[\]\\`*_<])", r"\\\1", " ".join(text.split()))
