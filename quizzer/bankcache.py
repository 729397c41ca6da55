"""A cache of parsed and validated banks, so that starting quizzer does not re-parse YAML.

Each entry is keyed by the file's absolute path, size, mtime and content hash, so an edited file
is always re-read. The cache file is a JSON header and a `marshal` payload of plain tuples and
strings (fast to read, and never code that runs: unlike pickle it constructs no objects of ours).
The header carries a checksum of the payload, the quizzer and Python versions and the Question
fields: a damaged, stale or foreign cache is ignored and rebuilt, never trusted.
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

FORMAT = 2
CACHE_ENV = "QUIZZER_CACHE_DIR"
LEGACY_NAME = "banks.json"
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
    which = _digest("\n".join(sorted(str(p.resolve()) for p in bank_paths)).encode())[:16]
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
        self.dirty = False

    @property
    def entries(self) -> dict[str, dict[str, Any]]:
        # Read on first use, which is inside the loading that `banks.check` does with the cyclic
        # collector paused: the payload is tens of thousands of tuples.
        if self._entries is None:
            self._entries = self._read(self.path) if self.path is not None else {}
        return self._entries

    @staticmethod
    def _read(path: Path) -> dict[str, dict[str, Any]]:
        try:
            raw = path.read_bytes()
            cut = raw.index(b"\n")
            header, payload = raw[:cut], memoryview(raw)[cut + 1:]  # no copy of the payload
            meta = json.loads(header)
            if not isinstance(meta, dict) or meta.pop("sum", None) != zlib.crc32(payload) or meta != _header():
                return {}
            entries = marshal.loads(payload)
            return entries if isinstance(entries, dict) else {}
        except (OSError, ValueError, EOFError, TypeError):
            return {}

    def _match(self, file: Path, kind: str, extra: str = "") -> tuple[str, dict[str, Any] | None, bytes | None]:
        key = f"{kind}:{file.resolve()}"
        self._used.add(key)
        entry = self.entries.get(key)
        try:
            st = file.stat()
        except OSError:
            return key, None, None
        if not entry or entry.get("size") != st.st_size or entry.get("mtime") != st.st_mtime_ns \
                or entry.get("extra") != extra:
            return key, None, None
        try:
            raw = file.read_bytes()
        except OSError:
            return key, None, None
        return key, (entry if entry.get("hash") == _digest(raw) else None), raw

    def _put(self, key: str, file: Path, extra: str, data: Any) -> None:
        try:
            st = file.stat()
            raw = file.read_bytes()
        except OSError:
            return
        if st.st_mtime_ns != file.stat().st_mtime_ns:
            return  # changed while we read it: do not cache a guess
        self.entries[key] = {"size": st.st_size, "mtime": st.st_mtime_ns, "hash": _digest(raw),
                             "extra": extra, "data": data}
        self._used.add(key)
        self.dirty = True

    def catalog(self, file: Path) -> dict[str, Article] | None:
        _, entry, _ = self._match(file, "catalog")
        if entry is None:
            return None
        try:
            return {a[0]: Article(*a) for a in entry["data"]}
        except (TypeError, KeyError, IndexError):
            return None

    def put_catalog(self, file: Path, articles: dict[str, Article]) -> None:
        self._put(f"catalog:{file.resolve()}", file, "", tuple(astuple(a) for a in articles.values()))

    def bank(self, file: Path, catalog: str) -> Bank | None:
        _, entry, _ = self._match(file, "bank", catalog)
        if entry is None:
            return None
        try:
            category, title, description, rows = entry["data"]
            return Bank(category, title, description, tuple(Question(*row) for row in rows), str(file))
        except (TypeError, KeyError, ValueError):
            return None

    def put_bank(self, file: Path, catalog: str, bank: Bank) -> None:
        # Field by field (not astuple, which would copy nested tuples): rows stay positional.
        rows = tuple(tuple(getattr(q, name) for name in QUESTION_FIELDS) for q in bank.questions)
        self._put(f"bank:{file.resolve()}", file, catalog, (bank.category, bank.title, bank.description, rows))

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
        payload = marshal.dumps(self.entries)
        header = json.dumps({**_header(), "sum": zlib.crc32(payload)}).encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            if self.path.name != LEGACY_NAME:  # the one file for all bank folders of earlier versions
                (self.path.parent / LEGACY_NAME).unlink(missing_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".banks-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(header + b"\n" + payload)
            os.replace(tmp, self.path)
        except OSError:
            return
        self.dirty = False
