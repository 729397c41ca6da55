"""Search over the shipped questions: by id, by the prompt as shown (a parametrised one with its first
numbers), and by the Chinese prompt."""

from __future__ import annotations

import pytest

from quizzer.banks import check
from quizzer.model import Library
from quizzer.paths import shipped_banks_dir, shipped_catalog
from quizzer.search import SearchIndex


@pytest.fixture(scope="module")
def library() -> Library:
    result = check([shipped_banks_dir()], shipped_catalog())
    assert result.library is not None
    return result.library


@pytest.mark.parametrize(("query", "first"), [
    ("pagedattention block table", "inference/pagedattention-block-table-term"),
    ("How many visual tokens does a 1344 × 896 image produce", "algorithm/qwen2vl-visual-token-count"),  # as shown
    ("比较 LLM 推理的预填充（prefill）和解码", "inference/prefill-vs-decode-characteristics"),  # the Chinese prompt
])
def test_a_query_finds_its_question_first(library: Library, query: str, first: str) -> None:
    assert [q.gid for q in SearchIndex(list(library)).search(query, limit=3)][:1] == [first]


def test_an_empty_query_lists_every_question_in_bank_order(library: Library) -> None:
    assert SearchIndex(list(library)).search("", limit=0) == list(library)
