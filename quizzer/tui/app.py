"""The quizzer app: holds the library, the store, the scheduler and the clock, and moves between screens.

Everything the app shows comes from the core (session, study_queue, stats, search); nothing is opened
at import time: `launch.run_app` (or a test) builds the app with `make_app`.
"""

from __future__ import annotations

import os
import random
import sqlite3
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from datetime import tzinfo
from pathlib import Path
from typing import TYPE_CHECKING, Any, ClassVar

from textual.app import App
from textual.binding import Binding, BindingType
from textual.screen import Screen
from textual.theme import Theme

from quizzer.config import DEFAULT_THEME, Config
from quizzer.config import load as load_config
from quizzer.config import save as save_config
from quizzer.errors import QuizzerError, StoreError
from quizzer.i18n import N_, _, set_language
from quizzer.mdsafe import is_web_link
from quizzer.model import QUESTION_TYPES, Library, Question
from quizzer.plan import InterviewGoal
from quizzer.scheduler import Scheduler, Settings
from quizzer.store import Store
from quizzer.study_queue import cram_selection, mock_selection, quiz_selection, todays_queue
from quizzer.tui.commands import QuizzerCommands
from quizzer.tui.keymap import apply_keymap
from quizzer.tui.screens.home import HomeScreen

if TYPE_CHECKING:  # the session loop (and grading) load when the first session starts
    from quizzer.ai_client import AISettings
    from quizzer.session import Clock, Session

QUIZ_FILTERS = ("categories", "count", "levels", "types", "tags", "new_only", "due_only")
CRAM_SIZE = 20
SchedulerFactory = Callable[[Settings], Scheduler]


