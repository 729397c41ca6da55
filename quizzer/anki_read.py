"""Read cards from the files people keep them in: Anki packages (.apkg, .colpkg), Anki's "Notes in
Plain Text" export, and CSV/TSV spreadsheets. The result is the notes' named fields and tags, as the
source holds them; turning them into questions is `card_import`'s job.

The formats are read as what they are, SQLite and text, without Anki's own (AGPL) code. A package is
a zip holding the collection as `collection.anki21b` (current Anki: SQLite compressed with zstd),
`collection.anki21` or `collection.anki2` (older Anki and genanki); current Anki also puts a stub
`collection.anki2` beside the real one, so the newest name present is read.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import sqlite3
import tempfile
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from quizzer.errors import CardImportError

COLLECTIONS = ("collection.anki21b", "collection.anki21", "collection.anki2")
MAX_COLLECTION_BYTES = 1 << 30  # a collection unpacked larger than this is refused, not filled into the disk
MAX_TEXT_BYTES = 64 << 20
ROLES = ("front", "back", "tags", "guid", "deck", "explanation", "choices", "ignore")
SEPARATORS = {"tab": "\t", "comma": ",", "semicolon": ";", "space": " ", "pipe": "|", "colon": ":"}


@dataclass(frozen=True)
class SourceNote:
    """One note (or row) as the source holds it."""

    fields: tuple[tuple[str, str], ...]  # (field name, value), in the note type's order
    tags: tuple[str, ...]
    guid: str  # "" when the source has no identity of its own
    html: bool  # whether the values are HTML (Anki fields) or plain text
    cloze: bool  # a cloze note type: its cards are text with gaps, which quizzer cannot ask yet
    where: str  # "note 3", "line 12": for the report
    deck: str = ""  # the deck of its first card (`Parent::Child`), where the source says

    def in_deck(self, deck: str) -> bool:
        """Whether the note is in `deck` or one of its subdecks (case aside, as Anki compares names)."""
        mine, wanted = self.deck.casefold(), deck.casefold()
        return mine == wanted or mine.startswith(wanted + "::")


def read_notes(path: Path, columns: Sequence[str] = ()) -> list[SourceNote]:
    """The notes in `path`, whatever its format; a file that cannot be read raises CardImportError."""
    try:
        with open(path, "rb") as file:
            head = file.read(4)
    except OSError as exc:
        raise CardImportError(f"cannot read {path}: {exc.strerror or exc}") from None
    if head.startswith(b"PK") or path.suffix.lower() in (".apkg", ".colpkg"):
        if columns:
            raise CardImportError("--columns applies to text and CSV files; a package names its own fields")
        return read_package(path)
    return read_text(path, columns)


# ---- packages ---------------------------------------------------------------------------------

def read_package(path: Path) -> list[SourceNote]:
    with _collection_file(path) as db:
        try:
            with contextlib.closing(sqlite3.connect(f"{db.as_uri()}?mode=ro", uri=True)) as conn:
                # The file came from someone else: run none of its schema's functions, change nothing.
                conn.execute("PRAGMA trusted_schema = OFF")
                conn.execute("PRAGMA query_only = ON")
                return _notes_of(conn)
        except sqlite3.DatabaseError as exc:
            raise CardImportError(f"cannot read {path}: its collection is not a readable database ({exc})") from None
        except (ValueError, TypeError, AttributeError) as exc:  # note types or decks that are not Anki's JSON
            raise CardImportError(f"cannot read {path}: its collection is not one Anki wrote ({exc})") from None


@contextlib.contextmanager
def _collection_file(path: Path) -> Iterator[Path]:
    """The package's collection unpacked into a temporary file (deleted afterwards)."""
    try:
        package = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as exc:
        raise CardImportError(f"cannot read {path}: not an Anki package ({exc})") from None
    with package, tempfile.TemporaryDirectory(prefix="quizzer-import-") as tmp:
        names = set(package.namelist())
        name = next((n for n in COLLECTIONS if n in names), None)
        if name is None:
            raise CardImportError(f"cannot read {path}: a zip file without an Anki collection in it")
        target = Path(tmp) / "collection.db"
        try:
            with package.open(name) as member, open(target, "wb") as out:
                source: IO[bytes] = member
                if name.endswith("21b"):
                    import zstandard

                    source = zstandard.ZstdDecompressor().stream_reader(member)
                _copy_limited(source, out)
        except (zipfile.BadZipFile, OSError, EOFError, RuntimeError, NotImplementedError) as exc:
            # RuntimeError: an encrypted member; NotImplementedError: a compression zipfile cannot undo.
            raise CardImportError(f"cannot read {path}: the package is damaged or not Anki's ({exc})") from None
        except Exception as exc:  # zstandard.ZstdError has no stable import path across versions
            if type(exc).__name__ != "ZstdError":
                raise
            raise CardImportError(f"cannot read {path}: its collection cannot be decompressed ({exc})") from None
        yield target


