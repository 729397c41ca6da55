"""The title line at the top of every screen: the app's title and subtitle, drawn as one line.

Textual's Header composes an icon, a title and a clock space, each a widget with its own styles;
a line of text shows the same and starts faster. A click opens the command palette, as the
Header's icon does.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import events
from textual.widget import Widget

from quizzer.i18n import _


class TitleBar(Widget, can_focus=False):
    COMPONENT_CLASSES: ClassVar[set[str]] = {"titlebar--subtitle"}
    ALLOW_SELECT = False

    def render(self) -> Text:
        line = Text(self.app.title, no_wrap=True, overflow="ellipsis", end="")
        if self.app.sub_title:
            line.append(f" — {_(self.app.sub_title)}", self.get_component_rich_style("titlebar--subtitle"))
        return line

    def on_click(self, event: events.Click) -> None:
        event.stop()
        self.app.action_command_palette()
