"""The stats screen's charts: a calendar heatmap of reviews and a bar chart of reviews falling due."""

from __future__ import annotations

from datetime import date, timedelta
from typing import ClassVar

from rich.cells import cell_len
from rich.text import Text
from textual.widget import Widget

from quizzer.i18n import N_, _

WEEKDAY_LABELS = (N_("Mon"), "", N_("Wed"), "", N_("Fri"), "", N_("Sun"))  # every other day, to stay light
EIGHTHS = " ▁▂▃▄▅▆▇█"


def heat_level(count: int, busiest: int) -> int:
    """0 for no reviews, then 1-4 by quarter of the busiest day."""
    if count <= 0 or busiest <= 0:
        return 0
    return min(4, 1 + (4 * (count - 1)) // busiest)


class Heatmap(Widget):
    """Reviews per study day over the last `days` days: one column per week, Monday on top."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        "heatmap--l0", "heatmap--l1", "heatmap--l2", "heatmap--l3", "heatmap--l4", "heatmap--label"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.counts: dict[date, int] = {}
        self.today = date.today()
        self.days = 182

    def show(self, counts: dict[date, int], today: date, days: int = 182) -> None:
        self.counts, self.today, self.days = counts, today, days
        self.refresh(layout=True)

    def render(self) -> Text:
        first = self.today - timedelta(days=self.days - 1)
        start = first - timedelta(days=first.weekday())
        weeks = (self.today - start).days // 7 + 1
        busiest = max(self.counts.values(), default=0)
        label = self.get_component_rich_style("heatmap--label")
        months = [" "] * (4 + 2 * weeks)
        previous_month = 0
        for week in range(weeks):
            monday = start + timedelta(days=7 * week)
            if monday.month != previous_month:
                name = monday.strftime("%b")
                at = 4 + 2 * week
                if all(c == " " for c in months[max(0, at - 1): at + 3]):
                    months[at: at + 3] = list(name)
                previous_month = monday.month
        out = Text("".join(months).rstrip() + "\n", style=label)
        for weekday in range(7):
            name = _(WEEKDAY_LABELS[weekday]) if WEEKDAY_LABELS[weekday] else ""
            out.append(name + " " * max(0, 4 - cell_len(name)), style=label)
            for week in range(weeks):
                day = start + timedelta(days=7 * week + weekday)
                if first <= day <= self.today:
                    level = heat_level(self.counts.get(day, 0), busiest)
                    out.append("■ ", style=self.get_component_rich_style(f"heatmap--l{level}"))
                else:
                    out.append("  ")
            out.append("\n")
        out.append("    " + _("Less") + " ", style=label)
        for level in range(5):
            out.append("■ ", style=self.get_component_rich_style(f"heatmap--l{level}"))
        out.append(_("More"), style=label)
        return out


class ForecastChart(Widget):
    """One bar per day (today first), scaled to the busiest day, with a day axis below."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"forecast--bar", "forecast--label"}
    ROWS = 5

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.values: list[int] = []

    def show(self, values: list[int]) -> None:
        self.values = values
        self.refresh(layout=True)

    def render(self) -> Text:
        bar = self.get_component_rich_style("forecast--bar")
        label = self.get_component_rich_style("forecast--label")
        busiest = max(self.values, default=0)
        heights = [0 if v <= 0 or busiest == 0 else max(1, round(v / busiest * self.ROWS * 8)) for v in self.values]
        out = Text()
        for row in range(self.ROWS):
            from_bottom = self.ROWS - 1 - row
            out.append(f"{busiest:>4} " if row == 0 else "     ", style=label)
            for h in heights:
                out.append(EIGHTHS[min(8, max(0, h - 8 * from_bottom))] + " ", style=bar)
            out.append("\n")
        axis = [" "] * (5 + 2 * len(self.values) + 4)
        last = len(self.values) - 1
        for offset, name in ((0, "today"), (7, "+7d"), (14, "+14d"), (21, "+21d"), (last, f"+{last}d")):
            if 0 < offset < last - 3 or offset in (0, last):
                at = 5 + 2 * offset
                axis[at: at + len(name)] = list(name)
        out.append("".join(axis).rstrip(), style=label)
        return out