def _copy_limited(source: IO[bytes], out: IO[bytes]) -> None:
    copied = 0
    while chunk := source.read(1 << 20):
        copied += len(chunk)
        if copied > MAX_COLLECTION_BYTES:
            raise CardImportError(f"the collection unpacks to more than {MAX_COLLECTION_BYTES >> 30} GiB; "
                                  "export a smaller deck")
        out.write(chunk)


def _notes_of(conn: sqlite3.Connection) -> list[SourceNote]:
    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if "notes" not in tables:
        raise sqlite3.DatabaseError("no notes table")
    names, cloze = _note_types(conn, tables)
    decks = _decks_of_notes(conn, tables)
    notes = []
    rows = conn.execute("SELECT id, guid, mid, tags, flds FROM notes ORDER BY id")
    for n, (nid, guid, mid, tags, flds) in enumerate(rows, 1):
        values = str(flds).split("\x1f")
        field_names = names.get(mid, [])
        named = tuple((field_names[i] if i < len(field_names) else f"field {i + 1}", v) for i, v in enumerate(values))
        notes.append(SourceNote(named, tuple(str(tags).split()), str(guid), True, mid in cloze, f"note {n}",
                                decks.get(nid, "")))
    return notes


def _decks_of_notes(conn: sqlite3.Connection, tables: set[str]) -> dict[int, str]:
    """Note id -> the name of its first card's deck (its home deck while it sits in a filtered one)."""
    names: dict[int, str] = {}
    if "decks" in tables:  # the current schema: a table whose names separate levels with \x1f
        names = {int(i): str(name).replace("\x1f", "::") for i, name in conn.execute("SELECT id, name FROM decks")}
    else:
        (decks,) = conn.execute("SELECT decks FROM col").fetchone() or ("{}",)
        names = {int(i): str(d.get("name", "")) for i, d in json.loads(decks or "{}").items() if isinstance(d, dict)}
    out: dict[int, str] = {}
    if "cards" in tables:
        for nid, did, odid in conn.execute("SELECT nid, did, odid FROM cards ORDER BY nid, ord"):
            out.setdefault(int(nid), names.get(int(odid or did), ""))
    return out


def _note_types(conn: sqlite3.Connection, tables: set[str]) -> tuple[dict[int, list[str]], set[int]]:
    """Field names by note type id, and the ids of cloze note types."""
    names: dict[int, list[str]] = {}
    cloze: set[int] = set()
    if "notetypes" in tables and "fields" in tables:  # the current schema: one row per note type and field
        for ntid, _ord, name in conn.execute("SELECT ntid, ord, name FROM fields ORDER BY ntid, ord"):
            names.setdefault(int(ntid), []).append(str(name))
        for ntid, config in conn.execute("SELECT id, config FROM notetypes"):
            if _protobuf_varint(bytes(config or b""), 1) == 1:  # NotetypeConfig.kind: 1 is cloze
                cloze.add(int(ntid))
        return names, cloze
    (models,) = conn.execute("SELECT models FROM col").fetchone() or ("{}",)
    for mid, model in json.loads(models or "{}").items():
        names[int(mid)] = [str(f.get("name", "")) for f in sorted(model.get("flds", []), key=lambda f: f.get("ord", 0))]
        if model.get("type") == 1:
            cloze.add(int(mid))
    return names, cloze


def _protobuf_varint(data: bytes, number: int) -> int:
    """The value of varint field `number` in a protobuf message (0, the default, when absent)."""
    pos = 0

    def varint() -> int:
        nonlocal pos
        value = shift = 0
        while pos < len(data):
            byte = data[pos]
            pos += 1
            value |= (byte & 0x7F) << shift
            shift += 7
            if not byte & 0x80:
                return value
        raise ValueError("truncated varint")

    try:
        while pos < len(data):
            key = varint()
            field, wire = key >> 3, key & 7
            if wire == 0:
                value = varint()
                if field == number:
                    return value
            elif wire == 2:
                pos += varint()
            elif wire == 1:
                pos += 8
            elif wire == 5:
                pos += 4
            else:
                return 0
    except ValueError:
        return 0
    return 0


# ---- text: Anki's plain-text export, CSV and TSV ----------------------------------------------

FRONT_NAMES = frozenset({"front", "question", "prompt", "q", "term", "word", "正面", "问题", "题目"})
BACK_NAMES = frozenset({"back", "answer", "a", "definition", "meaning", "背面", "答案"})
TAG_NAMES = frozenset({"tags", "tag", "标签"})
GUID_NAMES = frozenset({"guid", "id"})
DECK_NAMES = frozenset({"deck", "牌组"})
EXPLANATION_NAMES = frozenset({"explanation", "extra", "notes", "note", "back extra", "解释", "备注"})
CHOICES_NAMES = frozenset({"choices", "options", "选项"})
# Fields of quizzer's own note type that say again what the bank says in its own keys.
IGNORED_NAMES = frozenset({"globalid", "level", "type"})


