"""Typed access to the app from screens (the screens import this, not the app module, to avoid a cycle)."""

from __future__ import annotations

from typing import TYPE_CHECKING, cast

from textual.dom import DOMNode

if TYPE_CHECKING:
    from quizzer.tui.app import QuizzerApp


def app_of(node: DOMNode) -> QuizzerApp:
    return cast("QuizzerApp", node.app)
