"""The Anki export: what each note holds, its identity and modification time, and the whole cycle
(export, import, edit, export again, import again) checked with Anki's own engine."""

from __future__ import annotations

import dataclasses
import shutil
import sqlite3
import zipfile
from collections.abc import Iterator
from pathlib import Path

import anki.collection  # noqa: F401  # first: anki.cards cannot be loaded before it
import genanki
import pytest
from anki.cards import CardId
from anki.collection import Collection, ImportAnkiPackageOptions, ImportAnkiPackageRequest
from anki.scheduler.v3 import CardAnswer, Scheduler
from click.testing import CliRunner

from quizzer.anki_export import MODEL_ID, NoteTimes, deck_id, export_anki, note_fields, note_guid, note_tags
from quizzer.banks import check
from quizzer.cli import cli
from quizzer.errors import ExportError
from quizzer.model import Library, Question
from quizzer.paths import shipped_banks_dir, shipped_catalog

from .conftest import DATA, TEST_BANKS

T = 1_800_000_000  # a fixed "now" for the exports that are not about time


def load(*dirs: Path) -> Library:
    lib = check(list(dirs), shipped_catalog()).library
    assert lib is not None
    return lib


def question(**changes: object) -> Question:
    base = Question(category="inference", id="x", type="open", level=2, prompt="p", answer="a", explanation="e",
                    refs=("https://example.org/a",))
    return dataclasses.replace(base, **changes)  # type: ignore[arg-type]


def package_notes(path: Path) -> list[tuple[str, int, str, str]]:
    """(guid, mod, fields, tags) of each note in a package genanki wrote."""
    db = path.with_suffix(".anki2")
    with zipfile.ZipFile(path) as z:
        db.write_bytes(z.read("collection.anki2"))
    conn = sqlite3.connect(db)
    try:
        return [(str(g), int(m), str(f), str(t)) for g, m, f, t in
                conn.execute("SELECT guid, mod, flds, tags FROM notes ORDER BY guid")]
    finally:
        conn.close()
        db.unlink()


# ---- identity ---------------------------------------------------------------------------------

def test_guid_comes_from_the_global_id_in_a_quizzer_namespace() -> None:
    assert note_guid("inference/x") == note_guid("inference/x")
    assert note_guid("inference/x") != note_guid("inference/y")
    assert note_guid("inference/x") != genanki.guid_for("inference/x")  # not anyone else's guid for the text


def test_deck_ids_are_fixed_and_distinct() -> None:
    assert deck_id("quizzer::base") == deck_id("quizzer::base")
    ids = {deck_id(f"quizzer::{c}") for c in ("base", "inference", "training", "eval")}
    assert len(ids) == 4 and all((1 << 30) <= i < (1 << 31) for i in ids)
    assert MODEL_ID == 1_738_205_713  # changing it would duplicate every note in every user's collection


# ---- what a note shows ------------------------------------------------------------------------

@pytest.mark.parametrize(("changes", "field", "present", "absent"), [
    ({"prompt": "Is a < b? <script>alert(1)</script>"}, 1, ["a &lt; b", "&lt;script&gt;"], ["<script"]),
    ({"prompt": "Look:\n\n```python\nx = [i < 2 for i in y]\n```"}, 1, ["<pre style=", "style=\"color", "&lt;"],
     ["class="]),
    ({"type": "numeric", "answer": 14.0, "unit": "GB", "tolerance": 0.05}, 1, ["Answer in GB, within ±5%"], []),
    ({"type": "numeric", "answer": 14.0, "unit": "GB", "tolerance": 0.05}, 3, ["14 GB", "±5%"], []),
    ({"type": "numeric", "answer": 202383360.0, "unit": "parameters"}, 3, ["202,383,360 parameters"], ["e+"]),
    ({"type": "numeric", "answer": 0.000125}, 3, ["0.000125"], []),
    ({"type": "mcq", "choices": ("one", "two <b>"), "answer": "one"}, 2, ["A. ", "B. ", "two &lt;b&gt;"], []),
    ({"key_points": ("first point",)}, 3, ["Key points", "first point"], []),
    ({"explanation": "See [the paper](https://arxiv.org/abs/1)"}, 4, ['<a href="https://arxiv.org/abs/1">'], []),
    ({"type": "code", "answer": "def f():\n    return 1", "starter": "def f():\n    ...", "entry": "f"}, 1,
     ["<pre", "def"], []),
])
def test_note_fields(changes: dict[str, object], field: int, present: list[str], absent: list[str]) -> None:
    fields = note_fields(load(TEST_BANKS), question(**changes), "en")
    for text in present:
        assert text in fields[field], (text, fields[field])
    for text in absent:
        assert text not in fields[field], (text, fields[field])