def role_of(name: str) -> str | None:
    """What a column or field name means: one of `ROLES` (None: unknown)."""
    key = name.strip().lower()
    for role, names in (("front", FRONT_NAMES), ("back", BACK_NAMES), ("tags", TAG_NAMES), ("guid", GUID_NAMES),
                        ("deck", DECK_NAMES), ("explanation", EXPLANATION_NAMES), ("choices", CHOICES_NAMES),
                        ("ignore", IGNORED_NAMES)):
        if key in names:
            return role
    return None


def read_text(path: Path, columns: Sequence[str] = ()) -> list[SourceNote]:
    try:
        if path.stat().st_size > MAX_TEXT_BYTES:
            raise CardImportError(f"cannot read {path}: larger than {MAX_TEXT_BYTES >> 20} MiB")
        text = path.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError:
        raise CardImportError(f"cannot read {path}: not UTF-8 text (save it as UTF-8)") from None
    except OSError as exc:
        raise CardImportError(f"cannot read {path}: {exc.strerror or exc}") from None
    if "\x00" in text:
        raise CardImportError(f"cannot read {path}: a binary file, not text, CSV or an Anki package")
    lines = text.splitlines(keepends=True)
    headers: dict[str, str] = {}
    while lines and lines[0].startswith("#") and ":" in lines[0]:
        key, _, value = lines.pop(0)[1:].rstrip("\r\n").partition(":")
        headers[key.strip().lower()] = value
    header_lines = len(headers)
    if headers:
        sep = headers.get("separator", "tab")
        delimiter = SEPARATORS.get(sep.strip().lower(), sep[:1] or "\t")
    else:
        delimiter = "\t" if path.suffix.lower() in (".tsv", ".tab", ".txt") or "\t" in (lines[0] if lines else "") \
            else ","
    rows: list[list[str]] = []
    starts: list[int] = []  # the line each row starts on (a quoted cell may hold line breaks)
    reader = csv.reader(io.StringIO("".join(lines)), delimiter=delimiter, strict=False)
    ended = 0
    try:
        for row in reader:
            starts.append(header_lines + ended + 1)
            ended = reader.line_num
            rows.append(row)
    except csv.Error as exc:
        raise CardImportError(f"cannot read {path}: line {header_lines + reader.line_num}: {exc}") from None
    roles, names, body_start = _columns(headers, rows, columns, path)
    is_html = headers.get("html", "false").strip().lower() == "true"
    notetype_col = _column_number(headers.get("notetype column"))
    notes = []
    for line, row in zip(starts[body_start:], rows[body_start:], strict=True):
        if not any(cell.strip() for cell in row):
            continue
        named: list[tuple[str, str]] = []
        tags: list[str] = []
        guid = deck = ""
        for j, cell in enumerate(row):
            role = roles[j] if j < len(roles) else None
            if role == "tags":
                tags += cell.split()
            elif role == "guid":
                guid = cell.strip()
            elif role == "deck":
                deck = cell.strip()
            elif role != "ignore" and j != notetype_col:
                named.append((names[j] if j < len(names) else (role or f"column {j + 1}"), cell))
        notetype = row[notetype_col] if notetype_col is not None and notetype_col < len(row) else ""
        notes.append(SourceNote(tuple(named), tuple(tags), guid, is_html, notetype.lower().startswith("cloze"),
                                f"line {line}", deck))
    return notes


def _column_number(value: str | None) -> int | None:
    """A 1-based column number from an Anki header, as a 0-based index."""
    if value is None or not value.strip().isdigit() or int(value) < 1:
        return None
    return int(value) - 1


def _columns(headers: dict[str, str], rows: list[list[str]], columns: Sequence[str],
             path: Path) -> tuple[list[str | None], list[str], int]:
    """(role of each column, name of each column, index of the first data row)."""
    width = max((len(r) for r in rows), default=0)
    if columns:
        unknown = [c for c in columns if c not in ROLES]
        if unknown:
            raise CardImportError(f"unknown column '{unknown[0]}' in --columns (one of: {', '.join(ROLES)})")
        return list(columns), list(columns), 0
    if headers:  # Anki's own export: its headers say where tags, guid, deck and note type are
        roles: list[str | None] = [None] * width
        names = [""] * width
        if "columns" in headers:
            delimiter = SEPARATORS.get(headers.get("separator", "tab").strip().lower(), "\t")
            for j, name in enumerate(headers["columns"].split(delimiter)[:width]):
                names[j], roles[j] = name, role_of(name)
        for key, role in (("tags column", "tags"), ("guid column", "guid"), ("deck column", "deck")):
            at = _column_number(headers.get(key))
            if at is not None and at < width:
                roles[at] = role
        return roles, names, 0
    first = rows[0] if rows else []
    named = [role_of(cell) for cell in first]
    if "front" in named or ("back" in named and "tags" in named):
        return named, [cell.strip() for cell in first], 1
    if width < 2:
        raise CardImportError(f"cannot read {path}: cards need two or more columns (front, back, optional tags)")
    # No header row: front, back, then tags, by position.
    return ["front", "back", "tags", *(["explanation"] * max(width - 3, 0))], [], 0
