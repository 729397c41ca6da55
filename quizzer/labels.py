"""Words every face of quizzer uses for the same things (ratings, verdicts), said once."""

from __future__ import annotations

RATINGS = {1: "Again", 2: "Hard", 3: "Good", 4: "Easy"}
VERDICTS = {"correct": "Correct.", "typo": "Correct, with a typo.", "partial": "Partly right.",
            "wrong": "Wrong.", "self": "Self-rated."}
VERDICT_MARKS = {"correct": "✓", "typo": "✓", "partial": "~", "wrong": "✗", "self": "?"}


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 day', '2 days', '0 reviews': the count with its noun in the right number."""
    return f"{n} {word if n == 1 else (many or word + 's')}"
