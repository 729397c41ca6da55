"""A labelled form row, shared by the mock interview set-up and the settings."""

from __future__ import annotations

from textual.containers import Horizontal
from textual.widgets import Input, Label, Select


def field(label: str, widget: Input | Select[str]) -> Horizontal:
    return Horizontal(Label(label, classes="field-label"), widget, classes="field")
