"""`quizzer import`: cards from Anki packages (made by Anki itself and by genanki), Anki's plain-text
export and CSV become a bank that validates; what cannot be asked is skipped with a reason; a broken
file is one clear line and nothing written."""

from __future__ import annotations

import contextlib
import hashlib
import os
import sqlite3
import subprocess
import sys
import tempfile
import zipfile
from pathlib import Path

import anki.collection  # noqa: F401  # first: anki's other modules need it loaded
import genanki
import pytest
from anki.collection import Collection, ExportAnkiPackageOptions
from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from quizzer.anki_export import NoteTimes, export_anki, note_guid
from quizzer.anki_read import SourceNote, read_notes
from quizzer.banks import check, load_bank
from quizzer.card_import import bank_yaml, check_bank_text, questions_from, tag_slug
from quizzer.cli import cli
from quizzer.errors import CardImportError, QuizzerError
from quizzer.html_to_markdown import html_to_markdown, plain_markdown
from quizzer.paths import shipped_catalog

from .conftest import DATA, TEST_BANKS

REF = "https://example.org/my-deck"
CARDS = [  # (note type, fields, tags)
    ("Basic", ["What does the <b>KV cache</b> store?", "Keys &amp; values<br>of past tokens"], ["LLM::Inference"]),
    ("Basic", ["什么是分组查询注意力？", "多个 query 头共享一组 <i>key/value</i> 头"], ["中文", "gqa"]),
    ("Basic", ["Is <code>a &lt; b</code> when a=1, b=2?", "yes, see <a href='https://example.org/lt'>this</a>"], []),
    ("Cloze", ["{{c1::Paris}} is the capital of France", ""], []),
    ("Basic", ['<img src="diagram.png">', "the diagram"], []),
    ("Basic", ["A card with no back", ""], []),
    ("Basic", ["", "A card with no front"], []),
]
IMPORTED = 3
SKIPPED = {"cloze", "only media on the front", "the back is empty", "the front is empty"}


