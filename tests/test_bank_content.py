"""The shipped banks are the product: guard the rules that can be counted, so that a later edit
cannot silently shrink or unbalance them."""

from __future__ import annotations

import json
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


# Sized by how often interviews ask each chapter (round 2); coding questions count, at most 10 a category.
MINIMUMS = {"applications": 150, "training": 130, "fine-tuning": 110, "base": 110, "algorithm": 100, "eval": 95,
            "inference": 90, "compression": 65}


@pytest.mark.parametrize("category", CATEGORIES)
def test_each_category_is_as_large_as_interviews_need(library: Library, category: str) -> None:
    qs = library.in_category(category)
    counted = sum(q.type != "code" for q in qs) + min(10, sum(q.type == "code" for q in qs))
    assert counted >= MINIMUMS[category], (category, counted)


def test_interview_kinds_of_question(library: Library) -> None:
    scenario = Counter(q.category for q in library if "scenario" in q.tags)
    assert sum(scenario.values()) >= 80 and scenario["applications"] >= 30
    assert all(scenario[c] >= 5 for c in CATEGORIES), scenario
    assert sum("experience" in q.tags for q in library) >= 25
    assert sum(q.type == "numeric" for q in library) >= 100
    assert all(q.type == "open" for q in library if {"scenario", "experience"} & set(q.tags))


def test_every_question_has_complete_chinese_text(library: Library) -> None:
    assert [q.gid for q in library if not q.zh] == []


@pytest.mark.parametrize("category", CATEGORIES)
def test_type_mix_and_levels(library: Library, category: str) -> None:
    qs = library.in_category(category)
    types = Counter(q.type for q in qs)
    assert sum(types[t] for t in AUTO_GRADED) >= 0.4 * len(qs)
    assert types["open"] >= 0.3 * len(qs)
    assert types["numeric"] >= 3, "every category has numbers worth computing"
    levels = Counter(q.level for q in qs)
    assert levels[3] >= 15 and levels[1] >= 5 and levels[2] >= 5, levels


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
                        r"|\b(option|choice)\s+[A-H]\b|第[一二三四五]个?选项|最后一[项个]选项|最后一项"
                        r"|选项\s*[A-H]\b", re.I)


def test_explanations_name_choices_by_content_not_position(library: Library) -> None:
    """Choices are shuffled when asked and in exports: 'the second choice' would point at another one."""
    found = [(q.gid, m.group(0)) for q in library if q.choices
             for text in (q.explanation, str(dict(q.zh).get("explanation", ""))) for m in POSITIONAL.finditer(text)]
    assert found == []


def test_no_two_prompts_ask_the_same_thing(library: Library) -> None:
    """A near-copy wastes a review and teaches nothing new (checked per category, on the English)."""
    from rapidfuzz import fuzz, process

    close = []
    for category in CATEGORIES:
        qs = [q for q in library.in_category(category) if q.type != "code"]
        prompts = [" ".join(q.prompt.lower().split()) for q in qs]
        for i, prompt in enumerate(prompts):
            for _, score, j in process.extract(prompt, prompts[i + 1:], scorer=fuzz.token_sort_ratio,
                                               score_cutoff=90, limit=None):
                close.append((qs[i].gid, qs[i + 1 + j].gid, round(score)))
    assert close == []


def test_the_tag_vocabulary_is_documented(library: Library) -> None:
    from .conftest import REPO

    documented = set(re.findall(r"`([a-z0-9-]+)`", (REPO / "docs" / "tags.md").read_text(encoding="utf-8")))
    assert sorted({t for q in library for t in q.tags} - documented) == []


MISTAKE_CUE = re.compile(r"\b(mistake|wrong|forget|forgetting|forgot|double-counts?|off-by-one|instead of|slip|"
                         r"confus\w*|would give|gives|common error|trap)\b", re.I)
# A number that is not a factor of a formula (6·N·D, 2 × layers) in a sentence that names a mistake.
NAMED_VALUE = re.compile(r"(?<![\w.·×*^])(\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?)(?![\w.]|\s*[·×*^])")


def test_tolerances_reject_the_mistakes_explanations_name(library: Library) -> None:
    """Where an explanation names the value a common mistake gives, the tolerance must reject it."""
    accepted = []
    for q in library:
        if q.type != "numeric" or not isinstance(q.answer, float):
            continue
        for sentence in re.split(r"(?<=[.;:])\s+|\n", q.explanation):
            if not MISTAKE_CUE.search(sentence):
                continue
            for m in NAMED_VALUE.finditer(sentence):
                value = float(m.group(1).replace(",", ""))
                if value != q.answer and abs(value - q.answer) <= q.tolerance * abs(q.answer):
                    accepted.append((q.gid, value, q.answer))
    assert accepted == []


def test_the_off_by_one_latency_mistake_is_rejected(library: Library) -> None:
    from quizzer.grading import grade

    q = library.get("inference/e2e-latency-from-ttft-tpot")
    assert q is not None
    assert grade(q, "1.25 s").correct and not grade(q, "1.30 s").correct


CODE_MINIMUMS = {"base": 12, "algorithm": 8, "training": 8, "fine-tuning": 6, "eval": 5, "compression": 5,
                 "inference": 8, "applications": 8}


def test_the_hand_coding_round(library: Library) -> None:
    code = [q for q in library if q.type == "code"]
    per_category = Counter(q.category for q in code)
    assert len(code) >= 60 and all(per_category[c] >= n for c, n in CODE_MINIMUMS.items()), per_category
    assert {q.level for q in code} == {1, 2, 3}
    assert all(len({q.level for q in code if q.category == c}) >= 2 for c in CATEGORIES)
    assert all(len(json.loads(q.cases)) >= 4 for q in code)
    assert sum("data-structures" in q.tags for q in code if q.category == "base") >= 8
    assert all("coding" in q.tags and q.entry and q.starter for q in code)
