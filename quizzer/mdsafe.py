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
# A setext underline is never itself a list item, so only quote markers come before it: in `- `
# under a line of text, the `-` is the underline, not a bullet.
_QUOTE_PREFIX = re.compile(r"^(\s*(?:>\s?)*)")
_FENCE = re.compile(r"^\s*(?:>\s?|[-+*]\s+|\d{1,9}[.)]\s+)*\s*(`{3,}|~{3,})")


def _escape_first(line: str, chars: str, containers: re.Pattern[str] = _CONTAINER_PREFIX) -> str:
    """Backslash-escape the first structural character after any container markers."""
    prefix = containers.match(line)
    start = prefix.end() if prefix else 0
    for i in range(start, len(line)):
        if line[i] in chars:
            return line[:i] + "\\" + line[i:]
        if not line[i].isspace():
            break
    return line


_CODE_SPAN_OR_LT = re.compile(r"(`+)|<")


def _escape_html(text: str) -> str:
    """Escape `<` outside code spans so that no raw HTML reaches the page."""
    if "<" not in text:
        return text
    out: list[str] = []
    pos = 0
    while (m := _CODE_SPAN_OR_LT.search(text, pos)) is not None:
        out.append(text[pos: m.start()])
        if m.group(1) is None:  # a bare `<`
            out.append("&lt;")
            pos = m.end()
            continue
        run = m.group(1)
        close = re.compile(rf"(?<!`){run}(?!`)").search(text, m.end())
        if close is None:  # an unmatched backtick run is literal text
            out.append(run)
            pos = m.end()
        else:
            out.append(text[m.start(): close.end()])
            pos = close.end()
    out.append(text[pos:])
    return "".join(out)


# A line that could open a heading, break, fence, HTML block or blockquote (possibly inside a list).
_MAYBE_STRUCTURE = re.compile(r"^[ \t]*(?:(?:\d{1,9}[.)]|[-+*>])[ \t]*)*[#=\-*_`~<>+]", re.M)


def safe_block(text: str) -> str:
    """Bank Markdown made safe to embed as a sequence of blocks."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").strip("\n")
    # An escape can make new structure: escaping the heading `#` above a `-` line turns the two
    # into a setext heading. Passes repeat until nothing changes (escapes only add, so it ends).
    for _ in range(_MAX_PASSES):
        safer = _one_pass(text)
        if safer == text:
            break
        text = safer
    return text


_MAX_PASSES = 8


def _one_pass(text: str) -> str:
    if not _MAYBE_STRUCTURE.search(text):
        return _escape_html(text)  # plain paragraphs: no block structure to neutralise
    lines = text.split("\n")
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
                lines[b - 1] = _escape_first(lines[b - 1], "=-", _QUOTE_PREFIX)
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


def list_item(text: str) -> str:
    """`- text` as one list item. Text that would run into the bullet (`- --` is a thematic break,
    `- - x` a nested list) has its first character escaped."""
    body = safe_inline(text)
    if body[:1] in ("-", "*", "_", "+"):
        body = "\\" + body
    return f"- {body}"


def escape_link_text(text: str) -> str:
    return re.sub(r"([\[\]\\`*_<])", r"\\\1", " ".join(text.split()))


# Characters that could end a link destination or start Markdown of their own inside one.
_DESTINATION_UNSAFE = re.compile(r"[\s()\[\]<>\"'`\\\\]")
# Text that can hold a link: an inline link or image `](`, a reference `]:`/`][`, an autolink `<x:`.
_MAY_LINK = re.compile(r"\]\s*[(:\[]|<[A-Za-z][A-Za-z0-9+.\-]{1,31}:")
# A parser that keeps every link it reads: markdown-it drops javascript:, data: and the like
# silently, but other renderers of an export would not, so they must be seen to be refused.
_md_all_links = MarkdownIt("commonmark")
_md_all_links.validateLink = lambda url: True  # type: ignore[method-assign]


def link_destination(url: str) -> str:
    """`url` written so that it stays one link destination in Markdown, whatever it holds."""
    return _DESTINATION_UNSAFE.sub(lambda m: f"%{ord(m.group()):02X}", url)


def is_web_link(url: str) -> bool:
    """Only https:// links to a host may be followed from bank text."""
    from urllib.parse import urlsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme == "https" and bool(parts.hostname) and not _DESTINATION_UNSAFE.search(url)


def links_in(text: str) -> list[str]:
    """Every link and image destination that Markdown reads in `text` (inline, reference, autolink)."""
    if not _MAY_LINK.search(text):
        return []
    found: list[str] = []
    stack = list(_md_all_links.parse(text))
    while stack:
        token = stack.pop()
        if token.children:
            stack.extend(token.children)
        for attr in ("href", "src"):
            value = token.attrGet(attr)
            if isinstance(value, str):
                found.append(value)
    return found


def bad_links(text: str) -> list[str]:
    """The links in bank Markdown that are not https:// web links."""
    return [url for url in links_in(text) if not is_web_link(url)]
