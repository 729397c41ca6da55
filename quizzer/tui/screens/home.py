"""The start screen: the eight categories with their progress, today's counts, the streak and the keys to begin."""

from __future__ import annotations

from typing import Any, ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from quizzer.i18n import N_, _
from quizzer.labels import days
from quizzer.model import CATEGORIES
from quizzer.render import one_line
from quizzer.stats import compute
from quizzer.study_queue import due_counts
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.bars import BarTable
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.titlebar import TitleBar

CATEGORY_QUIZ_SIZE = 10


class HomeScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("r", "review", N_("Review"), id="home.review"),
        Binding("c", "category_quiz", N_("Quiz"), id="home.quiz"),
        Binding("x", "cram", N_("Cram"), id="home.cram", show=False),  # said in the hint, to keep the bar short
        Binding("m", "mock", N_("Mock"), id="home.mock"),
        Binding("b", "browse", N_("Browse"), id="home.browse"),
        Binding("s", "stats", N_("Stats"), id="home.stats"),
        Binding("o", "settings", N_("Settings"), id="home.settings"),
        Binding("q", "app.quit", N_("Quit"), id="home.quit"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(classes="page"):
            yield Static(id="overview", markup=False)
            yield Static(id="interview", markup=False)
            yield Static(id="hint", markup=False)
            yield BarTable(id="categories")
        yield KeyBar()

    stats: dict[str, Any] | None = None  # the last numbers shown, laid out again on a resize

    def on_mount(self) -> None:
        self.query_one("#categories", BarTable).add_columns(
            N_("category"), N_("title"), N_("questions"), N_("seen"), N_("due"), N_("mastery"))

    def on_screen_resume(self) -> None:
        if not self.is_current:
            return  # passed through on the way home: nothing to compute
        self.refresh_data()  # once per show: the numbers change after every session

    def refresh_data(self) -> None:
        app = app_of(self)
        now = app.clock()
        data = compute(app.library, app.store, now, app.tz)
        counts = due_counts(app.library, app.store, app.scheduler, now, app.tz, app.goal)
        self.show_interview()
        totals, streak = data["totals"], data["streak_days"]
        self.query_one("#overview", Static).update(
            _("Today: {due} due · {new} new · {learning} learning    Streak: {streak}    "
              "{seen} of {questions} questions seen").format(
                due=counts.due_now, new=counts.new_available, learning=counts.learning, streak=days(streak),
                seen=totals["seen"], questions=totals["questions"]))
        hint = self.query_one("#hint", Static)
        if totals["seen"] == 0:
            hint.update(_(
                "New here? Press r to start today's review: {new} new questions, one at a time. "
                "Each answer is graded and explained, then scheduled again just before you would forget it. "
                "Or pick a category with ↑↓ and press c for a quiz; ctrl+p lists every command.").format(
                    new=counts.new_available))
        elif counts.due_now or counts.new_available:
            hint.update(_("Press r for today's review ({due} due, {new} new).").format(
                due=counts.due_now, new=counts.new_available))
        else:
            hint.update(_("All done for today. Press c to quiz the highlighted category, x to cram questions not yet "
                          "due, or m for a mock interview."))
        self.stats = data
        self.lay_out_table()

    def show_interview(self) -> None:
        """Days left and readiness on the interview day, when a date is set (settings or `quizzer plan`)."""
        app = app_of(self)
        line = self.query_one("#interview", Static)
        goal = app.goal
        line.display = goal is not None
        if goal is None:
            return
        from quizzer.readiness import days_left, interview_moment, readiness

        left = days_left(goal.day, app.clock(), app.tz)
        pool = [q for q in app.library if not goal.categories or q.category in goal.categories]
        ready = readiness(pool, app.store, app.scheduler, interview_moment(goal.day, app.tz))
        when = _("today") if left == 0 else _("passed") if left < 0 else _("in {days}").format(days=days(left))
        weakest = min(ready.categories.items(), key=lambda kv: kv[1], default=None)
        text = _("Interview {date} ({when}) · readiness {ready}").format(
            date=goal.day.isoformat(), when=when, ready=f"{ready.total:.0%}")
        if weakest:
            text += " · " + _("weakest: {category} {ready}").format(category=weakest[0], ready=f"{weakest[1]:.0%}")
        line.update(text)

    def on_resize(self) -> None:
        if self.stats is not None:
            self.lay_out_table()  # titles get the width there is now: cut less when wider, never wrapped

    def lay_out_table(self) -> None:
        app, data = app_of(self), self.stats
        assert data is not None
        table = self.query_one("#categories", BarTable)
        row = table.cursor_row
        table.clear()
        # What the other columns, the cell padding and the page margins leave for the bank's title.
        width = self.app.size.width
        title_width = max(12, width - (61 if width >= 100 else 57) - (8 if width >= 130 else 0))
        for category in CATEGORIES:
            stats = data["categories"].get(category)
            if stats is None:
                table.add_row(category, table.dim(_("(no bank loaded)")), "-", "-", "-", "", key=category)
                continue
            table.add_row(category, one_line(app.library.title_of(category, app.lang), title_width),
                          str(stats["questions"]), str(stats["seen"]),
                          str(stats["due_now"]), table.bar(stats["mastery"]), key=category)
        table.move_cursor(row=row)
        if self.focused is not table:
            table.focus()

    def highlighted_category(self) -> str:
        table = self.query_one("#categories", BarTable)
        return CATEGORIES[table.cursor_row] if 0 <= table.cursor_row < len(CATEGORIES) else CATEGORIES[0]

    def on_bar_table_row_selected(self, event: BarTable.RowSelected) -> None:
        event.stop()
        self.action_category_quiz()

    def action_review(self) -> None:
        app_of(self).start_review()

    def action_category_quiz(self) -> None:
        app_of(self).start_quiz({"categories": [self.highlighted_category()], "count": CATEGORY_QUIZ_SIZE})

    def action_cram(self) -> None:
        app_of(self).start_cram()

    def action_mock(self) -> None:
        app_of(self).open_mock_setup()

    def action_browse(self) -> None:
        app_of(self).open_browse()

    def action_stats(self) -> None:
        app_of(self).open_stats()

    def action_settings(self) -> None:
        app_of(self).open_settings()
