"""The study settings: desired retention, daily limits, theme; saved in the config file and applied."""

from __future__ import annotations

from typing import ClassVar

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Button, Input, Select, Static

from quizzer.config import SCHEMA
from quizzer.i18n import N_, _
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.form import field
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.titlebar import TitleBar


class SettingsScreen(Screen[None]):
    """Desired retention, daily limits and theme (previewed as it is chosen); saved in the config file
    and applied at once. Leaving without saving puts the theme back."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "back", N_("Back"), id="settings.back"),
        Binding("ctrl+s", "save", N_("Save"), id="settings.save"),
    ]

    def compose(self) -> ComposeResult:
        app = app_of(self)
        settings = app.scheduler.settings
        themes = sorted(app.available_themes)
        yield TitleBar()
        with VerticalScroll(classes="page form"):
            yield Static(_("Settings"), classes="page-title")
            yield field(_("Desired retention (0.70-0.99)"),
                        Input(f"{settings.desired_retention:g}", type="number", id="desired_retention"))
            yield field(_("New questions per day"),
                        Input(str(settings.new_per_day), type="integer", id="new_per_day"))
            yield field(_("Reviews per day"),
                        Input(str(settings.reviews_per_day), type="integer", id="reviews_per_day"))
            yield field(_("Theme"), Select([(t, t) for t in themes], value=app.theme, allow_blank=False, id="theme"))
            languages = [(_("Follow the system locale"), ""), ("English", "en"), ("中文", "zh")]
            yield field(_("Language"), Select(languages, value=str(app.config.values["ui"]["language"]),
                                              allow_blank=False, id="language"))
            study = app.config.values["study"]
            yield field(_("Interview date (YYYY-MM-DD)"),
                        Input(str(study["interview_date"]), placeholder=_("none"), id="interview_date"))
            yield field(_("Minutes a day (plan)"), Input(str(study["minutes_per_day"]), type="integer",
                                                         id="minutes_per_day"))
            yield field(_("Leech after lapses"), Input(str(study["leech_threshold"]), type="integer",
                                                       id="leech_threshold"))
            for key, label in (("confidence_in_reviews", _("Ask how sure: reviews")),
                               ("confidence_in_mock", _("Ask how sure: mock"))):
                yield field(label, Select([(_("yes"), "yes"), (_("no"), "no")], value="yes" if study[key] else "no",
                                          allow_blank=False, id=key))
            yield Static(_("Higher retention means more reviews; the limits cap each study day. With an interview "
                           "date, the daily review follows the plan instead of the new-per-day limit."),
                         classes="help")
            yield Static(id="settings-error", classes="error", markup=False)
            yield Button(_("Save (ctrl+s)"), id="settings-save", variant="primary")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#desired_retention", Input).focus()

    @on(Select.Changed, "#theme")
    def preview_theme(self, event: Select.Changed) -> None:
        if isinstance(event.value, str) and event.value != self.app.theme:
            self.app.theme_changed_signal.unsubscribe(self.app)  # a preview is not a choice yet
            self.app.theme = event.value
            self.app.theme_changed_signal.subscribe(self.app, app_of(self).remember_theme)

    def action_back(self) -> None:
        app_of(self).apply_theme()  # the saved theme, if a preview was left unsaved
        self.app.pop_screen()

    @on(Input.Submitted)
    @on(Button.Pressed, "#settings-save")
    def action_save(self) -> None:
        error = self.query_one("#settings-error", Static)
        try:
            retention = float(self.query_one("#desired_retention", Input).value)
            new_per_day = int(self.query_one("#new_per_day", Input).value)
            reviews_per_day = int(self.query_one("#reviews_per_day", Input).value)
            minutes = int(self.query_one("#minutes_per_day", Input).value)
            leech = int(self.query_one("#leech_threshold", Input).value)
        except ValueError:
            error.update(_("Retention must be a number; the limits, minutes and lapses whole numbers."))
            return
        interview = self.query_one("#interview_date", Input).value.strip()
        loop = {"interview_date": interview, "minutes_per_day": minutes, "leech_threshold": leech} | {
            key: self.query_one(f"#{key}", Select).value == "yes"
            for key in ("confidence_in_reviews", "confidence_in_mock")}
        problem = ""
        for key, value in loop.items():  # the config file's own checks, said in its words
            check = SCHEMA["study"][key][1]
            if not check(value):
                problem = _("{setting} must be {good}.").format(setting=key, good=SCHEMA["study"][key][2])
                break
        theme = self.query_one("#theme", Select).value
        if problem:
            error.update(problem)
        elif not 0.7 <= retention <= 0.99:
            error.update(_("Desired retention must be between 0.70 and 0.99."))
        elif not (0 <= new_per_day <= 10_000 and 0 <= reviews_per_day <= 10_000):
            error.update(_("The daily limits must be between 0 and 10000."))
        else:
            error.update("")
            current = app_of(self).config.values["study"]
            changed = {k: v for k, v in loop.items() if v != current[k]}  # untouched defaults stay unwritten
            study = {"desired_retention": retention, "new_per_day": new_per_day, "reviews_per_day": reviews_per_day,
                     **changed}
            ui = {"theme": theme} if isinstance(theme, str) else {}
            language = self.query_one("#language", Select).value
            if isinstance(language, str) and language != app_of(self).config.values["ui"]["language"]:
                ui["language"] = language  # written only when changed: an empty value follows the locale
            app_of(self).save_settings({"study": study, "ui": ui})
            self.notify(_("Settings saved."), timeout=3)
