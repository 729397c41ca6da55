"""Words every face of quizzer uses for the same things (ratings, verdicts), said once.

The tables hold the English messages (marked for the catalog); `rating_name` and `verdict_text` give
them in the interface language.
"""

from __future__ import annotations

from quizzer.i18n import N_, _, ngettext
from quizzer.model import LEVELS, Question

RATINGS = {1: N_("Again"), 2: N_("Hard"), 3: N_("Good"), 4: N_("Easy")}
VERDICTS = {"correct": N_("Correct."), "typo": N_("Correct, with a typo."), "partial": N_("Partly right."),
            "wrong": N_("Wrong."), "self": N_("Self-rated.")}
CONFIDENCE_PROMPT = N_("How sure are you? 1 guess, 2 unsure, 3 sure")
VERDICT_MARKS = {"correct": "✓", "typo": "✓", "partial": "~", "wrong": "✗", "self": "?"}
# A question type as shown beside the question: its bank id in English (what `--type` takes), a name
# in other languages.
TYPE_NAMES = {"open": N_("open"), "mcq": N_("mcq"), "multi": N_("multi"), "truefalse": N_("truefalse"),
              "short": N_("short"), "numeric": N_("numeric"), "code": N_("code")}


def rating_name(rating: int) -> str:
    return _(RATINGS[rating])


def type_name(kind: str) -> str:
    return _(TYPE_NAMES[kind]) if kind in TYPE_NAMES else kind


def question_meta(q: Question) -> str:
    """The line above a question: its id, type, level and tags."""
    meta = _("{gid} · {type} · level {level} ({name})").format(
        gid=q.gid, type=type_name(q.type), level=q.level, name=_(LEVELS.get(q.level, "?")))
    return meta + (" · " + ", ".join(q.tags) if q.tags else "")


def verdict_text(verdict: str) -> str:
    return _(VERDICTS[verdict]) if verdict in VERDICTS else verdict


def days(n: int) -> str:
    return ngettext("{n} day", "{n} days", n).format(n=n)


def reviews(n: int) -> str:
    return ngettext("{n} review", "{n} reviews", n).format(n=n)
