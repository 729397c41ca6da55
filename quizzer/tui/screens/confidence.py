"""Before an answer is checked: how sure is the user? One key (1 guess, 2 unsure, 3 sure), stored with
the review for calibration (Stats) and to put confidently wrong questions first."""

from __future__ import annotations

from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Static

from quizzer.calibration import CONFIDENCE
from quizzer.i18n import N_, _


class ConfidenceScreen(ModalScreen[int | None]):
    """Dismissed with 1, 2 or 3, or with None (Esc: back to the answer, nothing checked)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("1", "choose(1)", N_("Guess"), id="confidence.guess"),
        Binding("2", "choose(2)", N_("Unsure"), id="confidence.unsure"),
        Binding("3", "choose(3)", N_("Sure"), id="confidence.sure"),
        Binding("escape", "back", N_("Back to the answer"), id="confidence.back"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(id="confidence"):
            yield Static(_("How sure are you, before the answer is checked?"), id="confidence-prompt", markup=False)
            yield Static("   ".join(f"{n} {_(word)}" for n, word in CONFIDENCE.items()) + "   ·   " + _("Esc: back"),
                         id="confidence-keys", markup=False)

    def action_choose(self, level: int) -> None:
        self.dismiss(level)

    def action_back(self) -> None:
        self.dismiss(None)
