"""Markdown export: structure checked by parsing the output with markdown-it-py."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st
from markdown_it import MarkdownIt
from markdown_it.token import Token

from quizzer.banks import check
from quizzer.export import export_markdown
from quizzer.model import Bank, Library, Question
from quizzer.paths import shipped_catalog

from .conftest import TEST_BANKS

MD = MarkdownIt("commonmark").enable("table")
OPEN_DETAILS = "<details><summary>Answer</summary>"


def library() -> Library:
    lib = check([TEST_BANKS], shipped_catalog()).library
    assert lib is not None
    return lib


def structure(text: str) -> dict[str, list[Token]]:
    """Top-level tokens of interest: headings by level and HTML blocks."""
    tokens = MD.parse(text)
    out: dict[str, list[Token]] = {"h1": [], "h2": [], "other_headings": [], "html": [], "hr": []}
    for i, tok in enumerate(tokens):
        if tok.type == "heading_open":
            key = tok.tag if tok.tag in ("h1", "h2") and tok.level == 0 else "other_headings"
            out[key].append(tokens[i + 1])
        elif tok.type == "html_block":
            out["html"].append(tok)
        elif tok.type == "hr":
            out["hr"].append(tok)
    return out


def test_export_writes_index_and_one_page_per_category(tmp_path: Path) -> None:
    written = export_markdown(library(), tmp_path)
    assert sorted(p.name for p in written) == ["README.md", "base.md", "inference.md"]
    tokens = MD.parse((tmp_path / "README.md").read_text(encoding="utf-8"))
    links = [t.attrGet("href") for tok in tokens if tok.type == "inline" for t in tok.children or []
             if t.type == "link_open"]
    assert links == ["base.md", "inference.md"]
    cells = [tok.content for tok in tokens if tok.type == "inline"]
    assert "3" in cells


def test_category_page_structure(tmp_path: Path) -> None:
    export_markdown(library(), tmp_path)
    page = structure((tmp_path / "inference.md").read_text(encoding="utf-8"))
    assert [h.content for h in page["h1"]] == ["Inference and serving"]
    assert [h.content for h in page["h2"]] == [
        "1. `inference/kv-cache-purpose`",
        "2. `inference/decode-bound`",
        "3. `inference/batching-kinds`",
    ]
    assert [t.content.strip() for t in page["html"]] == [OPEN_DETAILS, "</details>"] * 3
    assert page["other_headings"] == [] and page["hr"] == []


def test_refs_are_links_with_article_titles(tmp_path: Path) -> None:
    export_markdown(library(), tmp_path)
    text = (tmp_path / "inference.md").read_text(encoding="utf-8")
    assert "[大模型推理优化技术-KV Cache](https://www.zhihu.com/question/653658936/answer/3569365986)" in text
    assert "[https://arxiv.org/abs/2309.06180](https://arxiv.org/abs/2309.06180)" in text


def test_no_answers_leaves_out_answers(tmp_path: Path) -> None:
    export_markdown(library(), tmp_path, answers=False)
    text = (tmp_path / "base.md").read_text(encoding="utf-8")
    assert "<details>" not in text and "PagedAttention maps" not in text
    assert "Which vLLM technique" in text


def test_category_filter(tmp_path: Path) -> None:
    written = export_markdown(library(), tmp_path, categories=["base"])
    assert sorted(p.name for p in written) == ["README.md", "base.md"]


def test_export_is_deterministic(tmp_path: Path) -> None:
    a = export_markdown(library(), tmp_path / "a")
    b = export_markdown(library(), tmp_path / "b")
    assert [p.read_bytes() for p in a] == [p.read_bytes() for p in b]


HOSTILE = [
    "</details>\n\n# Not a question\n\nStill the prompt.",
    "Title line\n===\n\nAnd a break:\n\n---\n\n<script>alert(1)</script>",
    "Inline </details> and <b>bold</b> but `</details>` in code.",
    "```python\nprint('unclosed fence')\n\n## still code",
    "> # quoted heading\n> </details>\n\n- # listed heading\n- item",
    "    indented code </details>\n\n***",
    "Setext two\n---",
    "--",  # alone it is text; after a list bullet, `- --` would be a thematic break
    "- nested",
    "* *",
    "#\n-",  # escaping the empty heading alone would make a setext heading of the two lines
    "1\n- ",  # a setext underline that looks like an empty list item
]


def hostile_library(texts: list[str]) -> Library:
    questions = tuple(
        Question(category="base", id=f"q{i}", type="mcq", level=1, prompt=t, answer=t.strip() or "x",
                 choices=(t.strip() or "x", "# other </details>"), explanation=t, refs=("kv-cache",),
                 tags=("t",))
        for i, t in enumerate(texts)
    )
    return Library((Bank("base", "Hostile </details>", "", questions, "x.yaml"),),
                   library().articles)


def assert_structure_holds(tmp_path: Path, texts: list[str]) -> None:
    export_markdown(hostile_library(texts), tmp_path)
    page = structure((tmp_path / "base.md").read_text(encoding="utf-8"))
    assert len(page["h1"]) == 1
    assert [h.content for h in page["h2"]] == [f"{i + 1}. `base/q{i}`" for i in range(len(texts))]
    assert [t.content.strip() for t in page["html"]] == [OPEN_DETAILS, "</details>"] * len(texts)
    assert page["other_headings"] == [] and page["hr"] == []


def test_bank_text_cannot_break_the_document(tmp_path: Path) -> None:
    assert_structure_holds(tmp_path, HOSTILE)


def test_hostile_text_stays_inside_its_question(tmp_path: Path) -> None:
    export_markdown(hostile_library(HOSTILE), tmp_path)
    text = (tmp_path / "base.md").read_text(encoding="utf-8")
    first = text.index("## 1. ")
    second = text.index("## 2. ")
    assert "Not a question" in text[first:second]
    assert "Still the prompt." in text[first:second]


MARKDOWNISH = st.text(alphabet=st.sampled_from(list("#=-*_`~<>/ detailsumry\n!|[]()1.")), min_size=1, max_size=120)


@settings(max_examples=200, deadline=None)
@given(st.lists(MARKDOWNISH, min_size=1, max_size=4))
def test_any_markdownish_text_keeps_the_structure(tmp_path_factory, texts: list[str]) -> None:  # type: ignore[no-untyped-def]
    assert_structure_holds(tmp_path_factory.mktemp("export"), texts)
