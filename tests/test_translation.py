"""Questions in two languages: the translated view shows the Chinese text, keeps keys in step, and
grades an answer in either language."""

from __future__ import annotations

from typing import Any

import pytest

from quizzer.grading import grade
from quizzer.model import Question
from quizzer.translation import has_language, translated

ZH_MCQ = (("choices", ("预填充", "解码", "加载")), ("explanation", "解释"), ("prompt", "哪个阶段？"))


def q(type: str, answer: Any, zh: Any = (), **fields: Any) -> Question:
    return Question(category="inference", id="x", type=type, level=1, prompt="Which?", answer=answer,
                    explanation="because", refs=("kv-cache",), zh=zh, **fields)


def test_mcq_key_follows_its_index_into_the_translation() -> None:
    english = q("mcq", "decode", ZH_MCQ, choices=("prefill", "decode", "load"))
    chinese = translated(english, "zh")
    assert (chinese.prompt, chinese.answer, chinese.choices) == ("哪个阶段？", "解码", ("预填充", "解码", "加载"))
    assert grade(chinese, "解码").correct and not grade(chinese, "预填充").correct
    assert chinese.gid == english.gid and chinese.content_hash() == english.content_hash()


def test_multi_keys_follow_their_indexes() -> None:
    english = q("multi", ("prefill", "load"), ZH_MCQ, choices=("prefill", "decode", "load"))
    assert translated(english, "zh").answer == ("预填充", "加载")


@pytest.mark.parametrize(("shown", "typed"), [
    ("en", "KV cache"), ("en", "键值缓存"), ("en", "KV 缓存"), ("zh", "键值缓存"), ("zh", "kv cache"),
])
def test_short_answers_are_accepted_in_either_language(shown: str, typed: str) -> None:
    zh = (("accept", ("KV 缓存",)), ("answer", "键值缓存"), ("explanation", "解释"), ("prompt", "叫什么？"))
    question = translated(q("short", "KV cache", zh, accept=("key-value cache",)), shown)
    assert grade(question, typed).correct, (shown, typed)
    assert not grade(question, "参数缓存").correct


def test_short_answer_shown_in_zh_is_the_chinese_one() -> None:
    zh = (("answer", "键值缓存"), ("explanation", "解释"), ("prompt", "叫什么？"))
    assert translated(q("short", "KV cache", zh), "zh").answer == "键值缓存"
    assert translated(q("short", "KV cache", zh), "en").answer == "KV cache"


def test_open_question_takes_translated_answer_and_key_points() -> None:
    zh = (("answer", "答案"), ("explanation", "解释"), ("key_points", ("甲", "乙")), ("prompt", "为什么？"))
    chinese = translated(q("open", "answer", zh, key_points=("a", "b")), "zh")
    assert (chinese.answer, chinese.key_points) == ("答案", ("甲", "乙"))


def test_a_question_without_translation_is_shown_in_english() -> None:
    english = q("truefalse", True)
    assert translated(english, "zh") is english
    assert has_language(english, "en") and not has_language(english, "zh")


def test_adding_a_translation_changes_the_content_hash_only_when_present() -> None:
    plain = q("truefalse", True)
    assert q("truefalse", True).content_hash() == plain.content_hash()
    assert q("truefalse", True, (("explanation", "e"), ("prompt", "p"))).content_hash() != plain.content_hash()


@pytest.mark.parametrize("answer", ["它保存过去每个 token 在每一层的键和值，避免每一步重新计算整个前缀",
                                    "KV cache 保存过去 token 的 key 和 value，这样就避免重新计算前缀"])
def test_open_answers_in_chinese_cover_the_chinese_key_points(answer: str) -> None:
    zh = (("answer", "答案"), ("explanation", "解释"),
          ("key_points", ("保存过去 token 的键和值", "避免每一步重新计算前缀")), ("prompt", "键值缓存存什么？"))
    q = Question(category="inference", id="x", type="open", level=1, prompt="What does the KV cache hold?",
                 answer="keys and values", explanation="e", refs=("kv-cache",), zh=zh,
                 key_points=("keys and values of past tokens", "avoids recomputing the prefix at every step"))
    for shown in ("en", "zh"):
        result = grade(translated(q, shown), answer)
        assert result.covered == (True, True), (shown, result.covered)
    assert grade(q, "不知道").covered == (False, False)
    english = "it keeps the keys and values of past tokens, which avoids recomputing the prefix at every step"
    assert grade(translated(q, "zh"), english).covered == (True, True)
