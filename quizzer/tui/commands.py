"""The command palette (ctrl+p): every screen and every way to start studying."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from quizzer.i18n import _
from quizzer.tui.nav import app_of


class QuizzerCommands(Provider):
    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = app_of(self.screen)
        found: list[tuple[str, str, Callable[[], object]]] = [
            (_("Home"), _("Categories, today's counts and streak"), app.open_home),
            (_("Today's review"), _("Due questions first, then new ones up to the daily limit"), app.start_review),
            (_("Mock interview"), _("Timed questions across chosen categories, with a report"), app.open_mock_setup),
            (_("Cram"), _("Questions not yet due, weakest predicted recall first"), app.start_cram),
            (_("Browse questions"), _("Search and filter the banks; read or quiz a question"), app.open_browse),
            (_("Statistics"), _("Heatmap, forecast, retention and mastery"), app.open_stats),
            (_("Settings"), _("Desired retention, daily limits, theme"), app.open_settings),
            (_("Toggle light/dark theme"), _("Switch the theme and save it"), app.toggle_theme),
        ]
        for category in app.library.categories():
            found.append((_("Quiz: {category}").format(category=category),
                          _("10 questions from {title}").format(title=app.library.title_of(category, app.lang)),
                          partial(app.start_quiz, {"categories": [category], "count": 10})))
        return found

    async def discover(self) -> Hits:
        for name, help_text, command in self.commands():
            yield DiscoveryHit(name, command, help=escape(help_text))  # the palette reads help as markup

    async def search(self, query: str) -> Hits:
        matcher = self.matcher(query)
        for name, help_text, command in self.commands():
            score = matcher.match(name)
            if score > 0:
                yield Hit(score, matcher.highlight(name), command, text=name, help=escape(help_text))
