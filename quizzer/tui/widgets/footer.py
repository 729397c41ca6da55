"""Textual's Footer, built once with the screen and rebuilt only when the keys it shows change."""

from __future__ import annotations

from typing import Any

from textual.app import ComposeResult
from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Mounting a screen and moving focus announce binding changes several times while the first
    frame is drawn; the stock footer starts empty and rebuilds all its keys for each announcement
    (six rebuilds, 70 ms, on the home screen). This one shows its keys from the first compose,
    coalesces a burst of announcements, and rebuilds only when the shown keys differ."""

    _rebuild_pending = False
    _shown: tuple[Any, ...] | None = None

    def _signature(self) -> tuple[Any, ...]:
        palette = self.app.COMMAND_PALETTE_BINDING
        return tuple((key, binding.action, binding.description, enabled, tooltip)
                     for key, (_, binding, enabled, tooltip) in self.screen.active_bindings.items()
                     if binding.show or key == palette)

    def compose(self) -> ComposeResult:
        self._bindings_ready = True
        self._shown = self._signature()
        yield from super().compose()

    def bindings_changed(self, screen: Screen[object]) -> None:
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        if self.is_attached and self._signature() != self._shown:
            await self.recompose()
