"""The one base of every error a user can cause (a bad file, path, database or argument).

The core raises these with a message fit to show as it is; each face turns them into output in
one place (the CLI: one line on stderr and exit code 1; the TUI: a notification), never a traceback.
"""

from __future__ import annotations


class QuizzerError(Exception):
    """A problem the user can fix, described in one line."""

    exit_code = 1


class StoreError(QuizzerError):
    """The progress database cannot be opened, read or written."""


class SyncError(QuizzerError):
    """A progress file to import is unreadable or holds a bad line; nothing was applied."""


class ExportError(QuizzerError):
    """An export cannot be written where it was asked to go; nothing was overwritten."""


class CardImportError(QuizzerError):
    """Cards to import cannot be read, or would not make a valid bank; nothing was written."""
