"""Export the banks as an Anki package (.apkg) that updates in place when imported again.

Anki recognises a note it already has by its GUID, and replaces it only when the incoming note's
modification time is newer than its own. So:
- the GUID comes from the question's global id in a quizzer namespace (never from its text), and the
  note type and deck ids are constants, so a re-export meets the notes it made before;
- each note's modification time changes when, and only when, what the note shows changes (see
  `NoteTimes`), so an edited question is updated, an unchanged one is left alone, and the user's
  review history stays with the note either way.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import sqlite3
import tempfile
import time
import zipfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import genanki

from quizzer.anki_html import markdown_html, text_html
from quizzer.answers import fence, references_markdown
from quizzer.errors import ExportError
from quizzer.export import TYPE_LABELS, answer_markdown, choices_markdown
from quizzer.i18n import N_, in_language
from quizzer.mdsafe import list_item, safe_block, safe_inline
from quizzer.model import LEVELS, Library, Question
from quizzer.params import example, example_note
from quizzer.safefile import replacing_path, write_text
from quizzer.translation import translated

GUID_NAMESPACE = "quizzer-question"
# Chosen once at random and never to change: a new id would be a new note type in every collection
# that imported an earlier export, with every note duplicated under it.
MODEL_ID = 1_738_205_713
# Adding, removing or renaming a field changes the note type's schema, and Anki then updates existing
# notes only when the user asks it to merge note types: keep these as they are.
FIELDS = ("GlobalId", "Prompt", "Choices", "Answer", "Explanation", "References", "Level", "Type")
ROOT_DECK = "quizzer"
MAX_OWN_COLLECTION = 256 << 20  # the shipped banks in both languages make about 5 MiB

FRONT = """<div class="meta">{{Type}} · level {{Level}}</div>
<div class="prompt">{{Prompt}}</div>
{{#Choices}}<div class="choices">{{Choices}}</div>{{/Choices}}"""
BACK = """{{FrontSide}}
<hr id="answer">
<div class="answer">{{Answer}}</div>
<div class="explanation">{{Explanation}}</div>
<div class="refs">{{References}}</div>
<div class="meta">{{GlobalId}}</div>"""
CSS = """.card { font-family: -apple-system, "Segoe UI", "Noto Sans", "PingFang SC", sans-serif;
  font-size: 18px; text-align: left; line-height: 1.5; }
.meta { font-size: 0.75em; opacity: 0.6; }
.choices ul { list-style: none; padding-left: 0.5em; }
.zh { margin-top: 0.8em; }
code { font-size: 0.9em; }
table { border-collapse: collapse; } td, th { border: 1px solid #999; padding: 0.2em 0.5em; }"""

MODEL = genanki.Model(MODEL_ID, "quizzer question", fields=[{"name": f} for f in FIELDS],
                      templates=[{"name": "Question", "qfmt": FRONT, "afmt": BACK}], css=CSS)


def note_guid(gid: str) -> str:
    return str(genanki.guid_for(GUID_NAMESPACE, gid))


def deck_id(name: str) -> int:
    """A fixed id for a deck name, in the range genanki recommends (below Anki's own timestamp ids)."""
    digest = hashlib.sha256(f"quizzer-deck:{name}".encode()).digest()
    return (1 << 30) + int.from_bytes(digest[:4], "big") % (1 << 30)


# ---- what a note shows ------------------------------------------------------------------------

def _in_languages(q: Question, lang: str, part: Callable[[Question, str], str]) -> str:
    """`part(view, language)` for each language asked for; with `both`, the Chinese under the English."""
    if lang != "both":
        return part(example(translated(q, lang)), lang)
    english, chinese = part(example(translated(q, "en")), "en"), part(example(translated(q, "zh")), "zh")
    if not q.zh or chinese == english:
        return english
    return f'{english}<div class="zh" lang="zh">{chinese}</div>'


def _prompt(q: Question, lang: str) -> str:
    parts = [safe_block(q.prompt)]
    if q.type == "code" and q.starter.strip():
        parts.append(fence(q.starter, "python"))
    if q.type == "numeric":
        tolerance = f"{q.tolerance:.0%}"
        line = (in_language(lang, N_("Answer in {unit}, within ±{tolerance}.")).format(unit=safe_inline(q.unit),
                                                                                     tolerance=tolerance)
                if q.unit else in_language(lang, N_("Answer, within ±{tolerance}.")).format(tolerance=tolerance))
        parts.append(f"*{line}*")
    if note := example_note(q, lang):  # a card holds one example of a question whose numbers vary
        parts.append(f"*{safe_inline(note)}*")
    return markdown_html("\n\n".join(parts))


def _number(value: float) -> str:
    """A numeric answer written out in full where it is whole (`202,383,360`, not `2.02383e+08`)."""
    return f"{int(value):,}" if value.is_integer() and abs(value) < 1e15 else f"{value:.6g}"


def _answer(q: Question, lang: str) -> str:
    if q.type == "numeric" and isinstance(q.answer, float):
        unit = f" {q.unit}" if q.unit else ""
        within = in_language(lang, N_("within ±{tolerance}")).format(tolerance=f"{q.tolerance:.0%}")
        parts = [safe_inline(f"{_number(q.answer)}{unit} ({within})")]
    else:
        parts = [answer_markdown(q)]
    if q.key_points:
        parts += ["**" + in_language(lang, N_("Key points")) + "**", "\n".join(list_item(k) for k in q.key_points)]
    return markdown_html("\n\n".join(parts))


def note_fields(library: Library, q: Question, lang: str) -> list[str]:
    """The note's fields, in `FIELDS` order, as HTML."""
    labels = "zh" if lang == "zh" else "en"  # a `both` card reads as English with the Chinese under it
    return [
        text_html(q.gid),
        _in_languages(q, lang, _prompt),
        _in_languages(q, lang, lambda v, _lang: markdown_html(choices_markdown(v)) if v.choices else ""),
        _in_languages(q, lang, _answer),
        _in_languages(q, lang, lambda v, _lang: markdown_html(safe_block(v.explanation))),
        markdown_html(references_markdown(library, q)),
        text_html(f"{q.level} ({in_language(labels, LEVELS[q.level])})"),
        text_html(in_language(labels, TYPE_LABELS[q.type]).split(" (")[0].split("（")[0]),
    ]


def note_tags(q: Question) -> list[str]:
    """Hierarchical tags, so that they sit under one `quizzer` branch of the user's tag tree."""
    return [f"quizzer::category::{q.category}", f"quizzer::level::{LEVELS[q.level]}", f"quizzer::type::{q.type}",
            *(f"quizzer::tag::{t}" for t in q.tags)]


# ---- modification times -----------------------------------------------------------------------

class NoteTimes:
    """Each exported note's modification time, kept in a small JSON record beside the progress
    database: global id -> [hash of the note's fields and tags, time].

    Why a record rather than a time derived from the bank: the bank file's modification time moves
    every question in the file when one changes, and a time computed from the content alone cannot be
    made to grow. With the record, a note whose content hash is unchanged keeps its time (Anki sees
    nothing newer and leaves it, review history and all), and one whose hash changed gets
    max(now, its last time + 1 s), so it is newer than before even for two exports in the same second.
    Without the record (another machine, a deleted file) every note is stamped now: Anki then rewrites
    notes with the same content, which changes nothing the user sees or has studied.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.entries: dict[str, list[Any]] = {}
        with contextlib.suppress(OSError, ValueError):
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                self.entries = {k: v for k, v in data.items() if isinstance(v, list) and len(v) == 2
                                and isinstance(v[0], str) and isinstance(v[1], int)}

    def stamp(self, gid: str, fields: Sequence[str], tags: Sequence[str], now: int) -> int:
        digest = hashlib.sha256(json.dumps([list(fields), list(tags)], ensure_ascii=False).encode()).hexdigest()[:16]
        previous = self.entries.get(gid)
        if previous is not None and previous[0] == digest:
            return int(previous[1])
        mod = max(now, int(previous[1]) + 1) if previous is not None else now
        self.entries[gid] = [digest, mod]
        return mod

    def save(self) -> None:
        with contextlib.suppress(OSError):  # a first run: the progress database's folder may not exist yet
            self.path.parent.mkdir(parents=True, exist_ok=True)
        write_text(self.path, [json.dumps(self.entries, ensure_ascii=False, sort_keys=True, indent=0), "\n"])


class _TimedNote(genanki.Note):  # type: ignore[misc]  # genanki has no type hints
    """A note written with its own modification time rather than the package's."""

    def __init__(self, mod: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.mod = mod

    def write_to_db(self, cursor: Any, timestamp: float, deck_id: int, id_gen: Any) -> None:
        super().write_to_db(cursor, self.mod, deck_id, id_gen)


# ---- the package ------------------------------------------------------------------------------

@dataclass(frozen=True)
class AnkiExport:
    notes: int
    changed: int
    decks: int
    warning: str = ""  # the record of note times could not be saved (the package was written)


def _write_package(package: Any, out: Path, timestamp: int) -> None:
    """What `genanki.Package.write_to_file` does, but compressed: genanki stores the collection as it is,
    and deflating it makes the file a phone downloads about a fifth of the size."""
    with tempfile.TemporaryDirectory(prefix="quizzer-anki-") as tmp:
        db = Path(tmp) / "collection.anki2"
        with contextlib.closing(sqlite3.connect(db)) as conn:
            package.write_to_db(conn.cursor(), timestamp, itertools.count(timestamp * 1000))
            conn.commit()
        with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as z:
            z.write(db, "collection.anki2")
            z.writestr("media", "{}")


def is_quizzer_package(path: Path) -> bool:
    """Whether `path` is a package quizzer wrote (it holds quizzer's note type), which an export may replace."""
    try:
        with zipfile.ZipFile(path) as package, tempfile.TemporaryDirectory() as tmp:
            if package.getinfo("collection.anki2").file_size > MAX_OWN_COLLECTION:
                return False  # larger than any export of ours: not unpacked to find out
            db = Path(package.extract("collection.anki2", tmp))
            with contextlib.closing(sqlite3.connect(db)) as conn:
                (models,) = conn.execute("SELECT models FROM col").fetchone()
            return str(MODEL_ID) in json.loads(models)
    except (OSError, KeyError, ValueError, TypeError, zipfile.BadZipFile, sqlite3.Error):
        return False


def export_anki(library: Library, out: Path, times: NoteTimes, categories: Sequence[str] = (),
                lang: str = "en", force: bool = False, now: int | None = None) -> AnkiExport:
    """Write one deck per category (`quizzer::<category>`) into the package `out`, replacing it only
    when complete; `out` may be an earlier quizzer export, any other file only with `force`."""
    if out.exists() and not force and not is_quizzer_package(out):
        raise ExportError(f"{out} exists and is not a package quizzer wrote; choose another file, "
                          "or add --force to replace it")
    stamp_now = int(time.time()) if now is None else now
    chosen = [c for c in library.categories() if not categories or c in categories]
    decks: list[Any] = []
    changed = notes = 0
    for category in chosen:
        name = f"{ROOT_DECK}::{category}"
        titles = dict.fromkeys(library.title_of(category, t) for t in (("en", "zh") if lang == "both" else (lang,)))
        deck = genanki.Deck(deck_id(name), name, description=text_html(" · ".join(titles)))
        for q in library.in_category(category):
            fields, tags = note_fields(library, q, lang), note_tags(q)
            before = times.entries.get(q.gid)
            mod = times.stamp(q.gid, fields, tags, stamp_now)
            changed += before is None or before[1] != mod
            notes += 1
            deck.add_note(_TimedNote(mod, model=MODEL, fields=fields, tags=tags, guid=note_guid(q.gid),
                                     sort_field=q.gid))
        decks.append(deck)
    newest = max((n.mod for d in decks for n in d.notes), default=stamp_now)
    with replacing_path(out) as tmp:
        _write_package(genanki.Package(decks), tmp, newest)
    # Only once the package is in place: a failed export leaves the record as it was. A record that
    # cannot be saved costs one export that updates every note again, so it is a warning, not a failure.
    try:
        times.save()
    except ExportError as exc:
        return AnkiExport(notes, changed, len(decks), f"{exc}; the next export will update every note once")
    return AnkiExport(notes, changed, len(decks))
