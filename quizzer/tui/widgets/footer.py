"""Textual's Footer, rebuilt only when what it shows has changed."""

from __future__ import annotations

from typing import Any

from textual.screen import Screen
from textual.widgets import Footer as TextualFooter


class Footer(TextualFooter):
    """Mounting a screen and moving focus announce binding changes several times while the first
    frame is drawn; the stock footer rebuilds all its keys for each (70 ms on the home screen).
    This one coalesces a burst into one rebuild, and skips it when the shown keys are unchanged."""

    _rebuild_pending = False
    _shown: tuple[Any, ...] | None = None

    def _signature(self) -> tuple[Any, ...]:
        return tuple((binding.key, binding.action, binding.description, binding.show, enabled, tooltip)
                     for _, binding, enabled, tooltip in self.screen.active_bindings.values())

    def bindings_changed(self, screen: Screen[object]) -> None:
        self._bindings_ready = True
        if not screen.app.app_focus or not self.is_attached or screen is not self.screen:
            return
        if not self._rebuild_pending:
            self._rebuild_pending = True
            self.call_after_refresh(self._rebuild)

    async def _rebuild(self) -> None:
        self._rebuild_pending = False
        signature = self._signature()
        if signature != self._shown:
            self._shown = signature
            await self.recompose()
