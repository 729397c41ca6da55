"""Bank Markdown as the HTML an Anki card shows.

Anki fields are HTML, shown by AnkiDroid and AnkiMobile as well as the desktop app. Raw HTML in bank
text is never passed on (markdown-it's `html` option is off, so a `<` in a prompt reaches the card as
`&lt;` and is shown as `<`), and code blocks are highlighted with inline styles (Pygments'
`noclasses`), because a card cannot rely on scripts or on a style sheet that knows Pygments' classes.
"""

from __future__ import annotations

import html
from typing import Any

from markdown_it import MarkdownIt
from pygments import highlight
from pygments.formatters import HtmlFormatter
from pygments.lexers import get_lexer_by_name
from pygments.util import ClassNotFound

# One look for every code block, light or dark card: the block brings its own background.
PRE_STYLE = ("background:#f6f8fa;color:#24292f;padding:0.6em;border-radius:4px;"
             "overflow-x:auto;text-align:left;font-size:0.9em;line-height:1.35")
_FORMATTER = HtmlFormatter(noclasses=True, nowrap=True, style="default")


def _highlighted(code: str, lang: str, attrs: Any) -> str:
    """A fenced block as a `<pre>` with inline colours; a language Pygments does not know is shown plain."""
    try:
        lexer = get_lexer_by_name(lang.strip()) if lang.strip() else None
    except ClassNotFound:
        lexer = None
    body = str(highlight(code, lexer, _FORMATTER)) if lexer is not None else html.escape(code)
    return f'<pre style="{PRE_STYLE}"><code>{body}</code></pre>\n'


_md = MarkdownIt("commonmark", {"html": False, "highlight": _highlighted}).enable(["table", "strikethrough"])
# An indented code block has no language, but it is still code: give it the same box.
_md.add_render_rule("code_block", lambda self, tokens, idx, options, env: _highlighted(tokens[idx].content, "", None))


def markdown_html(text: str) -> str:
    """`text` (bank Markdown) as HTML for a card field."""
    return str(_md.render(text.replace("\r\n", "\n"))).strip()


def text_html(text: str) -> str:
    """Plain text (an id, a label) as HTML: escaped, never interpreted."""
    return html.escape(text, quote=True)
