"""Editing a code answer in the user's own editor ($VISUAL or $EDITOR): the app steps aside while it runs."""

from __future__ import annotations

import os
import shlex
import subprocess
import tempfile
from typing import Any

from textual.app import App
from textual.widget import Widget

from quizzer.i18n import _


def edit_in_editor(app: App[Any], area: Widget) -> None:
    """Hand the code in `area` (a CodeAnswer) to the editor through a temporary file and take it back."""
    from quizzer.tui.widgets.answer_input import CodeAnswer

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if not editor:
        app.notify(_("Set $VISUAL or $EDITOR to edit in your own editor."), severity="warning", markup=False)
        return
    assert isinstance(area, CodeAnswer)
    with tempfile.TemporaryDirectory(prefix="quizzer-edit-") as folder:
        path = os.path.join(folder, "solution.py")
        with open(path, "w", encoding="utf-8") as f:
            f.write(area.text)
        try:
            with app.suspend():
                subprocess.run([*shlex.split(editor), path], check=False)
            with open(path, encoding="utf-8") as f:
                area.text = f.read()
        except Exception as exc:  # no terminal to hand over, an editor that cannot start
            app.notify(_("Could not run {editor}: {error}").format(editor=editor, error=exc), severity="warning",
                       markup=False)
