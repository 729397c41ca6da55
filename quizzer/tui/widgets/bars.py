"""A table whose cells can hold bars (mastery, scores), coloured from the stylesheet."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.widgets import DataTable

BAR_WIDTH = 12
NARROW_BAR_WIDTH = 8  # below 100 columns, so that tables fit 80


def bar_cells(fraction: float, width: int = BAR_WIDTH) -> tuple[int, int]:
    """(filled, empty) cell counts for a fraction in 0..1; any progress shows at least one cell."""
    fraction = min(1.0, max(0.0, fraction))
    filled = round(fraction * width)
    if fraction > 0 and filled == 0:
        filled = 1
    return filled, width - filled


class BarTable(DataTable[str | Text]):
    """A row-cursor table with `bar()` for cells; bar colours come from the component classes."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"bar-table--filled", "bar-table--empty", "bar-table--dim"}

    def __init__(self, *, id: str | None = None, show_cursor: bool = True) -> None:
        # Tables that only report (stats, summary) hide the cursor, which would recolour a row's bar.
        super().__init__(id=id, cursor_type="row", zebra_stripes=False, show_cursor=show_cursor)

    def bar(self, fraction: float, label: str | None = None) -> Text:
        filled, empty = bar_cells(fraction, BAR_WIDTH if self.app.size.width >= 100 else NARROW_BAR_WIDTH)
        text = Text()
        text.append("█" * filled, style=self.get_component_rich_style("bar-table--filled", partial=True))
        text.append("░" * empty, style=self.get_component_rich_style("bar-table--empty", partial=True))
        text.append(f" {label if label is not None else f'{fraction:.0%}'}")
        return text

    def dim(self, value: str) -> Text:
        return Text(value, style=self.get_component_rich_style("bar-table--dim", partial=True))