@pytest.fixture(scope="module")
def anki_files(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """The same cards as Anki itself writes them: current and legacy .apkg, .colpkg, plain text."""
    folder = tmp_path_factory.mktemp("anki")
    col = Collection(str(folder / "collection.anki2"))
    deck = col.decks.id("Mine::Interview")
    assert deck is not None
    for kind, fields, tags in CARDS:
        notetype = col.models.by_name(kind)
        assert notetype is not None
        note = col.new_note(notetype)
        for i, value in enumerate(fields):
            note.fields[i] = value
        note.tags = tags
        col.add_note(note, deck)
    files = {name: folder / name for name in ("current.apkg", "legacy.apkg", "all.colpkg", "notes.txt", "plain.txt")}
    col.export_anki_package(out_path=str(files["current.apkg"]), options=ExportAnkiPackageOptions(legacy=False),
                            limit=None)
    col.export_anki_package(out_path=str(files["legacy.apkg"]), options=ExportAnkiPackageOptions(legacy=True),
                            limit=None)
    col.export_note_csv(out_path=str(files["notes.txt"]), limit=None, with_html=True, with_tags=True,
                        with_deck=True, with_notetype=True, with_guid=True)
    col.export_note_csv(out_path=str(files["plain.txt"]), limit=None, with_html=False, with_tags=False,
                        with_deck=False, with_notetype=False, with_guid=False)
    col.export_collection_package(str(files["all.colpkg"]), include_media=False, legacy=False)
    return files


def import_cli(*args: str) -> tuple[int, str]:
    """Exit code and output; an error the user caused ends as `main` ends it, with code 1 and its message."""
    result = CliRunner().invoke(cli, ["import", *args])
    if isinstance(result.exception, QuizzerError):
        return 1, result.output + str(result.exception)
    return result.exit_code, result.output


# ---- HTML to Markdown -------------------------------------------------------------------------

@pytest.mark.parametrize(("html", "markdown", "media"), [
    ("What is <b>KV</b> cache?", "What is **KV** cache?", 0),
    ("<b> spaced </b>x", "**spaced** x", 0),
    ("a &lt; b &amp; c&nbsp;d", "a \\< b & c d", 0),
    ("line one<br>line two", "line one\n\nline two", 0),
    ("<div>one</div><div>two</div>", "one\n\ntwo", 0),
    ("2*3*4 snake_case _x_", "2\\*3\\*4 snake_case \\_x\\_", 0),
    ("<ul><li>a</li><li>b<ol><li>c</li></ol></li></ul>", "- a\n- b\n  1. c", 0),
    ("<code>x_y *z*</code>", "`x_y *z*`", 0),
    ("<pre>def f():\n    return 1 &lt; 2</pre>", "```\ndef f():\n    return 1 < 2\n```", 0),
    ("<a href='https://a.org/x'>link</a> <a href='javascript:alert(1)'>bad</a>", "[link](https://a.org/x) bad", 0),
    ("a<script>alert(1)</script>b<style>p{}</style>", "ab", 0),
    ('<img src="x.png"> text [sound:a.mp3]', "text", 2),
    ("<b></b><i> </i>", "", 0),
    ("中文<br>问题", "中文\n\n问题", 0),
    ("d<sup>2</sup> and H<sub>2</sub>O", "d^2 and H2O", 0),
    ("<table><tr><td>a</td><td>b</td></tr><tr><td>c</td><td>d</td></tr></table>", "| a | b\n\n| c | d", 0),
])
def test_html_to_markdown(html: str, markdown: str, media: int) -> None:
    converted = html_to_markdown(html)
    assert (converted.markdown, converted.media) == (markdown, media)


def test_plain_text_is_escaped_not_interpreted() -> None:
    assert plain_markdown("a*b* [x] <y>") == "a\\*b\\* \\[x\\] \\<y>"


@pytest.mark.parametrize(("cell", "markdown"), [
    ("What is `x_1 * 2`?", "What is `x_1 * 2`?"),                     # a spreadsheet's Markdown, as written
    ("See [it](https://a.org/x)", "See [it](https://a.org/x)"),
    ("See [it](http://a.org/x)", "See \\[it\\](http://a.org/x)"),    # a link a bank may not hold: text
    ("[j](javascript:alert(1))", "\\[j\\](javascript:alert(1))"),
])
def test_text_cells_are_markdown_unless_they_hold_a_refused_link(tmp_path: Path, cell: str, markdown: str) -> None:
    note = SourceNote((("front", cell), ("back", "b")), (), "", False, False, "line 2")
    (question,) = questions_from([note], ref=REF).questions
    assert question["prompt"] == markdown
    assert check_bank_text(bank_yaml("eval", "t", "", [question]), None) == []


@pytest.mark.parametrize(("tag", "slug"), [
    ("LLM::Inference", "llm-inference"), ("Hard", "hard"), ("中文", None), ("quizzer::tag::kv-cache", "kv-cache"),
    ("quizzer::level::senior", None), ("a__b", "a-b"),
])
def test_tag_slugs(tag: str, slug: str | None) -> None:
    assert tag_slug(tag) == slug


# ---- Anki's own files -------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["current.apkg", "legacy.apkg", "all.colpkg", "notes.txt"])
def test_cards_from_anki(anki_files: dict[str, Path], name: str) -> None:
    result = questions_from(read_notes(anki_files[name]), ref=REF, source_name=name)
    prompts = [q["prompt"] for q in result.questions]
    assert prompts == ["What does the **KV cache** store?", "什么是分组查询注意力？", "Is `a < b` when a=1, b=2?"]
    assert result.questions[0]["answer"] == "Keys & values\n\nof past tokens"
    assert result.questions[0]["tags"] == ["llm-inference"]
    assert result.questions[1]["answer"] == "多个 query 头共享一组 *key/value* 头"
    assert result.questions[2]["refs"] == ["https://example.org/lt"]  # the card's own link comes first
    assert result.questions[0]["refs"] == [REF]
    assert all(q["id"].startswith("anki-") for q in result.questions)
    assert len(result.skipped) == len(CARDS) - IMPORTED
    assert {next(s for s in SKIPPED if s in why) for _, why in result.skipped} == SKIPPED
    assert result.tags_dropped == {"中文"}
    assert check_bank_text(bank_yaml("inference", "Mine", "", result.questions), shipped_catalog()) == []


@pytest.mark.parametrize("name", ["current.apkg", "legacy.apkg", "all.colpkg", "notes.txt"])
def test_notes_know_their_deck(anki_files: dict[str, Path], name: str) -> None:
    notes = read_notes(anki_files[name])
    assert {n.deck for n in notes} == {"Mine::Interview"}
    assert all(n.in_deck("Mine") and n.in_deck("mine::interview") for n in notes)
    assert not any(n.in_deck("Mine::Inter") or n.in_deck("Other") for n in notes)


def test_import_one_deck(anki_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "o.yaml"
    code, output = import_cli(str(anki_files["all.colpkg"]), "--category", "eval", "--out", str(out), "--ref", REF,
                              "--deck", "Mine")
    assert code == 0 and f"imported {IMPORTED} of {len(CARDS)}" in output, output
    code, output = import_cli(str(anki_files["all.colpkg"]), "--category", "eval", "--out", str(tmp_path / "p.yaml"),
                              "--ref", REF, "--deck", "Spanish")
    assert code == 1 and "no cards in deck 'Spanish'" in output and "Mine::Interview" in output
    assert not (tmp_path / "p.yaml").exists()


def test_the_same_note_gets_the_same_id_from_every_format(anki_files: dict[str, Path]) -> None:
    ids = {name: [q["id"] for q in questions_from(read_notes(anki_files[name]), ref=REF).questions]
           for name in ("current.apkg", "legacy.apkg", "all.colpkg", "notes.txt")}
    assert len({tuple(v) for v in ids.values()}) == 1


def test_plain_text_export_without_html_or_guid(anki_files: dict[str, Path]) -> None:
    result = questions_from(read_notes(anki_files["plain.txt"]), ref=REF)
    assert [q["prompt"] for q in result.questions][:2] == ["What does the KV cache store?", "什么是分组查询注意力？"]
    assert all(q["id"].startswith("card-") for q in result.questions)
    assert any("cloze" in why for _, why in result.skipped)


def test_a_package_genanki_wrote(tmp_path: Path) -> None:
    model = genanki.Model(1_000_001, "Basic-ish", fields=[{"name": "Question"}, {"name": "Answer"}, {"name": "Extra"}],
                          templates=[{"name": "c", "qfmt": "{{Question}}", "afmt": "{{Answer}}"}])
    deck = genanki.Deck(2_000_001, "Mine")
    deck.add_note(genanki.Note(model=model, fields=["Q <i>one</i>", "A one", "more detail"], guid="g1"))
    deck.add_note(genanki.Note(model=model, fields=["", "", ""], guid="g2"))
    genanki.Package(deck).write_to_file(str(tmp_path / "g.apkg"))
    result = questions_from(read_notes(tmp_path / "g.apkg"), ref=REF)
    assert [(q["prompt"], q["answer"], q["explanation"]) for q in result.questions] == [("Q *one*", "A one",
                                                                                         "more detail")]
    assert result.skipped == [("note 2", "the front is empty")]


def test_quizzer_export_comes_back_with_its_tags_and_refs(tmp_path: Path) -> None:
    lib = check([TEST_BANKS], shipped_catalog()).library
    assert lib is not None
    export_anki(lib, tmp_path / "q.apkg", NoteTimes(tmp_path / "t.json"))
    result = questions_from(read_notes(tmp_path / "q.apkg"))
    assert len(result.questions) == len(lib) and result.without_ref == []
    by_tag = {t for q in result.questions for t in q.get("tags", [])}
    assert by_tag == {t for q in lib for t in q.tags}
    first_guid = note_guid(next(iter(lib)).gid)
    assert result.questions[0]["id"] == "anki-" + hashlib.sha256(first_guid.encode()).hexdigest()[:10]


# ---- CSV and TSV ------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "text", "columns", "expected"), [
    ("h.csv", "Front,Back,Tags\nWhat is GQA?,Grouped-query attention,attention llm\n", "",
     [("What is GQA?", "Grouped-query attention", ["attention", "llm"])]),
    ("n.csv", "What is GQA?,Grouped-query attention\n\"Two, lines\",\"a\nb\"\n", "",
     [("What is GQA?", "Grouped-query attention", []), ("Two, lines", "a\nb", [])]),
    ("t.tsv", "question\tanswer\n什么是 KV cache？\t键值缓存\n", "", [("什么是 KV cache？", "键值缓存", [])]),
    ("c.csv", "x,ignored,What is MoE?,Mixture of experts\n", "tags,ignore,front,back",
     [("What is MoE?", "Mixture of experts", ["x"])]),
])
def test_csv(tmp_path: Path, name: str, text: str, columns: str, expected: list[tuple[str, str, list[str]]]) -> None:
    (tmp_path / name).write_text(text, encoding="utf-8")
    result = questions_from(read_notes(tmp_path / name, columns.split(",") if columns else ()), ref=REF)
    assert [(q["prompt"], q["answer"], q.get("tags", [])) for q in result.questions] == expected


