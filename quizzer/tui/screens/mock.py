"""Setting up a mock interview: categories, number of questions, minutes per question."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Label, SelectionList, Static

from quizzer.i18n import N_, _
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.answer_input import mark_ticks
from quizzer.tui.widgets.form import field
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.titlebar import TitleBar

MOCK_DEFAULT_COUNT = 10
MOCK_OPEN_MINUTES = 3.0
MOCK_OTHER_MINUTES = 1.0
MOCK_CODE_MINUTES = 15.0  # a hand-coding question, as in a real coding round


class MockSetupScreen(Screen[None]):
    """N questions across chosen categories, with a timer per question."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="mock.back"),
        Binding("ctrl+s", "start", N_("Start"), id="mock.start"),
    ]

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(classes="page form"):
            yield Static(_("Mock interview"), classes="page-title")
            yield Static(_("Questions across the categories you pick, each against the clock; when the time is "
                           "up your answer so far is submitted. Reviews are recorded as usual."), classes="help")
            yield Label(_("Categories (↑↓ and Space to tick)"), classes="list-label")
            yield SelectionList[str](id="mock-categories")
            yield field(_("Questions"), Input(str(MOCK_DEFAULT_COUNT), type="integer", id="mock-count"))
            yield field(_("Minutes per open question"), Input(f"{MOCK_OPEN_MINUTES:g}", type="number", id="mock-open"))
            yield field(_("Minutes per other question"), Input(f"{MOCK_OTHER_MINUTES:g}", type="number",
                                                            id="mock-other"))
            yield field(_("Minutes per coding question"), Input(f"{MOCK_CODE_MINUTES:g}", type="number",
                                                             id="mock-code"))
            yield Static(id="mock-error", classes="error", markup=False)
            yield Button(_("Start (ctrl+s)"), id="mock-start", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        categories = self.query_one("#mock-categories", SelectionList)
        for category in app_of(self).library.categories():
            categories.add_option((category, category, True))
        mark_ticks(categories, app_of(self).library.categories())
        categories.focus()

    @on(SelectionList.SelectedChanged, "#mock-categories")
    def show_ticks(self) -> None:
        mark_ticks(self.query_one("#mock-categories", SelectionList), app_of(self).library.categories())

    @on(Input.Submitted)
    @on(Button.Pressed, "#mock-start")
    def action_start(self) -> None:
        error = self.query_one("#mock-error", Static)
        categories = list(self.query_one("#mock-categories", SelectionList).selected)
        try:
            count = int(self.query_one("#mock-count", Input).value)
            open_minutes = float(self.query_one("#mock-open", Input).value)
            other_minutes = float(self.query_one("#mock-other", Input).value)
            code_minutes = float(self.query_one("#mock-code", Input).value)
        except ValueError:
            error.update(_("Questions must be a whole number and the minutes numbers."))
            return
        if not categories:
            error.update(_("Tick at least one category."))
        elif not 1 <= count <= 200:
            error.update(_("Ask between 1 and 200 questions."))
        elif not all(0 < m <= 60 for m in (open_minutes, other_minutes, code_minutes)):
            error.update(_("Give each question between a few seconds and 60 minutes."))
        else:
            error.update("")
            app_of(self).start_mock(categories, count, open_minutes * 60, other_minutes * 60, code_minutes * 60)
