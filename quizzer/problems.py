"""A problem in an input file, reported like a compiler diagnostic (FILE:LINE:COL: message).

Kept apart from the YAML reader so that code holding problems need not import a YAML parser.
"""

from __future__ import annotations

from dataclasses import dataclass

from quizzer.safetext import one_line

PathElem = str | int
KeyPath = tuple[PathElem, ...]


@dataclass(frozen=True, slots=True)
class Problem:
    """One problem in an input file, printed like a compiler diagnostic."""

    file: str
    line: int | None
    col: int | None
    message: str

    def __str__(self) -> str:
        """The problem as one printable line: the file name and message may quote file content."""
        if self.line is None:
            return one_line(f"{self.file}: {self.message}")
        return one_line(f"{self.file}:{self.line}:{self.col or 1}: {self.message}")
