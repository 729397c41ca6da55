"""Bank Markdown as plain text: readable (no raw Markdown), wrapped without breaking words, CJK-aware."""

from __future__ import annotations

import re

import pytest

from quizzer.banks import check
from quizzer.paths import shipped_banks_dir, shipped_catalog
from quizzer.plaintext import display_width, to_text

BOLD = re.compile(r"\*\*[^\s*][^*]*[^\s*]\*\*")  # Markdown strong, not the ** of a power
CASES = [
    ("**bold** and `code`", "bold and code"),
    ("see [the paper](https://arxiv.org/abs/1) now", "see the paper (https://arxiv.org/abs/1) now"),
    ("<https://a.example/x>", "https://a.example/x"),
    ("- one\n- two", "- one\n- two"),
    ("1. one\n2. two", "1. one\n2. two"),
    ("line one\nline two", "line one line two"),
    ("中文\n接着", "中文接着"),
    ("```python\nx = 1\n```", "    x = 1"),
]


@pytest.mark.parametrize(("markdown", "text"), CASES)
def test_markdown_becomes_plain_text(markdown: str, text: str) -> None:
    assert to_text(markdown) == text


def test_every_shipped_text_wraps_within_the_width_without_raw_markdown() -> None:
    library = check([shipped_banks_dir()], shipped_catalog()).library
    assert library is not None
    for q in list(library)[::7]:
        for source in (q.prompt, q.explanation, str(dict(q.zh).get("explanation", ""))):
            text = to_text(source, 60)
            prose = [line for line in text.splitlines() if not line.startswith("    ")]
            assert not any(BOLD.search(line) or "<https://" in line for line in prose), q.gid
            too_wide = [line for line in prose if display_width(line) > 60 and " " in line.strip()
                        and not any(display_width(w) > 40 for w in line.split())]
            assert too_wide == [], (q.gid, too_wide[:1])
