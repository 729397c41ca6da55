"""A cache of parsed and validated banks, so that starting quizzer does not re-parse YAML.

Each entry is keyed by the file's absolute path, size, mtime and content hash, so an edited file
is always re-read. The cache file is a JSON header line, a `marshal` index of the entries, then
one `marshal` blob of question rows per bank: plain tuples and strings (fast to read, and never
code that runs: unlike pickle it constructs no objects of ours). A bank's blob is read only when
its questions are needed, so counting questions (`quizzer stats`) reads the index alone. The
header carries the index's length and checksum, the quizzer and Python versions and the Question
fields, and each blob its own checksum: a damaged, stale or foreign cache (or blob) is ignored
and rebuilt, never trusted.
"""

from __future__ import annotations

import hashlib
import json
import marshal
import os
import sys
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import astuple, fields
from pathlib import Path
from typing import Any

from quizzer import __version__
from quizzer.model import Article, Bank, Question
from quizzer.paths import resolved

FORMAT = 4
CACHE_ENV = "QUIZZER_CACHE_DIR"
MAX_HEADER = 4096  # bytes: the JSON header line is far shorter; anything longer is not ours
QUESTION_FIELDS = [f.name for f in fields(Question) if f.init]
ARTICLE_FIELDS = [f.name for f in fields(Article)]


def default_cache_file(bank_paths: Sequence[Path] = ()) -> Path | None:
    """The cache for this set of bank folders, in `$QUIZZER_CACHE_DIR` or else the user cache dir;
    None when that variable is set to an empty string.

    One file per set, so that validating a large folder once does not make every later start of
    the shipped banks read its entries too."""
    env = os.environ.get(CACHE_ENV)
    if env is not None and not env:
        return None
    if env is not None:
        folder = Path(env)
    else:
        import platformdirs

        folder = platformdirs.user_cache_path("quizzer", appauthor=False)
    which = _digest("\n".join(sorted(str(resolved(p)) for p in bank_paths)).encode())[:16]
    return folder / f"banks-{which}.json"


def _digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:32]  # hardware-accelerated on most CPUs


def catalog_key(articles: dict[str, Article]) -> str:
    """Banks validated against one catalog stay valid while its ids are the same."""
    return _digest("\n".join(sorted(articles)).encode())


def _header() -> dict[str, Any]:
    return {"format": FORMAT, "quizzer": __version__, "python": list(sys.version_info[:2]),
            "question": QUESTION_FIELDS, "article": ARTICLE_FIELDS}



class BankCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self._entries: dict[str, dict[str, Any]] | None = None
        self._used: set[str] = set()  # entries asked for in this run; `save` keeps only these
        self._blobs_at: tuple[int, tuple[int, int, int]] | None = None  # offset, file identity
        self._blobs: memoryview | None = None
        self.dirty = False

    @property
    def entries(self) -> dict[str, dict[str, Any]]:
        # Read on first use, which is inside the loading that `banks.check` does with the cyclic
        # collector paused.
        if self._entries is None:
            self._entries = self._read_index() if self.path is not None else {}
        return self._entries

    def _read_index(self) -> dict[str, dict[str, Any]]:
        assert self.path is not None
        try:
            with self.path.open("rb") as f:
                st = os.fstat(f.fileno())
                line = f.readline(MAX_HEADER)
                meta = json.loads(line)
                if not isinstance(meta, dict):
                    return {}
                length, crc = meta.pop("index", (-1, None))
                if meta != _header() or not isinstance(length, int) or length < 0:
                    return {}
                index = f.read(length)
            if len(index) != length or zlib.crc32(index) != crc:
                return {}
            entries = marshal.loads(index)
        except (OSError, ValueError, EOFError, TypeError):
            return {}
        if not isinstance(entries, dict):
            return {}
        self._blobs_at = (len(line) + length, (st.st_ino, st.st_size, st.st_mtime_ns))
        return entries

    def _blob_section(self) -> memoryview | None:
        """The blobs of the file whose index was read, read once on first need; None if that file
        has since been replaced (by another quizzer saving): its entries are then misses."""
        if self._blobs is None and self._blobs_at is not None and self.path is not None:
            start, identity = self._blobs_at
            self._blobs_at = None
            try:
                with self.path.open("rb") as f:
                    st = os.fstat(f.fileno())
                    if (st.st_ino, st.st_size, st.st_mtime_ns) == identity:
                        f.seek(start)
                        self._blobs = memoryview(f.read())
            except OSError:
                pass
        return self._blobs

    def _rows(self, entry: dict[str, Any]) -> bytes | memoryview | None:
        """An entry's marshalled question rows: made in this run, or its checked blob on disk."""
        fresh = entry.get("rows")
        if isinstance(fresh, bytes):
            return fresh
        section = self._blob_section()
        try:
            offset, length, crc = entry["blob"]
            if section is None or offset < 0 or length < 0 or offset + length > len(section):
                return None
            blob = section[offset:offset + length]
        except (KeyError, TypeError, ValueError):
            return None
        return blob if zlib.crc32(blob) == crc else None

    def _match(self, file: Path, kind: str, extra: str = "") -> dict[str, Any] | None:
        key = f"{kind}:{resolved(file)}"
        self._used.add(key)
        entry = self.entries.get(key)
        try:
            st = file.stat()
        except OSError:
            return None
        if not entry or entry.get("size") != st.st_size or entry.get("mtime") != st.st_mtime_ns \
                or entry.get("extra") != extra:
            return None
        try:
            raw = file.read_bytes()
        except OSError:
            return None
        return entry if entry.get("hash") == _digest(raw) else None

    def _put(self, key: str, file: Path, extra: str, data: Any, rows: bytes | None = None) -> None:
        try:
            st = file.stat()
            raw = file.read_bytes()
        except OSError:
            return
        if st.st_mtime_ns != file.stat().st_mtime_ns:
            return  # changed while we read it: do not cache a guess
        entry = {"size": st.st_size, "mtime": st.st_mtime_ns, "hash": _digest(raw), "extra": extra, "data": data}
        if rows is not None:
            entry["rows"] = rows
        self.entries[key] = entry
        self._used.add(key)
        self.dirty = True

    def catalog(self, file: Path) -> dict[str, Article] | None:
        entry = self._match(file, "catalog")
        if entry is None:
            return None
        try:
            return {a[0]: Article(*a) for a in entry["data"]}
        except (TypeError, KeyError, IndexError):
            return None

    def put_catalog(self, file: Path, articles: dict[str, Article]) -> None:
        self._put(f"catalog:{resolved(file)}", file, "", tuple(astuple(a) for a in articles.values()))

    def bank(self, file: Path, catalog: str) -> Bank | None:
        entry = self._match(file, "bank", catalog)
        rows = self._rows(entry) if entry is not None else None
        if entry is None or rows is None:
            return None
        try:
            category, title, description, _, zh_title, zh_description = entry["data"]
            questions = tuple(Question(*row) for row in marshal.loads(rows))
            return Bank(category, title, description, questions, str(file), zh_title, zh_description)
        except (TypeError, KeyError, ValueError, EOFError):
            return None

    def bank_gids(self, file: Path, catalog: str) -> tuple[str, tuple[str, ...]] | None:
        """(category, global ids) of an unchanged bank, from the index alone: no question is built."""
        entry = self._match(file, "bank", catalog)
        if entry is None:
            return None
        try:
            category, _, _, gids, _, _ = entry["data"]
        except (TypeError, KeyError, ValueError):
            return None
        if not isinstance(category, str) or not isinstance(gids, tuple) \
                or not all(isinstance(g, str) for g in gids):
            return None
        return category, gids

    def put_bank(self, file: Path, catalog: str, bank: Bank) -> None:
        # Field by field (not astuple, which would copy nested tuples): rows stay positional.
        rows = tuple(tuple(getattr(q, name) for name in QUESTION_FIELDS) for q in bank.questions)
        data = (bank.category, bank.title, bank.description, tuple(q.gid for q in bank.questions), bank.zh_title,
                bank.zh_description)
        self._put(f"bank:{resolved(file)}", file, catalog, data, marshal.dumps(rows))

    def save(self) -> None:
        """Write atomically (temp file + rename); a failure to write just means no cache next time.

        Entries this run did not ask for (files deleted or no longer among the banks) are dropped."""
        if self.path is None:
            return
        stale = set(self.entries) - self._used
        for key in stale:
            del self.entries[key]
        if not self.dirty and not stale:
            return
        index: dict[str, dict[str, Any]] = {}
        blobs: list[bytes | memoryview] = []
        offset = 0
        for key, entry in self.entries.items():
            meta = {k: v for k, v in entry.items() if k not in ("rows", "blob")}
            if "rows" in entry or "blob" in entry:
                rows = self._rows(entry)
                if rows is None:
                    continue  # its blob went with a cache file another run replaced: re-read next time
                meta["blob"] = (offset, len(rows), zlib.crc32(rows))
                blobs.append(rows)
                offset += len(rows)
            index[key] = meta
        payload = marshal.dumps(index)
        header = json.dumps({**_header(), "index": [len(payload), zlib.crc32(payload)]}).encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".banks-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(header + b"\n" + payload)
                for blob in blobs:
                    f.write(blob)
            os.replace(tmp, self.path)
        except OSError:
            return
        self.dirty = False
