"""Fuzzy search over questions (rapidfuzz), shared by `show`'s suggestions and the browse screen."""

from __future__ import annotations

from collections.abc import Sequence

from rapidfuzz import fuzz, process, utils

from quizzer.model import Library, Question
from quizzer.params import example


class SearchIndex:
    """Prepared, lower-cased haystacks (id, tags and the prompt in both languages, as shown) so each query
    only scores; a Chinese query finds a question by its Chinese prompt."""

    def __init__(self, questions: Sequence[Question]) -> None:
        self.questions = list(questions)
        shown = [example(q) for q in self.questions]  # a parametrised prompt as read, with its first numbers
        self._haystacks = [
            utils.default_process(f"{q.gid} {' '.join(q.tags)} {q.prompt} {dict(q.zh).get('prompt', '')}")
            for q in shown
        ]

    def search(self, query: str, limit: int = 50, cutoff: float = 60) -> list[Question]:
        """Best matches first; an empty query returns every question in bank order."""
        needle = utils.default_process(query)
        if not needle:
            return self.questions[:limit] if limit else list(self.questions)
        hits = process.extract(needle, self._haystacks, scorer=fuzz.partial_ratio,
                               processor=None, limit=limit, score_cutoff=cutoff)
        return [self.questions[i] for _, _, i in hits]


def suggest(library: Library, gid: str) -> str | None:
    """The closest global id to a mistyped one, if any is close."""
    ids = [q.gid for q in library]
    best = process.extractOne(gid, ids, scorer=fuzz.WRatio, score_cutoff=70)
    return best[0] if best else None
