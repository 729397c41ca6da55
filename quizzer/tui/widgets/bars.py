"""A small table whose cells can hold bars (mastery, scores), coloured from the stylesheet.

The tables here hold a dozen rows that always fit, so the widget draws them as lines of text
with an optional row cursor. Textual's DataTable (virtual scrolling, per-cell caches, column
measuring) took about half of the home screen's first frame for eight rows.
"""

from __future__ import annotations

from typing import ClassVar

from rich.style import Style
from rich.text import Text
from textual import events
from textual.binding import Binding, BindingType
from textual.geometry import Size
from textual.message import Message
from textual.reactive import reactive
from textual.widget import Widget

from quizzer.i18n import N_, _

BAR_WIDTH = 12
NARROW_BAR_WIDTH = 8  # below 100 columns, so that tables fit 80
CELL_GAP = 2

Cell = str | Text


def bar_cells(fraction: float, width: int = BAR_WIDTH) -> tuple[int, int]:
    """(filled, empty) cell counts for a fraction in 0..1; any progress shows at least one cell."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    if fraction > 0 and filled == 0:
        filled = 1
    return filled, width - filled


def column_widths(rows: list[tuple[Cell, ...]]) -> list[int]:
    """The width of each column: its widest cell (header included)."""
    widths: list[int] = []
    for row in rows:
        for i, cell in enumerate(row):
            width = cell.cell_len if isinstance(cell, Text) else Text(cell).cell_len
            if i == len(widths):
                widths.append(width)
            else:
                widths[i] = max(widths[i], width)
    return widths


class BarTable(Widget):
    """A header line and one line per row; with `show_cursor`, ↑↓ move a row cursor and Enter selects."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "bar-table--header", "bar-table--cursor", "bar-table--filled", "bar-table--empty", "bar-table--dim"}
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "cursor_up", N_("Up"), show=False, id="table.up"),
        Binding("down,j", "cursor_down", N_("Down"), show=False, id="table.down"),
        Binding("home", "cursor_first", N_("First"), show=False, id="table.first"),
        Binding("end", "cursor_last", N_("Last"), show=False, id="table.last"),
        Binding("enter", "select", N_("Select"), show=False, id="table.select"),
    ]
    cursor_row: reactive[int] = reactive(0)

    class RowSelected(Message):
        """Enter (or a click on the cursor row) picked a row."""

        def __init__(self, table: BarTable, row: int, key: str | None) -> None:
            super().__init__()
            self.table, self.row, self.key = table, row, key

        @property
        def control(self) -> BarTable:
            return self.table

    def __init__(self, *, id: str | None = None, show_cursor: bool = True) -> None:
        super().__init__(id=id)
        self.can_focus = show_cursor
        self.show_cursor = show_cursor  # report-only tables (stats, summary) have no cursor
        self.columns: tuple[str, ...] = ()
        self.rows: list[tuple[Cell, ...]] = []
        self.keys: list[str | None] = []

    # ---- content ---------------------------------------------------------------------------------

    def add_columns(self, *labels: str) -> None:
        """Column labels are catalog messages (marked with N_), drawn in the language of the moment."""
        self.columns = labels
        self.refresh(layout=True)

    def add_row(self, *cells: Cell, key: str | None = None) -> None:
        self.rows.append(cells)
        self.keys.append(key)
        self.refresh(layout=True)

    def clear(self) -> None:
        self.rows, self.keys = [], []
        self.refresh(layout=True)

    @property
    def row_count(self) -> int:
        return len(self.rows)

    def bar(self, fraction: float, label: str | None = None) -> Text:
        filled, empty = bar_cells(fraction, BAR_WIDTH if self.app.size.width >= 100 else NARROW_BAR_WIDTH)
        text = Text()
        text.append("█" * filled, style=self.get_component_rich_style("bar-table--filled", partial=True))
        text.append("░" * empty, style=self.get_component_rich_style("bar-table--empty", partial=True))
        text.append(f" {label if label is not None else f'{fraction:.0%}'}")
        return text

    def dim(self, value: str) -> Text:
        return Text(value, style=self.get_component_rich_style("bar-table--dim", partial=True))

    # ---- drawing ---------------------------------------------------------------------------------

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return (1 if self.columns else 0) + len(self.rows)

    def get_content_width(self, container: Size, viewport: Size) -> int:
        widths = column_widths([self.header(), *self.rows])
        return sum(widths) + CELL_GAP * len(widths)

    def header(self) -> tuple[str, ...]:
        return tuple(_(label) for label in self.columns)

    def render(self) -> Text:
        header = self.header()
        widths = column_widths([header, *self.rows])
        lines = Text(no_wrap=True, overflow="crop", end="")
        if header:
            lines.append_text(self._line(header, widths, self.get_component_rich_style("bar-table--header")))
        for index, row in enumerate(self.rows):
            style = Style()
            if self.show_cursor and index == self.cursor_row:
                style = self.get_component_rich_style("bar-table--cursor")
            lines.append("\n")
            lines.append_text(self._line(row, widths, style))
        return lines

    @staticmethod
    def _line(cells: tuple[Cell, ...], widths: list[int], style: Style) -> Text:
        line = Text(" " * (CELL_GAP // 2), style=style)
        for cell, width in zip(cells, widths, strict=False):
            text = cell if isinstance(cell, Text) else Text(cell)
            line.append_text(text)
            line.append(" " * (width - text.cell_len + CELL_GAP))
        line.stylize_before(style)
        return line

    # ---- the cursor ------------------------------------------------------------------------------

    def validate_cursor_row(self, row: int) -> int:
        return max(0, min(row, len(self.rows) - 1))

    def move_cursor(self, *, row: int) -> None:
        self.cursor_row = row

    def watch_cursor_row(self) -> None:
        self.refresh()

    def action_cursor_up(self) -> None:
        self.cursor_row -= 1

    def action_cursor_down(self) -> None:
        self.cursor_row += 1

    def action_cursor_first(self) -> None:
        self.cursor_row = 0

    def action_cursor_last(self) -> None:
        self.cursor_row = len(self.rows) - 1

    def action_select(self) -> None:
        if self.show_cursor and self.rows:
            self.post_message(self.RowSelected(self, self.cursor_row, self.keys[self.cursor_row]))

    def on_click(self, event: events.Click) -> None:
        row = event.y - (1 if self.columns else 0)
        if not self.show_cursor or not 0 <= row < len(self.rows):
            return
        event.stop()
        if row == self.cursor_row:
            self.action_select()  # a click on the highlighted row picks it, as Enter does
        else:
            self.cursor_row = row
