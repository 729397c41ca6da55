"""The grader of open answers against the labelled set (tests/data/open-answers.jsonl, 469 judgments made
by labellers who never saw the grader): the figures are printed (`pytest -s`) and each target is asserted.
The thresholds were chosen on the development part only; the held-out part must meet the targets too."""

from __future__ import annotations

import pytest

from quizzer.agreement import Figures, held_out, load_judgments, measure, report
from quizzer.banks import check
from quizzer.grading import grade
from quizzer.model import Question
from quizzer.paths import shipped_banks_dir, shipped_catalog

from .conftest import DATA

JUDGMENTS = load_judgments(DATA / "open-answers.jsonl")


def graded(q: Question, answer: str) -> tuple[tuple[bool, ...], int]:
    g = grade(q, answer)
    return g.covered, g.rating


@pytest.fixture(scope="module")
def figures() -> dict[str, Figures]:
    library = check([shipped_banks_dir()], shipped_catalog()).library
    assert library is not None
    result = measure(library, JUDGMENTS, graded)
    print("\n" + "\n".join(report(result)))
    return result


def test_the_set_is_large_and_varied() -> None:
    assert len(JUDGMENTS) >= 400
    assert len({j.id for j in JUDGMENTS}) >= 60
    assert {j.lang for j in JUDGMENTS} == {"en", "zh", "mixed"}
    assert 0.2 <= sum(held_out(j.id) for j in JUDGMENTS) / len(JUDGMENTS) <= 0.45


@pytest.mark.parametrize("part", ["all", "held-out"])
def test_key_point_precision_and_recall(figures: dict[str, Figures], part: str) -> None:
    points = figures[part].group("all")
    assert points.precision >= 0.8 and points.recall >= 0.8, (points.precision, points.recall)


@pytest.mark.parametrize("lang", ["en", "zh", "mixed"])
def test_key_points_in_each_language_over_the_whole_set(figures: dict[str, Figures], lang: str) -> None:
    points = figures["all"].group(f"lang:{lang}")
    assert points.precision >= 0.8 and points.recall >= 0.8, (points.precision, points.recall)


@pytest.mark.parametrize("part", ["all", "held-out"])
def test_proposed_rating(figures: dict[str, Figures], part: str) -> None:
    f = figures[part]
    assert f.within_one_share >= 0.85 and f.exact_share >= 0.5, (f.within_one_share, f.exact_share)


def test_never_good_for_blank_idk_offtopic_or_keyword_salad(figures: dict[str, Figures]) -> None:
    f = figures["all"]
    assert f.never_good_total >= 80
    assert f.never_good_proposed_good == 0
