"""The glossary of standard terms: the shipped one is valid and sized, a broken one is reported with
FILE:LINE:COL by `quizzer validate`, discovery never reads it as a bank, and short answers accept every
name of their concept."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from quizzer.banks import check, discover
from quizzer.cli import cli
from quizzer.glossary import load_glossary, name_key, other_names, shipped_glossary_path, shipped_terms
from quizzer.grading import grade
from quizzer.model import Question
from quizzer.paths import shipped_catalog

from .conftest import TEST_BANKS


def test_the_shipped_glossary_is_valid_and_covers_the_banks_vocabulary() -> None:
    terms, problems = load_glossary(shipped_glossary_path())
    assert problems == []
    assert 150 <= len(terms) <= 400
    by_en = {t.en: t for t in terms}
    assert "分组查询注意力" in by_en["grouped-query attention"].zh and "GQA" in by_en["grouped-query attention"].also
    assert {"键值缓存", "KV 缓存"} <= set(by_en["KV cache"].zh)
    assert "流水线并行" in by_en["pipeline parallelism"].zh
    assert all(t.zh for t in terms)


@pytest.mark.parametrize(("text", "line", "col", "message"), [
    ("terms:\n  - {en: KV cache, zh: [键值缓存]}\n  - {en: kv-cache, zh: [KV 缓存]}\n",
     3, 10, "'kv-cache' is already a name of 'KV cache'"),
    ("terms:\n  - {en: KV cache, also: [kv-cache], zh: [键值缓存]}\n", 2, 27, "listed twice"),
    ("terms:\n  - {en: KV cache}\n", 2, 5, "missing required key 'zh'"),
    ("terms:\n  - {en: KV cache, zh: []}\n", 2, 24, "needs at least 1 item"),
    ("terms:\n  - {en: KV cache, zh: [键值缓存], sense: x}\n", 2, 32, "unknown key 'sense'"),
    ("terms:\n  - KV cache\n", 2, 5, "a term must be a mapping"),
    ("terms:\n  - {en: KV cache, zh: [键值缓存], everyday: yes please}\n", 2, 42, "everyday must be true or false"),
    ("words: []\n", 1, 1, "a mapping with a non-empty 'terms:' list"),
    ("terms:\n  - {en: '--', zh: [键值缓存]}\n", 2, 10, "has no letters or digits"),
    ("terms: [\n", 2, 1, "YAML error"),
])
def test_a_broken_glossary_is_reported_where_it_is_broken(tmp_path: Path, text: str, line: int, col: int,
                                                           message: str) -> None:
    path = tmp_path / "glossary.yaml"
    path.write_text(text, encoding="utf-8")
    terms, problems = load_glossary(path)
    assert terms == ()
    assert [(p.line, p.col) for p in problems] == [(line, col)], problems
    assert message in problems[0].message


def test_discovery_sets_the_glossary_aside_and_validate_checks_it(tmp_path: Path) -> None:
    shutil.copy(TEST_BANKS / "base.yaml", tmp_path / "base.yaml")
    shutil.copy(shipped_glossary_path(), tmp_path / "glossary.yaml")
    found = discover([tmp_path])
    assert [p.name for p in found.banks] == ["base.yaml"] and [p.name for p in found.glossaries] == ["glossary.yaml"]
    assert check([tmp_path], shipped_catalog()).problems == []
    ok = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert ok.exit_code == 0, ok.output
    (tmp_path / "glossary.yaml").write_text("terms:\n  - {en: KV cache}\n", encoding="utf-8")
    bad = CliRunner().invoke(cli, ["validate", str(tmp_path)])
    assert bad.exit_code != 0
    assert f"{tmp_path / 'glossary.yaml'}:2:5: a term is missing required key 'zh'" in bad.output


def test_names_compare_by_words_whatever_separates_them() -> None:
    assert name_key("KV-cache") == name_key("kv cache") == name_key("KV/Cache")
    assert name_key("finetuning") != name_key("fine-tuning")


def test_other_names_of_a_concept_in_either_language() -> None:
    assert {"GQA", "分组查询注意力"} <= set(other_names(("grouped query attention",), shipped_terms()))
    assert other_names(("no such term at all",), shipped_terms()) == ()


def short(answer: str, *accept: str) -> Question:
    return Question(category="training", id="x", type="short", level=1, prompt="p", answer=answer,
                    explanation="e", refs=("r",), accept=accept)


@pytest.mark.parametrize(("question", "typed", "verdict"), [
    (short("all-to-all"), "全对全", "correct"),
    (short("all-to-all"), "alltoall", "correct"),
    (short("pipeline parallelism"), "流水线并行", "correct"),
    (short("pipeline parallelism"), "PP", "correct"),
    (short("grouped-query attention"), "分组查询注意力", "correct"),
    (short("grouped-query attention"), "MQA", "wrong"),
    (short("pipeline parallelism"), "张量并行", "wrong"),  # another concept's name is still wrong
    (short("Sarathi-Serve"), "chunked prefill", "wrong"),  # no glossary concept: only the bank's own forms
])
def test_a_short_answer_is_accepted_under_any_name_of_its_concept(question: Question, typed: str,
                                                                    verdict: str) -> None:
    assert grade(question, typed).verdict == verdict
