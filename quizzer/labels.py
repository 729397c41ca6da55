"""Words every face of quizzer uses for the same things (ratings, verdicts), said once.

The tables hold the English messages (marked for the catalog); `rating_name` and `verdict_text` give
them in the interface language.
"""

from __future__ import annotations

from quizzer.i18n import N_, _, ngettext

RATINGS = {1: N_("Again"), 2: N_("Hard"), 3: N_("Good"), 4: N_("Easy")}
VERDICTS = {"correct": N_("Correct."), "typo": N_("Correct, with a typo."), "partial": N_("Partly right."),
            "wrong": N_("Wrong."), "self": N_("Self-rated.")}
CONFIDENCE_PROMPT = N_("How sure are you? 1 guess, 2 unsure, 3 sure")
VERDICT_MARKS = {"correct": "✓", "typo": "✓", "partial": "~", "wrong": "✗", "self": "?"}


def rating_name(rating: int) -> str:
    return _(RATINGS[rating])


def verdict_text(verdict: str) -> str:
    return _(VERDICTS[verdict]) if verdict in VERDICTS else verdict


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def reviews(n: int) -> str:
    return ngettext("{n} review", "{n} reviews", n).format(n=n)
