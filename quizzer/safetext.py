"""Text from files shown in a terminal: control characters and bidi overrides made visible.

A bank key, a file name or a value quoted in a message could otherwise carry escape sequences
(OSC 52 writes the clipboard, OSC 0 the window title, CSI recolours the screen) or bidi overrides
that make a line read differently from what it holds.
"""

from __future__ import annotations

import re

# C0 controls except tab and newline, DEL and C1: they can move the cursor or rewrite a terminal.
CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
# Bidi embeddings, overrides and isolates: they reorder how the text around them is displayed.
BIDI = re.compile("[\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_LINE = re.compile("[\x00-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_UNSAFE_IN_BLOCK = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def _escape(match: re.Match[str]) -> str:
    code = ord(match.group())
    if code == 0x0A:
        return "\\n"
    if code == 0x09:
        return "\\t"
    return f"\\x{code:02x}" if code <= 0xFF else f"\\u{code:04x}"


def one_line(text: str) -> str:
    """`text` as one printable line: every control character (newline and tab too) and bidi
    control escaped, as in `\\x1b` or `\\u202e`."""
    return _UNSAFE_IN_LINE.sub(_escape, text)


def printable(text: str) -> str:
    """`text` with control characters and bidi controls escaped, keeping newlines and tabs."""
    return _UNSAFE_IN_BLOCK.sub(_escape, text)
