"""Key-point matching of open answers: concepts by any name and in either language, word forms, Chinese
without spaces, negation, and keyword salad."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer import keypoints
from quizzer.keypoints import covered, keyword_salad, stem

POINT = "grouped-query attention shrinks the KV cache"
POINT_ZH = "分组查询注意力减少 KV 缓存"


@pytest.mark.parametrize(("answer", "expected"), [
    ("GQA shrinks the key/value cache", True),  # abbreviations and other names are the same concept
    ("用 GQA 减少 KV cache", True),  # mixed Chinese and English, against the Chinese point
    ("分组查询注意力让键值缓存变小", True),  # Chinese, different words around the concepts
    ("grouped query attention makes the KV-cache shrink", True),  # word forms and hyphens
    ("pipeline parallelism splits the layers across GPUs", False),
    ("GQA does not shrink the KV cache", False),  # denied
    ("GQA 并不会减少 KV cache", False),
    ("", False),
])
def test_a_point_is_covered_by_any_name_in_either_language(answer: str, expected: bool) -> None:
    assert covered([(POINT,), (POINT_ZH,)], answer) == (expected,)


@pytest.mark.parametrize(("point", "answer", "expected"), [
    ("ZeRO-3 shards parameters", "ZeRO-3 shards the parameters too", True),
    ("ZeRO-3 shards parameters", "ZeRO-3 does not shard the parameters", False),
    ("ZeRO-3 shards parameters", "ZeRO-3 doesn't shard parameters", False),
    ("ZeRO-3 会切分参数", "ZeRO-3 不需要切分参数", False),
    ("ZeRO-3 会切分参数", "ZeRO-3 没有切分参数", False),
    # A point that negates by its meaning is made with "not" too.
    ("avoids recomputing the prefix at every step", "so it does not recompute the prefix at each step", True),
    # 不同 (different) and 无论 (whatever) deny nothing.
    ("每个序列的填充掩码不同", "填充掩码对每个序列不同", True),
])
def test_negation(point: str, answer: str, expected: bool) -> None:
    assert covered([(point,)], answer) == (expected,)


@pytest.mark.parametrize(("word", "stemmed"), [
    ("shards", "shard"), ("sharding", "shard"), ("sharded", "shard"), ("queries", "query"),
    ("caches", "cach"), ("cache", "cach"), ("gpu", "gpu"), ("fp16", "fp16"), ("loss", "loss"),
])
def test_stem(word: str, stemmed: str) -> None:
    assert stem(word) == stemmed


@pytest.mark.parametrize(("text", "salad"), [
    ("tiling, SRAM, HBM, online softmax, recompute, logsumexp", True),
    ("低秩、latent、576、absorb、decoupled RoPE、93.3%", True),
    ("critic、组内归一化、KL、G=8、DAPO、Dr. GRPO", True),
    ("PTQ / QAT / STE / fake quant / 校准集", True),
    ("FlashAttention tiles Q, K and V into SRAM. It never writes the full matrix to HBM.", False),
    ("ReAct = Thought / Action / Observation 循环，比纯 CoT 好是因为能查外部信息，不会瞎编。", False),
    ("GQA, MQA", False),  # too few to call a list
    ("shard optimizer states, shard gradients, shard parameters, gather weights before use", False),  # statements
    ("states are sharded, so are gradients, and the weights, which get gathered", False),  # connected
    ("1. tiling\n2. SRAM\n3. online softmax\n4. recompute", True),
    ("", False),
])
def test_keyword_salad(text: str, salad: bool) -> None:
    assert keyword_salad(text) is salad


def test_without_the_glossary_names_are_just_words() -> None:
    plain = keypoints.Options(glossary=False)
    assert covered([(POINT,)], "GQA shrinks the key/value cache", plain) == (False,)
    assert covered([(POINT,)], "GQA shrinks the key/value cache") == (True,)


@settings(max_examples=300, deadline=None)
@given(st.text(max_size=300), st.lists(st.text(max_size=60), min_size=1, max_size=4))
def test_matching_never_raises_and_gives_one_flag_per_point(text: str, points: list[str]) -> None:
    flags = covered([tuple(points)], text)
    assert len(flags) == len(points) and all(isinstance(f, bool) for f in flags)
    assert isinstance(keyword_salad(text), bool)
