"""A cache of parsed and validated banks, so that starting quizzer does not re-parse YAML.

Each entry is keyed by the file's absolute path, size, mtime and content hash, so an edited file
is always re-read. The cache file carries a checksum of its payload: a damaged, stale or foreign
cache is ignored and rebuilt, never trusted. It holds plain JSON, never pickles.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from dataclasses import asdict
from pathlib import Path
from typing import Any

from quizzer import __version__
from quizzer.model import Article, Bank, Question

FORMAT = 1
CACHE_ENV = "QUIZZER_CACHE_DIR"


def default_cache_file() -> Path | None:
    """`$QUIZZER_CACHE_DIR/banks.json`, else in the user cache dir; None when set to an empty string."""
    env = os.environ.get(CACHE_ENV)
    if env is not None:
        return Path(env) / "banks.json" if env else None
    import platformdirs

    return platformdirs.user_cache_path("quizzer", appauthor=False) / "banks.json"


def _digest(raw: bytes) -> str:
    return hashlib.blake2b(raw, digest_size=16).hexdigest()


def catalog_key(articles: dict[str, Article]) -> str:
    """Banks validated against one catalog stay valid while its ids are the same."""
    return _digest("\n".join(sorted(articles)).encode())


def _question(d: dict[str, Any]) -> Question:
    for key in ("refs", "choices", "accept", "key_points", "tags"):
        d[key] = tuple(d[key])
    if isinstance(d["answer"], list):
        d["answer"] = tuple(d["answer"])
    return Question(**d)


class BankCache:
    def __init__(self, path: Path | None) -> None:
        self.path = path
        self.entries: dict[str, dict[str, Any]] = {}
        self.dirty = False
        if path is not None:
            self.entries = self._read(path)

    @staticmethod
    def _read(path: Path) -> dict[str, dict[str, Any]]:
        try:
            header, _, payload = path.read_bytes().partition(b"\n")
            meta = json.loads(header)
            stale = meta.get("format") != FORMAT or meta.get("quizzer") != __version__
            if stale or meta.get("sum") != _digest(payload):
                return {}
            entries = json.loads(payload)
            return entries if isinstance(entries, dict) else {}
        except (OSError, ValueError, AttributeError):
            return {}

    def _match(self, file: Path, kind: str, extra: str = "") -> tuple[str, dict[str, Any] | None, bytes | None]:
        key = f"{kind}:{file.resolve()}"
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
        self.dirty = True

    def catalog(self, file: Path) -> dict[str, Article] | None:
        _, entry, _ = self._match(file, "catalog")
        if entry is None:
            return None
        try:
            return {a["id"]: Article(**a) for a in entry["data"]}
        except (TypeError, KeyError):
            return None

    def put_catalog(self, file: Path, articles: dict[str, Article]) -> None:
        self._put(f"catalog:{file.resolve()}", file, "", [asdict(a) for a in articles.values()])

    def bank(self, file: Path, catalog: str) -> Bank | None:
        _, entry, _ = self._match(file, "bank", catalog)
        if entry is None:
            return None
        try:
            d = entry["data"]
            questions = tuple(_question(q) for q in d["questions"])
            return Bank(d["category"], d["title"], d["description"], questions, str(file))
        except (TypeError, KeyError):
            return None

    def put_bank(self, file: Path, catalog: str, bank: Bank) -> None:
        data = {"category": bank.category, "title": bank.title, "description": bank.description,
                "questions": [asdict(q) for q in bank.questions]}
        self._put(f"bank:{file.resolve()}", file, catalog, data)

    def save(self) -> None:
        """Write atomically (temp file + rename); a failure to write just means no cache next time."""
        if self.path is None or not self.dirty:
            return
        payload = json.dumps(self.entries, ensure_ascii=False, separators=(",", ":")).encode()
        header = json.dumps({"format": FORMAT, "quizzer": __version__, "sum": _digest(payload)}).encode()
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fd, tmp = tempfile.mkstemp(dir=self.path.parent, prefix=".banks-", suffix=".tmp")
            with os.fdopen(fd, "wb") as f:
                f.write(header + b"\n" + payload)
            os.replace(tmp, self.path)
        except OSError:
            return
        self.dirty = False
