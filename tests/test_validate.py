"""Bank validation: one bad bank per rule, each reporting the exact FILE:LINE of the problem.

Each file under tests/data/bad marks its offending line with a trailing `# <-- text`
comment; the validator must report exactly one problem, on that line, containing the text.
"""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.banks import check, load_bank, load_catalog
from quizzer.paths import shipped_catalog

from .conftest import DATA, REPO, TEST_BANKS

BAD = sorted((DATA / "bad").glob("*.yaml"))
NO_MARKER = {"empty.yaml": (1, "empty file")}


def expected(path: Path) -> tuple[int, str]:
    if path.name in NO_MARKER:
        return NO_MARKER[path.name]
    for n, line in enumerate(path.read_bytes().decode("utf-8", "replace").splitlines(), 1):
        m = re.search(r"# <-- (.+)$", line)
        if m:
            return n, m.group(1).strip()
    raise AssertionError(f"{path.name} has no '# <--' marker")


def test_there_is_a_bad_bank_per_rule() -> None:
    assert len(BAD) >= 30


@pytest.mark.parametrize("path", BAD, ids=[p.stem for p in BAD])
def test_bad_bank_reports_file_and_line(path: Path) -> None:
    line, text = expected(path)
    result = check([path], shipped_catalog())
    assert result.library is None
    assert len(result.problems) == 1, [str(p) for p in result.problems]
    problem = result.problems[0]
    assert str(problem).startswith(f"{path}:{line}:"), str(problem)
    assert text in str(problem)  # as printed: escaped, one line


def test_python_tags_are_never_executed(tmp_path: Path) -> None:
    target = Path("/tmp/quizzer-pwned")
    target.unlink(missing_ok=True)
    check([DATA / "bad" / "python-tag.yaml"], shipped_catalog())
    assert not target.exists()


def test_test_banks_are_valid() -> None:
    result = check([TEST_BANKS], shipped_catalog())
    assert result.problems == []
    assert result.library is not None
    assert len(result.library) == 6
    assert {q.type for q in result.library} == {"open", "mcq", "multi", "truefalse", "short", "numeric"}


def test_shipped_catalog_is_valid() -> None:
    articles, problems = load_catalog(shipped_catalog())
    assert problems == []
    assert len(articles) >= 100
    assert all(a.url.startswith("http") for a in articles.values())


def test_every_problem_in_a_file_is_listed(tmp_path: Path) -> None:
    bank = tmp_path / "two.yaml"
    bank.write_text(
        "category: base\ntitle: T\nquestions:\n"
        "  - id: a\n    type: truefalse\n    level: 9\n    prompt: P\n    answer: true\n"
        "    explanation: E\n    refs: [kv-cache]\n"
        "  - id: b\n    type: mcq\n    level: 1\n    prompt: P\n    choices: [x, y]\n    answer: z\n"
        "    explanation: E\n    refs: [kv-cache]\n",
        encoding="utf-8",
    )
    result = check([bank], shipped_catalog())
    assert [(p.line, p.message.split()[0]) for p in result.problems] == [(6, "level"), (16, "answer")]


def test_duplicate_global_ids_across_files_are_refused(tmp_path: Path) -> None:
    shutil.copy(TEST_BANKS / "base.yaml", tmp_path / "base.yaml")
    shutil.copy(TEST_BANKS / "base.yaml", tmp_path / "base-copy.yaml")
    result = check([tmp_path], shipped_catalog())
    assert any("also defined in" in p.message for p in result.problems)


def test_extra_catalog_among_paths_resolves_refs(tmp_path: Path) -> None:
    (tmp_path / "articles.yaml").write_text(
        "articles:\n  - id: my-notes\n    title: My notes\n    url: https://example.com/notes\n    category: base\n",
        encoding="utf-8",
    )
    (tmp_path / "base.yaml").write_text(
        "category: base\ntitle: T\nquestions:\n  - id: a\n    type: truefalse\n    level: 1\n"
        "    prompt: P\n    answer: true\n    explanation: E\n    refs: [my-notes]\n",
        encoding="utf-8",
    )
    result = check([tmp_path], shipped_catalog())
    assert result.problems == []


def test_doc_example_is_a_valid_bank(tmp_path: Path) -> None:
    """The complete example in docs/bank-format.md must stay valid."""
    doc = (REPO / "docs" / "bank-format.md").read_text(encoding="utf-8")
    example = re.search(r"```yaml\n(category:.*?)```", doc, re.S)
    assert example is not None
    path = tmp_path / "example.yaml"
    path.write_text(example.group(1), encoding="utf-8")
    bank, problems = load_bank(path, load_catalog(shipped_catalog())[0])
    assert problems == []
    assert bank is not None
    assert {q.type for q in bank.questions} == {"open", "mcq", "multi", "truefalse", "short", "numeric"}


@settings(max_examples=300, deadline=None)
@given(st.binary(max_size=400))
def test_validating_arbitrary_bytes_never_raises(tmp_path_factory: pytest.TempPathFactory, raw: bytes) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "bank.yaml"
    path.write_bytes(raw)
    result = check([path], shipped_catalog())
    assert result.library is not None or result.problems  # refused input always says why


YAMLISH = st.text(alphabet=st.sampled_from(list("ab:-[]{}&*!|>'\" \n\t#%@`?,0123456789.\x1b\x00é")), max_size=300)


@settings(max_examples=300, deadline=None)
@given(YAMLISH)
def test_validating_arbitrary_text_never_raises(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    check([path], shipped_catalog())


QUESTION_KEYS = st.sampled_from(["id", "type", "level", "prompt", "answer", "choices", "accept", "tolerance",
                                 "unit", "key_points", "explanation", "refs", "tags", "promt"])
VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-5, 5) | st.floats(allow_nan=True) | st.text(max_size=8)
    | st.sampled_from(["mcq", "multi", "open", "short", "numeric", "truefalse", "kv-cache", "a-b"]),
    lambda inner: st.lists(inner, max_size=4),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(QUESTION_KEYS, VALUES, max_size=10), max_size=4))
def test_structurally_odd_banks_never_raise(tmp_path_factory: pytest.TempPathFactory,
                                           questions: list[dict[str, object]]) -> None:
    import yaml

    path = tmp_path_factory.mktemp("fuzz") / "bank.yaml"
    doc = {"category": "base", "title": "T", "questions": questions}
    path.write_text(yaml.safe_dump(doc, allow_unicode=True), encoding="utf-8")
    result = check([path], shipped_catalog())
    for problem in result.problems:
        assert problem.line is None or problem.line >= 1
