"""The key bar at the bottom of every screen: the keys that act now, drawn as one line of text.

Textual's Footer mounts a widget per key and rebuilds them all whenever the bindings change;
on the home screen that cost about 45 ms of the first frame. The keys only need to be read and
clicked, so one widget that renders a line (and maps a click back to its key) does the job.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar

from rich.cells import cell_len
from rich.style import Style
from rich.text import Text
from textual import events
from textual.screen import Screen
from textual.widget import Widget

from quizzer.i18n import N_, _

GAP = "  "
PALETTE = N_("palette")  # Textual's own description of its command palette key, in our catalog


@dataclass(frozen=True, slots=True)
class Key:
    key: str  # what a click simulates
    display: str  # what the bar shows: "r", "^p", "1-4"
    description: str
    enabled: bool


def shown_keys(screen: Screen[Any]) -> tuple[list[Key], Key | None]:
    """The keys to show for `screen`, one per action, in binding order, and the palette's key apart."""
    app = screen.app
    palette_key = app.COMMAND_PALETTE_BINDING if app.ENABLE_COMMAND_PALETTE else None
    keys: list[Key] = []
    palette: Key | None = None
    actions: set[str] = set()
    for key, (_node, binding, enabled, _tooltip) in screen.active_bindings.items():
        if key == palette_key:
            palette = Key(binding.key, app.get_key_display(binding), _(PALETTE), enabled)
        elif binding.show and binding.action not in actions:
            actions.add(binding.action)
            keys.append(Key(binding.key, app.get_key_display(binding), _(binding.description), enabled))
    return keys, palette


def layout(keys: list[Key], palette: Key | None, width: int) -> list[tuple[int, Key]]:
    """Where each key starts on a line `width` cells wide; the palette key sits at the right end.

    Keys that do not fit are left out from the end (the palette lists every command anyway)."""
    placed: list[tuple[int, Key]] = []
    right = width
    if palette is not None:
        right = width - cell_len(_label(palette))
    x = 1
    for key in keys:
        end = x + cell_len(_label(key))
        if end > right - 1:
            break
        placed.append((x, key))
        x = end + len(GAP)
    if palette is not None and right > 0:
        placed.append((right, palette))
    return placed


def _label(key: Key) -> str:
    return f"{key.display} {key.description}" if key.description else key.display


class KeyBar(Widget, can_focus=False):
    """One line of `key description` pairs for the current screen; a click presses the key."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"keybar--key", "keybar--description", "keybar--disabled"}
    ALLOW_SELECT = False

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id)
        self.placed: list[tuple[int, Key]] = []  # where each key was drawn, for clicks (and tests)

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen[Any]) -> None:
        if screen is self.screen:
            self.refresh()  # rendering one line is cheap: no need to compare what changed

    def render(self) -> Text:
        keys, palette = shown_keys(self.screen)
        self.placed = layout(keys, palette, self.size.width)
        key_style = self.get_component_rich_style("keybar--key")
        text_style = self.get_component_rich_style("keybar--description")
        disabled = self.get_component_rich_style("keybar--disabled")
        line = Text(no_wrap=True, overflow="crop", end="")
        for x, key in self.placed:
            line.append(" " * (x - line.cell_len))
            off = Style() if key.enabled else disabled
            line.append(key.display, key_style + off)
            if key.description:
                line.append(" " + key.description, text_style + off)
        return line

    def key_at(self, x: int) -> Key | None:
        for start, key in self.placed:
            if start <= x < start + cell_len(_label(key)):
                return key
        return None

    def on_click(self, event: events.Click) -> None:
        key = self.key_at(event.x)
        if key is None:
            return
        event.stop()
        if key.enabled:
            self.app.simulate_key(key.key)
        else:
            self.app.bell()
