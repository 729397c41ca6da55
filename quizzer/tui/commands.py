"""The command palette (ctrl+p): every screen and every way to start studying."""

from __future__ import annotations

from collections.abc import Callable
from functools import partial

from textual.command import DiscoveryHit, Hit, Hits, Provider
from textual.markup import escape

from quizzer.tui.nav import app_of


class QuizzerCommands(Provider):
    def commands(self) -> list[tuple[str, str, Callable[[], object]]]:
        app = app_of(self.screen)
        found: list[tuple[str, str, Callable[[], object]]] = [
            ("Home", "Categories, today's counts and streak", app.open_home),
            ("Today's review", "Due questions first, then new ones up to the daily limit", app.start_review),
            ("Mock interview", "Timed questions across chosen categories, with a report", app.open_mock_setup),
            ("Browse questions", "Search and filter the banks; read or quiz a question", app.open_browse),
            ("Statistics", "Heatmap, forecast, retention and mastery", app.open_stats),
            ("Settings", "Desired retention, daily limits, theme", app.open_settings),
            ("Toggle light/dark theme", "Switch the theme and save it", app.toggle_theme),
        ]
        for category in app.library.categories():
            found.append((f"Quiz: {category}", f"10 questions from {app.library.title_of(category)}",
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