def test_csv_duplicates_and_empty_cells(tmp_path: Path) -> None:
    (tmp_path / "d.csv").write_text("front,back\nA?,one\nA?,two\n,x\nB?,\n", encoding="utf-8")
    result = questions_from(read_notes(tmp_path / "d.csv"), ref=REF)
    assert [q["answer"] for q in result.questions] == ["one"]
    assert result.skipped == [("line 3", "the same card as line 2"), ("line 4", "the front is empty"),
                              ("line 5", "the back is empty")]


# ---- the command ------------------------------------------------------------------------------

def test_import_writes_a_bank_that_validates_and_reimports_to_the_same_ids(anki_files: dict[str, Path],
                                                                           tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    code, output = import_cli(str(anki_files["current.apkg"]), "--category", "inference", "--out", str(out),
                              "--ref", REF)
    assert code == 0, output
    assert f"imported {IMPORTED} of {len(CARDS)} cards" in output and "skipped note 4: a cloze card" in output
    bank, problems = load_bank(out, {})
    assert problems == [] and bank is not None and len(bank.questions) == IMPORTED
    code, output = import_cli(str(anki_files["current.apkg"]), "--category", "inference", "--out", str(out),
                              "--ref", REF)
    assert code == 1 and "add --force" in output
    code, output = import_cli(str(anki_files["notes.txt"]), "--category", "inference", "--out", str(out),
                              "--ref", REF, "--force")
    assert code == 0, output
    again, _ = load_bank(out, {})
    assert again is not None and [q.id for q in again.questions] == [q.id for q in bank.questions]
    assert [(q.prompt, q.answer, q.tags) for q in again.questions] == [(q.prompt, q.answer, q.tags)
                                                                       for q in bank.questions]


def test_import_without_a_reference_writes_nothing(anki_files: dict[str, Path], tmp_path: Path) -> None:
    out = tmp_path / "mine.yaml"
    code, output = import_cli(str(anki_files["current.apkg"]), "--category", "inference", "--out", str(out))
    assert code == 1 and "add --ref URL" in output and not out.exists()
    code, output = import_cli(str(anki_files["current.apkg"]), "--category", "inference", "--out", str(out),
                              "--ref", "http://insecure.example")
    assert code == 2 and "https" in output and not out.exists()


OLD_SCHEMA = "CREATE TABLE notes (id, guid, mid, tags, flds); CREATE TABLE col (models, decks); INSERT INTO col VALUES "


def _sqlite(beside: Path, script: str) -> bytes:
    """The bytes of a SQLite database made by `script` (built beside `beside`, then removed)."""
    db = beside.with_suffix(".db")
    with contextlib.closing(sqlite3.connect(db)) as conn:
        conn.executescript(script)
    data = db.read_bytes()
    db.unlink()
    return data


def _patched_zip(path: Path, local: tuple[int, int], central: tuple[int, int]) -> None:
    """A zip whose one member's headers carry a flag or method that zipfile cannot read (offset, value)."""
    _zip(path, {"collection.anki2": b"x" * 100})
    raw = bytearray(path.read_bytes())
    for signature, (offset, value) in ((b"PK\x03\x04", local), (b"PK\x01\x02", central)):
        raw[raw.find(signature) + offset] |= value
    path.write_bytes(bytes(raw))


def _zip(path: Path, members: dict[str, bytes]) -> Path:
    with zipfile.ZipFile(path, "w") as z:
        for name, data in members.items():
            z.writestr(name, data)
    return path


@pytest.mark.parametrize(("name", "make", "message"), [
    ("garbage.apkg", lambda p: p.write_bytes(b"not a zip at all"), "not an Anki package"),
    ("truncated.apkg", lambda p: p.write_bytes(b"PK\x03\x04" + b"\x00" * 40), "not an Anki package"),
    ("empty.apkg", lambda p: _zip(p, {"media": b"{}"}), "without an Anki collection"),
    ("notsqlite.apkg", lambda p: _zip(p, {"collection.anki2": b"hello"}), "not a readable database"),
    ("badjson.apkg", lambda p: _zip(p, {"collection.anki2": _sqlite(p, OLD_SCHEMA + "('{not json', '[]')")}),
     "not one Anki wrote"),
    ("listjson.apkg", lambda p: _zip(p, {"collection.anki2": _sqlite(p, OLD_SCHEMA + "('[1]', '[]')")}),
     "not one Anki wrote"),
    ("encrypted.apkg", lambda p: _patched_zip(p, local=(6, 1), central=(8, 1)), "is encrypted"),
    ("lzma99.apkg", lambda p: _patched_zip(p, local=(8, 99), central=(10, 99)), "compression method"),
    ("badzstd.apkg", lambda p: _zip(p, {"collection.anki21b": b"\x28\xb5\x2f\xfd garbage"}), "cannot be decompressed"),
    ("binary.csv", lambda p: p.write_bytes(b"a,b\x00\xff\xfe"), "not UTF-8"),
    ("one.csv", lambda p: p.write_text("just one column\n", encoding="utf-8"), "two or more columns"),
])
def test_a_broken_file_is_one_line_and_nothing_written(tmp_path: Path, name: str, make: object,
                                                       message: str) -> None:
    source = tmp_path / name
    make(source)  # type: ignore[operator]
    out = tmp_path / "out.yaml"
    proc = subprocess.run([sys.executable, "-m", "quizzer", "import", str(source), "--category", "base",
                           "--out", str(out), "--ref", REF], capture_output=True, text=True, timeout=120,
                          env={**os.environ})
    assert proc.returncode == 1
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and message in lines[0] and "Traceback" not in proc.stderr, proc.stderr
    assert not out.exists() and sorted(p.name for p in tmp_path.iterdir()) == [name]


def test_zh_bank_round_trip_validates(tmp_path: Path) -> None:
    lib = check([DATA / "zh-banks"], shipped_catalog()).library
    assert lib is not None
    export_anki(lib, tmp_path / "zh.apkg", NoteTimes(tmp_path / "t.json"), lang="zh")
    result = questions_from(read_notes(tmp_path / "zh.apkg"))
    assert any("解码阶段" in q["prompt"] for q in result.questions)
    assert check_bank_text(bank_yaml("inference", "zh", "", result.questions), shipped_catalog()) == []


SOUP_PARTS = ["<b>", "</b>", "<i>", "</i>", "<br>", "<div>", "</div>", "<ul>", "<ol>", "<li>", "</li>", "</ul>",
              "</ol>", "<pre>", "</pre>", "<code>", "</code>", "&lt;", "&amp;", "*", "_", "`", "#", "- ", "1. ", "x",
              "中", " ", "\n", "<a href='https://a.b'>", "</a>", "<img src=x>", "[sound:a.mp3]", "{{", "}}", ":", "'"]
TAG_SOUP = st.lists(st.sampled_from(SOUP_PARTS), min_size=1, max_size=40).map("".join)
CARD_TEXT = st.one_of(st.text(min_size=1, max_size=120), TAG_SOUP)


@settings(max_examples=150, deadline=None)
@given(fronts=st.lists(CARD_TEXT, min_size=1, max_size=4), back=CARD_TEXT, html=st.booleans())
def test_any_card_text_makes_a_bank_that_holds_exactly_it(fronts: list[str], back: str, html: bool) -> None:
    notes = [SourceNote((("Front", f), ("Back", back)), (), f"g{i}", html, False, f"note {i}")
             for i, f in enumerate(fronts)]
    result = questions_from(notes, ref=REF)
    if not result.questions:
        return
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "bank.yaml"
        path.write_text(bank_yaml("eval", "Any", "", result.questions), encoding="utf-8")
        bank, problems = load_bank(path, {})
    assert problems == [] and bank is not None
    assert [(q.prompt, q.answer) for q in bank.questions] == [(q["prompt"], q["answer"]) for q in result.questions]


def test_rows_are_named_by_the_line_they_start_on_and_a_huge_cell_is_one_line(tmp_path: Path) -> None:
    (tmp_path / "m.csv").write_text('front,back\n"two\nlines",x\n\nthird,\n', encoding="utf-8")
    assert questions_from(read_notes(tmp_path / "m.csv"), ref=REF).skipped == [("line 5", "the back is empty")]
    (tmp_path / "huge.csv").write_text("front,back\nq," + "x" * 200_000 + "\n", encoding="utf-8")
    code, output = import_cli(str(tmp_path / "huge.csv"), "--category", "eval", "--out", str(tmp_path / "o.yaml"),
                              "--ref", REF)
    assert code == 1 and "line 2" in output and "field larger" in output and not (tmp_path / "o.yaml").exists()


@pytest.mark.parametrize(("source", "columns", "message"), [
    ("c.csv", "front,answer", "unknown column 'answer' in --columns"),
    ("p.apkg", "front,back", "--columns applies to text and CSV files"),
])
def test_columns_are_checked(tmp_path: Path, source: str, columns: str, message: str) -> None:
    if source.endswith(".apkg"):
        export_anki(check([TEST_BANKS], shipped_catalog()).library or pytest.fail("no banks"), tmp_path / source,
                    NoteTimes(tmp_path / "t.json"))
    else:
        (tmp_path / source).write_text("q,a\n", encoding="utf-8")
    code, output = import_cli(str(tmp_path / source), "--category", "eval", "--out", str(tmp_path / "o.yaml"),
                              "--ref", REF, "--columns", columns)
    assert code == 1 and message in output and not (tmp_path / "o.yaml").exists()


TEXT_PARTS = ["#separator:tab\n", "#html:true\n", "#tags column:3\n", "#guid column:9\n", "#deck column:0\n",
              "#columns:a\tb\n", "#separator:Pipe\n", '#separator:"\n', "a\tb\n", "a|b|c\n", '"x\n', "\t\t\n", "\n"]


@settings(max_examples=100, deadline=None)
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8")),
                      st.lists(st.sampled_from(TEXT_PARTS), max_size=12).map(lambda p: "".join(p).encode("utf-8"))),
       suffix=st.sampled_from([".csv", ".tsv", ".txt", ".apkg"]))
def test_any_file_reads_or_fails_with_one_clear_error(data: bytes, suffix: str) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / f"cards{suffix}"
        path.write_bytes(data)
        try:
            questions_from(read_notes(path), ref=REF)
        except CardImportError as exc:
            assert "\n" not in str(exc) and str(exc)