def test_refs_are_links_titled_from_the_catalog() -> None:
    lib = load(TEST_BANKS)
    q = lib.get("inference/kv-cache-purpose")
    assert q is not None
    refs = note_fields(lib, q, "en")[5]
    assert '<a href="https://' in refs and lib.ref_link("kv-cache")[0].split()[0] in refs


def test_tags_are_hierarchical() -> None:
    q = question(tags=("kv-cache", "decode"), level=3, type="open")
    assert note_tags(q) == ["quizzer::category::inference", "quizzer::level::senior", "quizzer::type::open",
                            "quizzer::tag::kv-cache", "quizzer::tag::decode"]


@pytest.mark.parametrize(("lang", "english", "chinese"),
                         [("en", True, False), ("zh", False, True), ("both", True, True)])
def test_languages(lang: str, english: bool, chinese: bool) -> None:
    lib = load(DATA / "zh-banks")
    q = lib.get("inference/decode-bound")
    assert q is not None
    fields = note_fields(lib, q, lang)
    assert ("decode phase" in fields[1]) is english
    assert ("解码阶段" in fields[1]) is chinese
    assert ("显存带宽" in fields[2]) is chinese


# ---- modification times -----------------------------------------------------------------------

@pytest.mark.parametrize(("previous", "fields", "now", "expected"), [
    (None, ["a"], T, T),                      # a new note: now
    (["a"], ["a"], T + 100, T),               # unchanged: its old time, however late
    (["a"], ["b"], T + 100, T + 100),         # changed: now
    (["a"], ["b"], T, T + 1),                 # changed in the same second: one second newer still
    (["a"], ["b"], T - 50, T + 1),            # the clock went back: still newer than before
])
def test_a_note_time_changes_when_and_only_when_its_content_does(
        tmp_path: Path, previous: list[str] | None, fields: list[str], now: int, expected: int) -> None:
    times = NoteTimes(tmp_path / "times.json")
    if previous is not None:
        times.stamp("c/q", previous, [], T)
    assert times.stamp("c/q", fields, [], now) == expected


def test_note_times_survive_a_reload_and_a_damaged_record(tmp_path: Path) -> None:
    path = tmp_path / "times.json"
    times = NoteTimes(path)
    times.stamp("c/q", ["a"], ["t"], T)
    times.save()
    assert NoteTimes(path).stamp("c/q", ["a"], ["t"], T + 9) == T
    assert NoteTimes(path).stamp("c/q", ["a"], ["other tag"], T + 9) == T + 9
    path.write_text("{not json", encoding="utf-8")
    assert NoteTimes(path).stamp("c/q", ["a"], ["t"], T + 9) == T + 9


# ---- the package file -------------------------------------------------------------------------

