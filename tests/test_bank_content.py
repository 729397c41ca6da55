"""The shipped banks are the product: guard the rules that can be counted, so that a later edit
cannot silently shrink or unbalance them."""

from __future__ import annotations

import re
from collections import Counter

import pytest

from quizzer.banks import check
from quizzer.model import AUTO_GRADED, CATEGORIES, Library
from quizzer.paths import shipped_banks_dir, shipped_catalog


@pytest.fixture(scope="module")
def library() -> Library:
    result = check([shipped_banks_dir()], shipped_catalog())
    assert result.problems == [], [str(p) for p in result.problems[:5]]
    assert result.library is not None
    return result.library


def test_every_category_has_a_bank(library: Library) -> None:
    assert library.categories() == list(CATEGORIES)


def test_totals(library: Library) -> None:
    assert len(library) >= 400
    for category in CATEGORIES:
        assert len(library.in_category(category)) >= 45, category


@pytest.mark.parametrize("category", CATEGORIES)
def test_type_mix_and_levels(library: Library, category: str) -> None:
    qs = library.in_category(category)
    types = Counter(q.type for q in qs)
    assert sum(types[t] for t in AUTO_GRADED) >= 0.4 * len(qs)
    assert types["open"] >= 0.3 * len(qs)
    assert types["numeric"] >= 3, "every category has numbers worth computing"
    levels = Counter(q.level for q in qs)
    assert set(levels) == {1, 2, 3}
    assert levels[3] >= 10


def test_numeric_questions_overall(library: Library) -> None:
    assert sum(q.type == "numeric" for q in library) >= 40


def test_open_questions_have_key_points(library: Library) -> None:
    bad = [q.gid for q in library if q.type == "open" and not 3 <= len(q.key_points) <= 6]
    assert bad == []


def test_choices_do_not_depend_on_their_order(library: Library) -> None:
    banned = ("all of the above", "none of the above", "both a and b", "option a", "choice a")
    for q in library:
        for c in q.choices:
            assert not any(b in c.lower() for b in banned), (q.gid, c)


def test_most_of_the_catalog_is_cited(library: Library) -> None:
    cited = {ref for q in library for ref in q.refs if not ref.startswith("https://")}
    assert len(cited & set(library.articles)) >= 0.7 * len(library.articles)


def test_every_question_cites_something(library: Library) -> None:
    assert all(q.refs for q in library)


def test_ids_are_unique_globally(library: Library) -> None:
    gids = [q.gid for q in library]
    assert len(gids) == len(set(gids))


def test_every_answer_key_grades_as_correct(library: Library) -> None:
    """The key of every auto-graded question, typed as a user would, must be accepted."""
    from quizzer.grading import grade

    failures = []
    for q in library:
        if q.type == "open":
            continue
        responses: list[object]
        if q.type == "multi":
            responses = [list(q.correct_choices)]
        elif q.type == "truefalse":
            responses = [q.answer, "true" if q.answer else "false"]
        elif q.type == "short":
            responses = [q.answer, *q.accept]
        elif q.type == "numeric":
            responses = [q.answer_text(), f"{q.answer:g}"]
        else:
            responses = [q.answer]
        for response in responses:
            result = grade(q, response)  # type: ignore[arg-type]
            if not result.correct:
                failures.append((q.gid, response, result.note))
    assert failures == []


def test_wrong_choices_are_graded_wrong(library: Library) -> None:
    from quizzer.grading import grade

    for q in library:
        if q.type == "mcq":
            for choice in q.choices:
                if choice != q.answer:
                    assert not grade(q, choice).correct, (q.gid, choice)


def test_the_key_position_carries_no_information(library: Library) -> None:
    """A reader of the file (or of an export in file order) must not find the key by its place."""
    mcq = [q for q in library if q.type == "mcq"]
    expected = sum(1 / len(q.choices) for q in mcq)  # mean count per relative position
    for position in ("first", "last"):
        at = [q for q in mcq if q.choices.index(str(q.answer)) == (0 if position == "first" else len(q.choices) - 1)]
        assert 0.6 * expected <= len(at) <= 1.4 * expected, (position, len(at), expected)
    multi = [q for q in library if q.type == "multi"]
    leading = [q.gid for q in multi if set(q.choices[:len(q.correct_choices)]) == set(q.correct_choices)]
    assert len(leading) <= 0.35 * len(multi), leading


POSITIONAL = re.compile(r"\b(first|second|third|fourth|fifth|last)\s+(choice|option|statement|distractor)s?\b"
                        r"|\(the (first|second|third|fourth|fifth|last)( one)?\)|（第[一二三四五]个）"
                        r"|\b(option|choice)\s+[A-H]\b|第[一二三四五]个?选项|最后一[项个]选项|最后一项|选项\s*[A-H]\b", re.I)


def test_explanations_name_choices_by_content_not_position(library: Library) -> None:
    """Choices are shuffled when asked and in exports: 'the second choice' would point at another one."""
    found = [(q.gid, m.group(0)) for q in library if q.choices
             for text in (q.explanation, str(dict(q.zh).get("explanation", ""))) for m in POSITIONAL.finditer(text)]
    assert found == []
