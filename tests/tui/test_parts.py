"""The pure parts of the UI: bar and heat levels, the feedback's Markdown, the answer widget per type."""

from __future__ import annotations

import pytest

from quizzer.model import Library
from quizzer.tui.widgets.answer_input import (
    ChoiceAnswer,
    MultiAnswer,
    OpenAnswer,
    TextAnswer,
    TrueFalseAnswer,
    answer_hint,
    answer_widget,
)
from quizzer.tui.widgets.bars import bar_cells
from quizzer.tui.widgets.charts import heat_level
from quizzer.tui.widgets.feedback import answer_markdown, correct_answer_line, references_markdown


@pytest.mark.parametrize(("fraction", "cells"), [(0, (0, 12)), (0.001, (1, 11)), (0.5, (6, 6)), (1, (12, 0)),
                                                  (1.7, (12, 0)), (-1, (0, 12))])
def test_bar_cells_show_any_progress(fraction: float, cells: tuple[int, int]) -> None:
    assert bar_cells(fraction, 12) == cells


def test_heat_levels_scale_with_the_busiest_day() -> None:
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat_level(3, 0) == 0


def test_feedback_marks_covered_key_points_and_links_article_titles(library: Library) -> None:
    q = library.get("inference/kv-cache-purpose")
    assert q is not None
    text = answer_markdown(library, q, (True, False, True), marked=True)
    assert "- ✓ keys and values of past tokens" in text and "- · per layer and per head" in text
    title, url = library.ref_link("kv-cache")
    assert f"]({url})" in references_markdown(library, q) and title != url


def test_correct_answer_line_says_what_is_accepted(library: Library) -> None:
    short, numeric = library.get("base/paged-attention-name"), library.get("base/fp16-weights-7b")
    assert short is not None and numeric is not None
    assert correct_answer_line(short) == "Answer: PagedAttention  (also accepted: paged attention)"
    assert correct_answer_line(numeric) == "Answer: 14 GB  (within ±2%)"


def test_each_type_gets_its_input(library: Library) -> None:
    expected = {"mcq": ChoiceAnswer, "multi": MultiAnswer, "truefalse": TrueFalseAnswer, "short": TextAnswer,
                "numeric": TextAnswer, "open": OpenAnswer}
    for q in library:
        assert type(answer_widget(q, list(q.choices))) is expected[q.type]
        assert answer_hint(q, len(q.choices))