class QuizzerApp(App[None]):
    CSS_PATH = "quizzer.tcss"
    TITLE = "quizzer"
    SUB_TITLE = N_("interview prep for LLM engineering")  # drawn through _() by the title bar
    COMMANDS: ClassVar[set[Any]] = App.COMMANDS | {QuizzerCommands}
    HORIZONTAL_BREAKPOINTS = [(0, "-narrow"), (130, "-wide")]  # noqa: RUF012 (typed by Textual)
    BINDINGS: ClassVar[list[BindingType]] = [Binding("f1,question_mark", "help", N_("Help"), id="app.help", show=False)]

    def __init__(self, library: Library, store: Store, scheduler: Scheduler, clock: Clock, *,
                 start: str = "home", filters: Mapping[str, Any] | None = None, tz: tzinfo | None = None,
                 rng: random.Random | None = None, monotonic: Callable[[], float] = time.monotonic,
                 make_scheduler: SchedulerFactory = Scheduler, config: Config | None = None,
                 lang: str | None = None) -> None:
        super().__init__()
        # Without a file (tests, a first start) the settings live in memory until saved somewhere.
        self.config = config if config is not None else load_config(Path(os.devnull))
        self.lang = lang or (self.config.language if config is not None else "en")
        set_language(self.lang)  # the interface speaks the language the questions are shown in
        self.library, self.store, self.scheduler, self.clock = library, store, scheduler, clock
        self.start, self.filters = start, dict(filters or {})
        self.tz = tz  # None: the local time zone decides the study day
        self.rng = rng or random.Random()
        self.monotonic = monotonic  # durations and the mock interview's timers
        self.make_scheduler = make_scheduler
        self.store_error: sqlite3.DatabaseError | StoreError | None = None

    def open_url(self, url: str, *, new_tab: bool = True) -> None:
        """Every link a user follows passes here: only https:// pages reach the system's opener, so
        a bank's `smb://`, `file:` or `vscode://` link does nothing but say so."""
        if not is_web_link(url):
            self.notify(_("Not opened: only https:// links are followed ({url})").format(url=url[:80]),
                        severity="warning", markup=False)
            return
        import webbrowser

        try:
            webbrowser.get()
        except webbrowser.Error:  # no browser on this machine (a server, a container): give the link instead
            self.copy_to_clipboard(url)
            self.notify(_("No browser found; the link is {url} (copied to the clipboard)").format(url=url),
                        timeout=15, markup=False)
            return
        super().open_url(url, new_tab=new_tab)
        self.notify(_("Opened in the browser: {url}").format(url=url), timeout=5, markup=False)

    def get_default_screen(self) -> Screen[Any]:
        return HomeScreen()

    def on_mount(self) -> None:
        self.apply_theme()
        self.theme_changed_signal.subscribe(self, self.remember_theme)
        for warning in [*self.config.warnings, *apply_keymap(self, self.config.keymap)]:
            self.notify(warning, title=_("Settings"), severity="warning", timeout=10, markup=False)
        if self.start == "review":
            self.start_review()
        elif self.start == "quiz":
            self.start_quiz(self.filters)

    # ---- settings ------------------------------------------------------------------------------

    def apply_theme(self) -> None:
        theme = self.config.theme if self.config.theme in self.available_themes else DEFAULT_THEME
        if self.theme != theme:  # setting it, even to the same value, restyles every widget
            self.theme = theme

    def remember_theme(self, theme: Theme) -> None:
        """A theme picked anywhere (the palette's theme picker included) is saved, so it stays."""
        if theme.name != self.config.theme:
            self.save_settings({"ui": {"theme": theme.name}})

    def save_settings(self, changes: Mapping[str, Mapping[str, Any]]) -> None:
        """Write `changes` (section -> key -> value) to the config file and apply them at once; without
        a file they apply to this run only."""
        if self.config.path != Path(os.devnull):
            try:
                save_config(self.config.path, changes)
                self.config = load_config(self.config.path)
            except QuizzerError as exc:
                self.notify(str(exc), title=_("Settings not saved"), severity="error", markup=False)
                return
        else:
            values = {section: dict(table) for section, table in self.config.values.items()}
            for section, table in changes.items():
                values.setdefault(section, {}).update(table)
            self.config = replace(self.config, values=values)
        self.scheduler = self.make_scheduler(self.config.study)
        self.apply_theme()
        if "language" in changes.get("ui", {}) and self.config.language != self.lang:
            self.lang = self.config.language
            set_language(self.lang)
            self.refresh(layout=True, recompose=False)

    def ai_settings(self) -> AISettings | None:
        """The AI interviewer's settings when [ai] names a server and a model; None: nothing is sent."""
        from quizzer.ai_client import AISettings

        settings = AISettings.from_config(self.config)
        return settings if settings.configured else None

    @property
    def goal(self) -> InterviewGoal | None:
        """The interview date and minutes a day from the settings, if a date is set."""
        return InterviewGoal.from_settings(self.config.values["study"])

    def toggle_theme(self) -> None:
        self.save_settings({"ui": {"theme": "textual-light" if self.theme == "textual-dark" else "textual-dark"}})

    # ---- navigation ----------------------------------------------------------------------------

    # Screens other than home are imported when first opened: start-up pays only for home.

    def open_home(self) -> None:
        """Back to the home screen; a session left on the way records what is on show and ends."""
        from quizzer.tui.screens.session import SessionScreen

        while len(self.screen_stack) > 1 and not isinstance(self.screen, HomeScreen):
            if isinstance(self.screen, SessionScreen):
                self.screen.close()
            self.pop_screen()

    def open_browse(self) -> None:
        from quizzer.tui.screens.browse import BrowseScreen

        self.push_screen(BrowseScreen())

    def action_help(self) -> None:
        from quizzer.tui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def open_stats(self) -> None:
        from quizzer.tui.screens.stats import StatsScreen

        self.push_screen(StatsScreen())

    def open_settings(self) -> None:
        from quizzer.tui.screens.settings import SettingsScreen

        self.push_screen(SettingsScreen())

    def open_mock_setup(self) -> None:
        from quizzer.tui.screens.mock import MockSetupScreen

        self.open_home()
        self.push_screen(MockSetupScreen())

    # ---- sessions ------------------------------------------------------------------------------

    def new_session(self, kind: str, questions: Sequence[Question], filters: Mapping[str, Any] | None = None,
                    requeue: bool = True) -> Session:
        from quizzer.calibration import asks_confidence
        from quizzer.session import Session

        study = self.config.values["study"]
        return Session(self.library, self.store, self.scheduler, self.clock, kind=kind, questions=questions,
                       filters=dict(filters or {}), tz=self.tz, rng=self.rng, requeue=requeue, lang=self.lang,
                       leech_threshold=int(study["leech_threshold"]), confidence=asks_confidence(kind, study))

    def run_session(self, session: Session, time_limits: Mapping[str, float] | None = None,
                    title: str | None = None) -> None:
        from quizzer.tui.screens.session import SessionScreen

        self.push_screen(SessionScreen(session, self.monotonic, time_limits, title))

    def start_review(self) -> None:
        self.open_home()
        questions = todays_queue(self.library, self.store, self.scheduler, self.clock(), self.tz, self.goal)
        if not questions:
            self.notify(_("Nothing is due and no new questions are left for today. "
                          "Press c to quiz a category, or m for a mock interview."), title=_("All done for today"))
            return
        self.run_session(self.new_session("review", questions))

    def start_quiz(self, filters: Mapping[str, Any]) -> None:
        self.open_home()
        if filters.get("cram"):
            self.start_cram(filters)
            return
        chosen = {k: filters[k] for k in QUIZ_FILTERS if k in filters}
        questions = quiz_selection(self.library, self.store, self.scheduler, self.clock(), rng=self.rng, tz=self.tz,
                                   **chosen)
        if not questions:
            self.notify(_("No question matches this quiz."), title=_("Nothing to ask"), severity="warning")
            return
        self.run_session(self.new_session("quiz", questions, chosen))

    def start_cram(self, filters: Mapping[str, Any] | None = None) -> None:
        """Questions not yet due, weakest predicted recall first: for studying more than is due."""
        self.open_home()
        chosen = {k: v for k, v in (filters or {}).items() if k in ("categories", "levels", "types", "tags", "count")}
        chosen.setdefault("count", CRAM_SIZE)
        questions = cram_selection(self.library, self.store, self.scheduler, self.clock(), tz=self.tz, **chosen)
        if not questions:
            self.notify("Nothing to cram: every question you have answered is due now or has never been answered.",
                        title="Nothing to cram", severity="warning")
            return
        self.run_session(self.new_session("cram", questions, {**chosen, "cram": True}), title="Cram")

    def start_mock(self, categories: Sequence[str], count: int, open_seconds: float, other_seconds: float,
                   code_seconds: float = 15 * 60) -> None:
        filters = {"categories": list(categories), "count": count}
        questions = mock_selection(self.library, self.store, categories, count, self.rng)
        if not questions:
            self.notify(_("No question to ask in these categories."), severity="warning")
            return
        self.open_home()
        limits = {t: other_seconds for t in QUESTION_TYPES} | {"open": open_seconds, "code": code_seconds}
        # A mock interview asks each question once: learning steps wait for the next review.
        self.run_session(self.new_session("mock", questions, filters, requeue=False), limits)

    def quiz_question(self, question: Question) -> None:
        """Quiz one question now (from browse); the summary returns to where the user was."""
        session = self.new_session("quiz", [question], {"ids": [question.gid]}, requeue=False)
        self.run_session(session, title=_("Quiz of one question"))

    async def _dispatch_action(self, namespace: Any, action_name: str, params: Any) -> bool:
        # Every key and palette command runs through here: a problem the user can fix (a file that
        # cannot be written, say) is said in a notification and the app carries on.
        try:
            return await super()._dispatch_action(namespace, action_name, params)
        except QuizzerError as error:
            if isinstance(error, StoreError):
                raise
            self.notify(str(error), title="quizzer", severity="error", timeout=10, markup=False)
            return True

    def _handle_exception(self, error: Exception) -> None:
        if isinstance(error, sqlite3.DatabaseError | StoreError):
            # Leave quietly; launch re-raises it where the CLI reports it as one line, not a traceback.
            self.store_error = error
            self.exit(return_code=1)
            return
        super()._handle_exception(error)

    async def action_quit(self) -> None:
        from quizzer.tui.screens.session import SessionScreen

        for screen in self.screen_stack:
            if isinstance(screen, SessionScreen):
                screen.close()  # record the answer on show; every earlier one is already committed
        self.exit()


def make_app(library: Library, store: Store, scheduler: Scheduler, clock: Clock, **options: Any) -> QuizzerApp:
    """The one factory for the app, used by `launch.run_app` and by the tests."""
    return QuizzerApp(library, store, scheduler, clock, **options)
