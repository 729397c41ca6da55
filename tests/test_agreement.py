"""The agreement figures count what they say: a grader that marks everything, or nothing, gets the precision,
recall and ratings that follow from the labels, and the held-out part is fixed by the question id alone."""

from __future__ import annotations

import pytest

from quizzer.agreement import Judgment, held_out, measure
from quizzer.model import Library, Question

KV = "inference/kv-cache-purpose"
JUDGMENTS = [
    Judgment(KV, "en", "strong", "all of it", (True, True, True), 4),
    Judgment(KV, "zh", "partial", "some of it", (True, False, False), 2),
    Judgment(KV, "en", "blank", "", (False, False, False), 1),
]


@pytest.mark.parametrize(("flag", "rating", "precision", "recall", "exact", "within", "good_for_blank"), [
    (True, 4, 4 / 9, 1.0, 1, 1, 1),
    (False, 1, float("nan"), 0.0, 1, 2, 0),
])
def test_a_grader_that_marks_everything_or_nothing(library: Library, flag: bool, rating: int, precision: float,
                                                   recall: float, exact: int, within: int,
                                                   good_for_blank: int) -> None:
    def grader(q: Question, answer: str) -> tuple[tuple[bool, ...], int]:
        return tuple(flag for _ in q.key_points), rating

    f = measure(library, JUDGMENTS, grader)["all"]
    points = f.group("all")
    assert points.precision == pytest.approx(precision, nan_ok=True) and points.recall == pytest.approx(recall)
    assert (f.n, f.exact, f.within_one) == (3, exact, within)
    assert (f.never_good_total, f.never_good_proposed_good) == (1, good_for_blank)
    assert f.group("lang:zh").tp + f.group("lang:zh").fn == 1


def test_the_parts_split_by_question() -> None:
    assert held_out(KV) == held_out(KV)
    ids = [f"cat/q{i}" for i in range(1000)]
    assert 0.25 < sum(map(held_out, ids)) / len(ids) < 0.35


def test_an_unknown_question_is_an_error(library: Library) -> None:
    with pytest.raises(ValueError, match="unknown question"):
        measure(library, [Judgment("base/nope", "en", "strong", "x", (True,), 4)], lambda q, a: ((True,), 4))
