"""Whether a file may be opened as a progress database: checked from its header, before SQLite
writes a byte to it (SQLite would otherwise turn a damaged or foreign file into a fresh database)."""

from __future__ import annotations

import struct
from pathlib import Path

from quizzer.errors import StoreError

SQLITE_MAGIC = b"SQLite format 3\x00"


def check_file(path: Path) -> None:
    """Refuse, without writing a byte, a file that is not an intact SQLite database."""
    if path.is_dir():
        raise StoreError(f"{path} is a directory, not a progress database")
    try:
        size = path.stat().st_size
        with path.open("rb") as f:
            header = f.read(100)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise StoreError(f"cannot read the progress database {path}: {exc.strerror or exc}") from None
    if size == 0:
        return
    if len(header) < 100 or not header.startswith(SQLITE_MAGIC):
        raise StoreError(f"{path} is not a SQLite database (damaged or another kind of file); it was left untouched")
    page_size = struct.unpack(">H", header[16:18])[0]
    page_size = 65536 if page_size == 1 else page_size
    page_count, change, valid_for = struct.unpack(">I", header[28:32])[0], header[24:28], header[92:96]
    if change == valid_for and page_count and size < page_count * page_size:
        raise StoreError(f"the progress database {path} is truncated (damaged); it was left untouched")