def test_export_refuses_a_file_it_did_not_write_and_replaces_its_own(tmp_path: Path) -> None:
    lib = load(TEST_BANKS)
    out = tmp_path / "deck.apkg"
    out.write_text("my notes", encoding="utf-8")
    with pytest.raises(ExportError, match="not a package quizzer wrote"):
        export_anki(lib, out, NoteTimes(tmp_path / "t.json"), now=T)
    assert out.read_text(encoding="utf-8") == "my notes"
    assert not (tmp_path / "t.json").exists()
    export_anki(lib, out, NoteTimes(tmp_path / "t.json"), now=T, force=True)
    again = export_anki(lib, out, NoteTimes(tmp_path / "t.json"), now=T + 5)
    assert (again.notes, again.changed, again.decks) == (6, 0, 2)
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_category_filter_and_stable_guids(tmp_path: Path) -> None:
    lib = load(TEST_BANKS)
    export_anki(lib, tmp_path / "a.apkg", NoteTimes(tmp_path / "t.json"), ["inference"], now=T)
    notes = package_notes(tmp_path / "a.apkg")
    assert sorted(g for g, *_ in notes) == sorted(note_guid(q.gid) for q in lib.in_category("inference"))


def test_cli_export_anki(tmp_path: Path) -> None:
    out = tmp_path / "quizzer.apkg"
    result = CliRunner().invoke(cli, ["--banks", str(TEST_BANKS), "export", "anki", "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "wrote 6 notes in 2 decks" in result.output
    assert len(package_notes(out)) == 6
    bad = CliRunner().invoke(cli, ["--banks", str(TEST_BANKS), "export", "anki", "--out", str(tmp_path / "x.zip")])
    assert bad.exit_code == 2 and ".apkg" in bad.output


# ---- Anki's own engine ------------------------------------------------------------------------

@pytest.fixture
def collection(tmp_path: Path) -> Iterator[Collection]:
    (tmp_path / "anki").mkdir()
    col = Collection(str(tmp_path / "anki" / "collection.anki2"))
    yield col
    col.close()


def import_into(col: Collection, package: Path) -> tuple[int, int, int]:
    """(new, updated, unchanged) notes of one import with Anki's default options."""
    options = ImportAnkiPackageOptions(with_scheduling=True)
    request = ImportAnkiPackageRequest(package_path=str(package), options=options)
    log = col.import_anki_package(request).log
    return len(log.new), len(log.updated), len(log.duplicate)


def test_an_edited_question_updates_its_note_in_anki_and_nothing_else(tmp_path: Path, collection: Collection) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(TEST_BANKS, banks)
    times = NoteTimes(tmp_path / "times.json")
    first = tmp_path / "one.apkg"
    export_anki(load(banks), first, times, now=T)
    assert import_into(collection, first) == (6, 0, 0)
    assert collection.note_count() == 6 and collection.card_count() == 6
    assert {d.name for d in collection.decks.all_names_and_ids()} >= {"quizzer", "quizzer::base", "quizzer::inference"}
    cards_before = sorted(collection.find_cards(""))
    decode_card = note_card(collection, "inference/decode-bound")
    review(collection, decode_card)

    # An export in the same second with nothing changed: the same GUIDs and times, so Anki changes nothing.
    same = tmp_path / "same.apkg"
    export_anki(load(banks), same, times, now=T)
    assert [n[:2] for n in package_notes(same)] == [n[:2] for n in package_notes(first)]
    assert import_into(collection, same) == (0, 0, 6)

    # Edit one question and export again within the same second.
    path = banks / "inference.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("At batch size 1, what limits", "At batch size one, what bounds"), encoding="utf-8")
    edited = tmp_path / "edited.apkg"
    export_anki(load(banks), edited, times, now=T)
    assert import_into(collection, edited) == (0, 1, 5)
    assert collection.note_count() == 6 and sorted(collection.find_cards("")) == cards_before
    assert "At batch size one, what bounds" in collection.get_card(decode_card).note()["Prompt"]
    assert collection.get_card(decode_card).reps == 1  # the review survived the update
    other = collection.get_card(note_card(collection, "inference/batching-kinds")).note()
    assert other.mod == T and "granularity" in other["Prompt"]


def note_card(col: Collection, gid: str) -> CardId:
    assert col.db is not None
    nid = col.db.scalar("SELECT id FROM notes WHERE guid = ?", note_guid(gid))
    return CardId(col.db.scalar("SELECT id FROM cards WHERE nid = ?", nid))


def review(col: Collection, cid: CardId) -> None:
    card = col.get_card(cid)
    card.start_timer()
    sched = col.sched
    assert isinstance(sched, Scheduler)
    states = col._backend.get_scheduling_states(cid)
    sched.answer_card(sched.build_answer(card=card, states=states, rating=CardAnswer.GOOD))


def test_the_shipped_banks_import_into_anki(tmp_path: Path, collection: Collection) -> None:
    lib = load(shipped_banks_dir())
    out = tmp_path / "all.apkg"
    export_anki(lib, out, NoteTimes(tmp_path / "times.json"), lang="both", now=T)
    assert import_into(collection, out) == (len(lib), 0, 0)
    assert collection.note_count() == len(lib)
    assert collection.db is not None
    guids = {str(g) for g in collection.db.list("SELECT guid FROM notes")}
    assert guids == {note_guid(q.gid) for q in lib}


def test_a_record_that_cannot_be_saved_is_a_warning_and_the_package_is_written(tmp_path: Path) -> None:
    (tmp_path / "blocker").write_text("a file where the record's folder would be", encoding="utf-8")
    result = export_anki(load(TEST_BANKS), tmp_path / "a.apkg", NoteTimes(tmp_path / "blocker" / "t.json"), now=T)
    assert "next export will update every note once" in result.warning
    assert len(package_notes(tmp_path / "a.apkg")) == 6


def test_the_record_folder_is_made_on_a_first_run(tmp_path: Path) -> None:
    result = export_anki(load(TEST_BANKS), tmp_path / "a.apkg", NoteTimes(tmp_path / "new" / "t.json"), now=T)
    assert result.warning == "" and (tmp_path / "new" / "t.json").exists()


def test_a_failed_write_leaves_the_old_package_and_the_record_as_they_were(tmp_path: Path,
                                                                         monkeypatch: pytest.MonkeyPatch) -> None:
    lib = load(TEST_BANKS)
    out, record = tmp_path / "a.apkg", tmp_path / "t.json"
    export_anki(lib, out, NoteTimes(record), now=T)
    package, times = out.read_bytes(), record.read_text(encoding="utf-8")

    def disk_full(self: zipfile.ZipFile, *args: object, **kwargs: object) -> None:
        assert self.fp is not None
        self.fp.write(b"half a collection")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(zipfile.ZipFile, "write", disk_full)
    changed = dataclasses.replace(lib.banks[0], questions=tuple(dataclasses.replace(q, prompt=q.prompt + " (edited)")
                                                                for q in lib.banks[0].questions))
    with pytest.raises(ExportError, match="No space left on device"):
        export_anki(Library((changed, *lib.banks[1:]), lib.articles), out, NoteTimes(record), now=T + 10)
    assert out.read_bytes() == package and record.read_text(encoding="utf-8") == times
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.apkg", "t.json"]


@pytest.mark.parametrize("lang", ["en", "zh", "both"])
def test_a_parametrised_question_exports_its_first_example_and_says_the_numbers_vary(lang: str) -> None:
    shipped = check([shipped_banks_dir()], shipped_catalog()).library
    assert shipped is not None
    q = next(q for q in shipped if q.params)
    fields = note_fields(shipped, q, lang)
    prompt, answer, explanation = fields[1], fields[3], fields[4]
    assert not any("{" in f for f in (prompt, answer, explanation))  # no placeholder reaches a card
    # the labels are in the language of the text they go with: both, under `both`
    assert ("numbers vary" in prompt, "数字会变" in prompt) == (lang != "zh", lang != "en")
    assert ("within" in answer, "误差" in answer) == (lang != "zh", lang != "en")
