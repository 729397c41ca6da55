"""HTML from card fields (Anki's, mostly) as the Markdown a bank holds.

What has a Markdown form keeps it (paragraphs, line breaks, bold, italics, code, lists, https links);
media (images, sounds, video) has none in a bank and is counted and dropped; every other tag is
unwrapped to its text, and scripts and styles are dropped with their content. Text that would read
as Markdown is escaped, so a card's `2*3*4` stays `2*3*4`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

from quizzer.mdsafe import is_web_link

MEDIA_TAGS = frozenset({"img", "audio", "video", "source", "object", "embed", "svg"})
BLOCK_TAGS = frozenset({"p", "div", "section", "article", "blockquote", "h1", "h2", "h3", "h4", "h5", "h6",
                        "hr", "table", "tr", "dl", "dt", "dd", "figure", "center"})
EMPHASIS = {"b": "**", "strong": "**", "i": "*", "em": "*"}
DROPPED_TAGS = frozenset({"script", "style", "head", "title", "template"})
SOUND = re.compile(r"\[sound:[^\]]*\]")
# Characters that start Markdown anywhere in a line; `_` only counts at a word's edge.
_SPECIAL = re.compile(r"([\\`*\[\]<]|(?<![A-Za-z0-9])_|_(?![A-Za-z0-9]))")


@dataclass(frozen=True)
class Converted:
    markdown: str
    media: int  # images, sounds and videos left out


def plain_markdown(text: str) -> str:
    """Plain text (a field Anki did not store as HTML) escaped so that Markdown shows it as it is."""
    lines = [_SPECIAL.sub(r"\\\1", line.rstrip()) for line in text.replace("\r\n", "\n").split("\n")]
    return re.sub(r"\n{3,}", "\n\n", "\n".join(lines)).strip()


def html_to_markdown(html: str) -> Converted:
    sounds = len(SOUND.findall(html))
    parser = _Converter()
    parser.feed(SOUND.sub(" ", html))
    parser.close()
    return Converted(parser.result(), parser.media + sounds)


class _Converter(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.media = 0
        self.lists: list[list[int]] = []  # per open list: [next number], or [0] for bullets
        self.pre = 0
        self.code: list[str] | None = None  # text of an inline code span being read
        self.dropped = 0
        self.links: list[str | None] = []
        self.emphasis: list[tuple[str, int]] = []  # open <b>/<i> tags and where their marker is in `out`

    # -- structure
    def _break(self) -> None:
        """A new paragraph; inside a list, a new line (a blank line would end the item)."""
        self.out.append("\n" if self.lists else "\n\n")

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_TAGS:
            self.dropped += 1
        elif tag in MEDIA_TAGS:
            self.media += 1
        elif tag == "br":
            self.out.append("\n" if self.pre else " " if self.lists else "\n\n")
        elif tag == "pre":
            self._break()
            self.pre += 1
            self.out.append("\x00PRE")
        elif tag == "code" and not self.pre:
            self.code = []
        elif tag in EMPHASIS:
            self.emphasis.append((tag, len(self.out)))
            self.out.append(EMPHASIS[tag])
        elif tag in ("ul", "ol"):
            if not self.lists:
                self.out.append("\n\n")
            self.lists.append([1 if tag == "ol" else 0])
        elif tag == "li":
            depth = max(len(self.lists) - 1, 0)
            numbering = self.lists[-1] if self.lists else [0]
            bullet = f"{numbering[0]}." if numbering[0] else "-"
            if numbering[0]:
                numbering[0] += 1
            self.out.append("\n" + "  " * depth + bullet + " ")
        elif tag == "a":
            href = dict(attrs).get("href") or ""
            self.links.append(href if is_web_link(href) else None)
            if self.links[-1]:
                self.out.append("[")
        elif tag in ("td", "th"):
            self.out.append(" | ")
        elif tag == "sup":
            self.out.append("^")  # x<sup>2</sup> reads x^2, as people type it
        elif tag in BLOCK_TAGS:
            self._break()
            if tag.startswith("h") and tag[1:].isdigit():
                self.out.append("**")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag not in ("br", "hr") and tag not in MEDIA_TAGS:
            self.handle_endtag(tag)

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_TAGS:
            self.dropped = max(self.dropped - 1, 0)
        elif tag == "pre" and self.pre:
            self.pre -= 1
            start = len(self.out) - 1 - self.out[::-1].index("\x00PRE")
            body = "".join(self.out[start + 1:]).strip("\n")
            fence = "`" * max(3, _longest_run(body, "`") + 1)
            self.out[start:] = [f"{fence}\n{body}\n{fence}"]
            self._break()
        elif tag == "code" and self.code is not None:
            text = " ".join("".join(self.code).split())
            self.code = None
            if text:
                ticks = "`" * (_longest_run(text, "`") + 1)
                pad = " " if text.startswith("`") or text.endswith("`") else ""
                self.out.append(f"{ticks}{pad}{text}{pad}{ticks}")
        elif tag in EMPHASIS and self.emphasis and self.emphasis[-1][0] == tag:
            self._close_emphasis(EMPHASIS[tag], self.emphasis.pop()[1])
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
            self._break()
        elif tag == "a" and self.links:
            href = self.links.pop()
            if href:
                self.out.append(f"]({href})")
        elif tag in BLOCK_TAGS:
            if tag.startswith("h") and tag[1:].isdigit():
                self.out.append("**")
            self._break()

    def _close_emphasis(self, marker: str, start: int) -> None:
        """Close `**`/`*` opened at `out[start]`: around nothing it is dropped, and spaces move outside
        the markers (`** x**` is not emphasis in Markdown)."""
        body = "".join(self.out[start + 1:])
        if not body.strip():
            self.out[start:] = [body]
            return
        lead, trail = body[: len(body) - len(body.lstrip())], body[len(body.rstrip()):]
        self.out[start:] = [f"{lead}{marker}{body.strip()}{marker}{trail}"]

    def handle_data(self, data: str) -> None:
        if self.dropped:
            return
        if self.pre:
            self.out.append(data)
        elif self.code is not None:
            self.code.append(data)
        else:
            self.out.append(_SPECIAL.sub(r"\\\1", re.sub(r"\s+", " ", data.replace("\xa0", " "))))

    def result(self) -> str:
        text = "".join(self.out)
        lines = [line.rstrip() for line in text.split("\n")]
        paragraphs = "\n".join(line if line.strip() else "" for line in lines)
        cleaned = re.sub(r"\n{3,}", "\n\n", paragraphs).strip()
        # A line that starts with spaces only because of the HTML's layout would read as code; code
        # blocks and nested list items keep theirs.
        out: list[str] = []
        fence = ""
        for line in cleaned.split("\n"):
            if fence:
                fence = "" if line == fence else fence
            elif m := _FENCE.match(line):
                fence = m.group()
            elif not _LIST_ITEM.match(line):
                line = line.lstrip()
            if not fence:
                line = re.sub(r"(?<=\S) {2,}", " ", line)
            out.append(line)
        return "\n".join(out)


_LIST_ITEM = re.compile(r"^\s*(?:-|\d+\.)\s")
_FENCE = re.compile(r"^`{3,}")


def _longest_run(text: str, ch: str) -> int:
    runs = re.findall(f"{re.escape(ch)}+", text)
    return max((len(r) for r in runs), default=0)
