"""What the user knows: a heatmap of reviews, the forecast of due reviews, retention and mastery per category,
then readiness, calibration, confidently wrong questions and leeches."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Vertical, VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from quizzer.i18n import N_, _
from quizzer.labels import days, reviews
from quizzer.stats import compute, forecast, heatmap
from quizzer.studyday import study_day
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.bars import BarTable
from quizzer.tui.widgets.charts import ForecastChart, Heatmap
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.study_loop import StudyLoopStats
from quizzer.tui.widgets.titlebar import TitleBar

HEATMAP_DAYS = 182  # about six months
FORECAST_DAYS = 30


class StatsScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="stats.back"),
        Binding("r", "review", N_("Review"), id="stats.review"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(classes="page"):
            with Container(id="charts"):
                with Vertical(classes="chart", id="heatmap-chart"):
                    yield Static(_("Reviews over the last 6 months"), classes="section-title")
                    yield Heatmap(id="heatmap")
                    yield Static(id="heatmap-summary", markup=False)
                with Vertical(classes="chart"):
                    yield Static(_("Reviews falling due in the next 30 days"), classes="section-title")
                    yield ForecastChart(id="forecast")
                    yield Static(id="forecast-summary", markup=False)
            yield Static(_("Retention (last 30 days) and mastery per category"), classes="section-title")
            yield BarTable(id="per-category", show_cursor=False)
            yield StudyLoopStats(id="study-loop")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#per-category", BarTable).add_columns(
            N_("category"), N_("questions"), N_("seen"), N_("reviews"), N_("retention"), N_("mastery"))

    def on_screen_resume(self) -> None:
        if not self.is_current:
            return  # passed through on the way home: nothing to compute
        self.refresh_data()

    def refresh_data(self) -> None:
        app = app_of(self)
        now = app.clock()
        data = compute(app.library, app.store, now, app.tz)
        reviews_by_day = heatmap(app.store, now, HEATMAP_DAYS, app.tz)
        due_by_day = forecast(app.library, app.store, now, FORECAST_DAYS, app.tz)
        self.query_one(Heatmap).show(reviews_by_day, study_day(now, app.tz), HEATMAP_DAYS)
        studied = sum(1 for n in reviews_by_day.values() if n)
        streak = data["streak_days"]
        self.query_one("#heatmap-summary", Static).update(
            _("{reviews} on {days} · streak {streak}").format(
                reviews=reviews(sum(reviews_by_day.values())), days=days(studied), streak=days(streak)))
        self.query_one(ForecastChart).show(due_by_day)
        self.query_one("#forecast-summary", Static).update(
            _("Due today {today} · next 7 days {week} · next 30 days {month}").format(
                today=due_by_day[0], week=sum(due_by_day[:7]), month=sum(due_by_day)))
        table = self.query_one("#per-category", BarTable)
        table.clear()
        rows = [*data["categories"].items(), (_("total"), data["totals"])]
        for name, s in rows:
            retention = s["retention_30d"]
            table.add_row(
                name, str(s["questions"]), str(s["seen"]), str(s["reviews"]),
                table.bar(retention) if retention is not None else table.dim("-"),
                table.bar(s["mastery"]), key=name)
        self.query_one(StudyLoopStats).show()

    def action_review(self) -> None:
        app_of(self).start_review()
