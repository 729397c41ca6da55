"""The pure parts of the UI: bar and heat levels, the feedback's Markdown, the answer widget per type."""

from __future__ import annotations

import pytest
from rich.text import Text

from quizzer.answers import answer_line, references_markdown, teaching_markdown
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
from quizzer.tui.widgets.bars import bar_cells, column_widths
from quizzer.tui.widgets.charts import heat_level
from quizzer.tui.widgets.keybar import Key, layout

from .driver import headless


@pytest.mark.parametrize(("fraction", "cells"), [(0, (0, 12)), (0.001, (1, 11)), (0.5, (6, 6)), (1, (12, 0)),
                                                  (1.7, (12, 0)), (-1, (0, 12))])
def test_bar_cells_show_any_progress(fraction: float, cells: tuple[int, int]) -> None:
    assert bar_cells(fraction, 12) == cells


def test_column_widths_fit_the_widest_cell_of_each_column() -> None:
    rows: list[tuple[str | Text, ...]] = [("category", "seen"), ("applications", "3"), ("base", Text("██░ 50%"))]
    assert column_widths(rows) == [12, 7]
    assert column_widths([]) == []


KEYS = [Key("r", "r", "Review", True), Key("c", "c", "Quiz", True), Key("escape", "esc", "End", False)]
PALETTE = Key("ctrl+p", "^p", "palette", True)


@pytest.mark.parametrize(("width", "starts"), [
    (80, [(1, "r"), (11, "c"), (19, "escape"), (70, "ctrl+p")]),  # all fit; the palette at the right edge
    (30, [(1, "r"), (11, "c"), (20, "ctrl+p")]),  # "esc End" would run into the palette: left out
    (12, [(2, "ctrl+p")]),
])
def test_key_bar_layout(width: int, starts: list[tuple[int, str]]) -> None:
    assert [(x, k.key) for x, k in layout(KEYS, PALETTE, width)] == starts


def test_key_bar_without_a_palette_uses_the_whole_line() -> None:
    assert [x for x, _ in layout(KEYS, None, 27)] == [1, 11, 19]


def test_heat_levels_scale_with_the_busiest_day() -> None:
    assert [heat_level(n, 8) for n in (0, 1, 2, 3, 4, 5, 8)] == [0, 1, 1, 2, 2, 3, 4]
    assert heat_level(3, 0) == 0


def test_feedback_marks_covered_key_points_and_links_article_titles(library: Library) -> None:
    q = library.get("inference/kv-cache-purpose")
    assert q is not None
    text = teaching_markdown(library, q, (True, False, True), marked=True)
    assert "- ✓ keys and values of past tokens" in text and "- · per layer and per head" in text
    title, url = library.ref_link("kv-cache")
    assert f"]({url})" in references_markdown(library, q) and title != url


def test_correct_answer_line_says_what_is_accepted(library: Library) -> None:
    short, numeric = library.get("base/paged-attention-name"), library.get("base/fp16-weights-7b")
    assert short is not None and numeric is not None
    assert answer_line(short) == "PagedAttention  (also accepted: paged attention)"
    assert answer_line(numeric) == "14 GB  (within ±2%)"


def test_each_type_gets_its_input(library: Library) -> None:
    expected = {"mcq": ChoiceAnswer, "multi": MultiAnswer, "truefalse": TrueFalseAnswer, "short": TextAnswer,
                "numeric": TextAnswer, "open": OpenAnswer}
    says = {"mcq": "Pick one", "multi": "Tick every right choice", "truefalse": "Press t or f",
            "short": "Type your answer", "numeric": "Type a number (in GB)", "open": "ctrl+r to reveal"}
    for q in library:
        assert type(answer_widget(q, list(q.choices))) is expected[q.type]
        assert says[q.type] in answer_hint(q, len(q.choices)), q.type


@pytest.mark.parametrize("widget", [MultiAnswer, ChoiceAnswer])
@headless
async def test_long_choices_wrap_and_are_never_cut(widget: type[MultiAnswer] | type[ChoiceAnswer]) -> None:
    from textual.app import App, ComposeResult

    long = "The key and value vectors of every previous token, for every layer and every KV head, kept wholly"

    class Host(App[None]):
        def compose(self) -> ComposeResult:
            yield widget([long, "short"], id="answer")

    app = Host()
    async with app.run_test(size=(50, 24)) as pilot:
        await pilot.pause()
        screen = app.export_screenshot()
    assert "…" not in screen and "wholly" in screen
