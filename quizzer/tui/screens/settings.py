"""The study settings: desired retention, daily limits, theme; saved in the store and applied."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from quizzer.tui.nav import app_of
from quizzer.tui.widgets.form import field
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.titlebar import TitleBar

THEMES = ("dark", "light")


class SettingsScreen(Screen[None]):
    """Desired retention, daily limits and theme; saved in the store and applied at once."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", "Back", id="settings.back"),
        Binding("ctrl+s", "save", "Save", id="settings.save"),
    ]

    def compose(self) -> ComposeResult:
        settings = app_of(self).scheduler.settings
        yield TitleBar()
        with VerticalScroll(classes="page form"):
            yield Static("Settings", classes="page-title")
            yield field("Desired retention (0.70-0.99)",
                        Input(f"{settings.desired_retention:g}", type="number", id="desired_retention"))
            yield field("New questions per day", Input(str(settings.new_per_day), type="integer", id="new_per_day"))
            yield field("Reviews per day", Input(str(settings.reviews_per_day), type="integer", id="reviews_per_day"))
            yield field("Theme", Select([(t, t) for t in THEMES], value=settings.theme, allow_blank=False, id="theme"))
            yield Static("Higher retention means more reviews; the limits cap each study day.", classes="help")
            yield Static(id="settings-error", classes="error", markup=False)
            yield Button("Save (ctrl+s)", id="settings-save", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#desired_retention", Input).focus()

    @on(Input.Submitted)
    @on(Button.Pressed, "#settings-save")
    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        try:
            retention = float(self.query_one("#desired_retention", Input).value)
            new_per_day = int(self.query_one("#new_per_day", Input).value)
            reviews_per_day = int(self.query_one("#reviews_per_day", Input).value)
        except ValueError:
            error.update("Retention must be a number and the limits whole numbers.")
            return
        theme = self.query_one("#theme", Select).value
        if not 0.7 <= retention <= 0.99:
            error.update("Desired retention must be between 0.70 and 0.99.")
        elif not (0 <= new_per_day <= 10_000 and 0 <= reviews_per_day <= 10_000):
            error.update("The daily limits must be between 0 and 10000.")
        else:
            error.update("")
            app_of(self).save_settings({"desired_retention": retention, "new_per_day": new_per_day,
                                        "reviews_per_day": reviews_per_day,
                                        "theme": theme if theme in THEMES else "dark"})
            self.notify("Settings saved.", timeout=3)
