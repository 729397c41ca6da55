"""Writing user-named files without losing anything: a file is written beside its target under a
temporary name and renamed over it only when complete, so a crash, a full disk or a bad value
leaves the old file as it was. Paths that name the progress database are refused outright."""

from __future__ import annotations

import contextlib
import os
import stat
import tempfile
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO

from quizzer.errors import ExportError
from quizzer.paths import resolved

DATABASE_SUFFIXES = ("", "-wal", "-shm", "-journal")


def refuse_database(target: Path, db: Path) -> None:
    """Refuse `target` when it is the progress database or one of its companion files."""
    where = resolved(target)
    base = resolved(db)
    for suffix in DATABASE_SUFFIXES:
        companion = base.with_name(base.name + suffix)
        same = where == companion
        if not same and target.exists() and companion.exists():
            with contextlib.suppress(OSError):
                same = os.path.samefile(target, companion)
        if same:
            raise ExportError(f"{target} is the progress database{' (' + suffix[1:] + ' file)' if suffix else ''}; "
                              "choose another file: it was left as it is")


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[IO[str]]:
    """A text stream whose content replaces `target` when the block ends without an error.

    A regular file (or a link, which is replaced, not followed) is written beside it and renamed
    into place; a device or pipe (`/dev/stdout`, a FIFO) is written to directly, since renaming over
    it would replace the device itself."""
    try:
        mode = os.stat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    if mode is not None and stat.S_ISDIR(mode):
        raise ExportError(f"cannot write {target}: it is a folder")
    if mode is not None and not stat.S_ISREG(mode) and not target.is_symlink():
        try:
            with open(target, "w", encoding="utf-8") as direct:
                yield direct
        except OSError as exc:
            raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
        return
    with _beside(target) as tmp, open(tmp, "w", encoding="utf-8") as out:
        yield out


@contextlib.contextmanager
def replacing_path(target: Path) -> Iterator[Path]:
    """A temporary path beside `target` for a writer that wants a file name (a zip, a database); the
    file there replaces `target` when the block ends without an error. Only a regular file (or a
    link, which is replaced, not followed) can be replaced this way."""
    try:
        mode = os.lstat(target).st_mode
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    if mode is not None and not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
        raise ExportError(f"cannot write {target}: it is not a regular file")
    with _beside(target) as tmp:
        yield tmp


@contextlib.contextmanager
def _beside(target: Path) -> Iterator[Path]:
    """A new temporary file beside `target`, synced and renamed over it when the block ends without an
    error, and removed otherwise: `target` is either as it was or wholly replaced."""
    try:
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".tmp")
        os.close(fd)
    except OSError as exc:
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}") from None
    try:
        yield Path(tmp)
        with open(tmp, "rb+") as written:
            os.fsync(written.fileno())
        os.replace(tmp, target)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise ExportError(f"cannot write {target}: {exc.strerror or exc}; it was left as it was") from None
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def write_text(target: Path, chunks: Iterable[str]) -> None:
    with replacing(target) as out:
        for chunk in chunks:
            out.write(chunk)


MANIFEST = ".quizzer-export.json"


def write_folder(out: Path, pages: dict[str, str], force: bool = False) -> list[Path]:
    """Write `pages` (file name -> text) into the folder `out`, as a whole or not at all.

    `out` must be new, empty, or a folder quizzer wrote before (it holds a manifest of the files it
    wrote); any other folder, or a page that would replace a file quizzer did not write, is refused
    unless `force`. Pages are written to a temporary folder first and then renamed into place, so a
    failure leaves nothing half-written, and a link in `out` is replaced rather than followed."""
    import json
    import shutil

    if not str(out).strip():
        raise ExportError("the output folder must not be empty")
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} is not a folder")
    previous: set[str] = set()
    if out.is_dir():
        try:
            present = {p.name for p in out.iterdir()}
        except OSError as exc:
            raise ExportError(f"cannot read {out}: {exc.strerror or exc}") from None
        if MANIFEST in present:
            try:
                previous = set(json.loads((out / MANIFEST).read_text(encoding="utf-8"))["files"])
            except (OSError, ValueError, KeyError, TypeError):
                previous = set()
        foreign = sorted(name for name in present if name not in previous and name != MANIFEST)
        clash = sorted(name for name in pages if name in present and name not in previous)
        if not force and (clash or (foreign and not previous)):
            shown = ", ".join((clash or foreign)[:3])
            raise ExportError(f"{out} holds files quizzer did not write ({shown}); choose a new or empty folder, "
                              "or add --force to replace its pages")
        for name in pages:
            target = out / name
            if target.is_dir() and not target.is_symlink():
                raise ExportError(f"cannot write {target}: it is a folder; nothing was written")
    parent = out.parent if not out.is_dir() else out
    try:
        parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(dir=parent, prefix=".quizzer-export-"))
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    try:
        manifest = {"files": sorted(pages)}
        for name, text in {**pages, MANIFEST: json.dumps(manifest, indent=1) + "\n"}.items():
            (staging / name).write_text(text, encoding="utf-8", newline="\n")
        if not out.exists():
            os.rename(staging, out)
        else:
            for name in [*pages, MANIFEST]:
                os.replace(staging / name, out / name)  # replaces a link itself, never its target
            for stale in previous - set(pages):
                with contextlib.suppress(OSError):
                    (out / stale).unlink()
    except OSError as exc:
        raise ExportError(f"cannot write to {out}: {exc.strerror or exc}") from None
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return [out / name for name in pages]
