"""The banks' Chinese text writes each concept the glossary's way (`quizzer.term_use`)."""

from __future__ import annotations

from pathlib import Path

import pytest

from quizzer.banks import check
from quizzer.glossary import Term, shipped_terms
from quizzer.model import Library, Question
from quizzer.paths import shipped_banks_dir, shipped_catalog
from quizzer.term_use import Finding, bank_pairs, findings, pair_findings

EXCEPTIONS = Path(__file__).parent / "data" / "term_use_exceptions.txt"

TERMS = (
    Term("agent", ("agents",), ("智能体", "代理")),
    Term("proxy reward", (), ("代理奖励",)),
    Term("KV cache", (), ("键值缓存", "KV 缓存")),
    Term("prompt", (), ("提示词", "提示")),
    Term("evaluation", ("eval",), ("评测", "评估"), everyday=True),
    Term("held-out set", ("held-out",), ("留出集",)),
    Term("mean", (), ("均值",)),
)


def question(prompt: str, zh_prompt: str, key_points: tuple[str, ...] = (),
             zh_points: tuple[str, ...] = ()) -> Question:
    zh: list[tuple[str, str | tuple[str, ...]]] = [("prompt", zh_prompt), ("answer", "答")]
    if key_points:
        zh.append(("key_points", zh_points))
    return Question("base", "q", "open", 2, prompt, "answer", "", (), key_points=key_points, zh=tuple(zh))


@pytest.mark.parametrize(("en", "zh", "expected"), [
    # one term per concept
    ("An agent calls tools.", "智能体调用工具。", []),
    ("An agent calls tools.", "代理调用工具。", [("agent", "代理")]),
    ("An agent calls tools.", "agent 调用工具。", []),  # an English name is always the concept
    ("Use the KV cache.", "使用 KV缓存。", [("KV cache", "KV 缓存")]),  # spacing does not hide a variant
    ("Write the prompt.", "写提示。", []),  # a shorter form of the first name
    ("Optimise the proxy reward.", "优化代理奖励。", []),  # a longer name is read first
    ("Run the eval.", "做评估。", []),  # an everyday word's names are all in use
    # no term lost
    ("Score on a held-out set.", "在验证数据上打分。", [("held-out set", "")]),
    ("Score on a held-out set.", "在留出集（held-out set）上打分。", []),
    ("The mean of x.", "x 的平均数。", []),  # a single lower-case word is too often another sense
    ("Run the eval.", "跑一下。", []),  # an everyday word is not looked for
])
def test_the_rules_over_one_field(en: str, zh: str, expected: list[tuple[str, str]]) -> None:
    found = findings(question(en, zh), TERMS)
    assert [(f.field, f.term, f.written) for f in found] == [("prompt", t, w) for t, w in expected]


def test_key_points_are_checked_one_by_one_against_their_translation() -> None:
    q = question("p", "p", ("keep a held-out set", "an agent loop"), ("一个智能体循环", "保留留出集"))
    assert [(f.field, f.term) for f in findings(q, TERMS)] == [("key_points[0]", "held-out set")]


def test_a_finding_says_what_to_fix() -> None:
    assert str(Finding("base/q", "prompt", "agent", "代理")) == \
        "base/q prompt: writes 代理 for 'agent', not the glossary's term"
    missing = Finding("base/q", "answer", "held-out set", "")
    assert str(missing) == "base/q answer: 'held-out set' is in the English text but not in the Chinese"


def _exceptions() -> set[tuple[str, str, str]]:
    listed = set()
    for line in EXCEPTIONS.read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            where, reason = line.split("|", 1)
            gid, field, term = where.strip().split(" ", 2)
            assert reason.strip(), line
            listed.add((gid, field, term))
    return listed


@pytest.fixture(scope="module")
def library() -> Library:
    result = check([shipped_banks_dir()], shipped_catalog())
    assert result.library is not None
    return result.library


def test_the_banks_chinese_text_uses_the_glossary(library: Library) -> None:
    """Every finding over the shipped banks is a listed exception with its reason, and every listed
    exception is still a finding (a fixed one leaves the list)."""
    terms = shipped_terms()
    found = {(f.gid, f.field, f.term): f for q in library for f in findings(q, terms)}
    found |= {(f.gid, f.field, f.term): f for bank in library.banks
              for f in pair_findings(bank.category, bank_pairs(bank), terms)}
    exceptions = _exceptions()
    assert not [str(f) for k, f in sorted(found.items()) if k not in exceptions]
    assert not sorted(exceptions - set(found)), "listed exceptions that are no longer found"
    assert all(not found[k].written for k in exceptions), "a variant is fixed, never excepted"
