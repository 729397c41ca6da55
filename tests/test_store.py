"""The progress store: schema, migrations, damaged files, transactions and log merging."""

from __future__ import annotations

import hashlib
import shutil
import sqlite3
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from quizzer.errors import StoreError
from quizzer.records import CardRow, ReviewRow
from quizzer.scheduler import Scheduler
from quizzer.store import SCHEMA, Store

from .conftest import DATA

T0 = datetime(2026, 11, 2, 9, 0, tzinfo=UTC)


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def review(rid: str, gid: str, rating: int, at: datetime) -> ReviewRow:
    return ReviewRow(id=rid, gid=gid, category=gid.split("/")[0], reviewed_at=at, day=at.date().isoformat(),
                     rating=rating, score=1.0 if rating > 1 else 0.0, response="x", duration_ms=1000,
                     session_id="s", content_hash="h")


def record(store: Store, sch: Scheduler, r: ReviewRow) -> CardRow:
    return store.record(r, lambda old: sch.next_card(old, r.gid, r.category, r.rating, r.reviewed_at, r.id))


def test_schema_names_match_migrations(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "fresh.db")
    applied = [r[0] for r in store.conn.execute("SELECT name FROM _sqlite_migrations ORDER BY rowid")]
    store.close()
    assert applied == list(SCHEMA)


def test_new_database_is_created_in_wal_mode(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "deep" / "dir" / "q.db")
    assert store.conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    tables = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    assert {"cards", "reviews", "sessions", "settings", "daily_counts"} <= tables
    store.close()


def test_reopening_applies_nothing_new(tmp_path: Path) -> None:
    Store.open(tmp_path / "q.db").close()
    store = Store.open(tmp_path / "q.db")
    n = store.conn.execute("SELECT COUNT(*) FROM _sqlite_migrations").fetchone()[0]
    assert n == len(SCHEMA)
    store.close()


def test_record_commits_review_card_and_counts(tmp_path: Path) -> None:
    store, sch = Store.open(tmp_path / "q.db"), Scheduler(enable_fuzzing=False)
    record(store, sch, review("a", "base/x", 3, T0))
    record(store, sch, review("b", "base/x", 1, T0 + timedelta(minutes=5)))
    other = sqlite3.connect(tmp_path / "q.db")  # another connection sees it all: it is committed
    assert other.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 2
    assert other.execute("SELECT reviews, correct, new FROM daily_counts").fetchall() == [(2, 1, 1)]
    card = store.card("base/x")
    assert card is not None and card.reviews == 2
    store.close()


DAMAGE = {
    "random-bytes": lambda p: p.write_bytes(bytes(range(256)) * 40),
    "text-file": lambda p: p.write_text("these are my notes, not a database\n"),
    "truncated": None,  # made from a real database below
    "bad-page": None,
}


@pytest.mark.parametrize("kind", list(DAMAGE))
def test_damaged_database_is_refused_and_untouched(tmp_path: Path, kind: str) -> None:
    path = tmp_path / "q.db"
    if DAMAGE[kind] is not None:
        DAMAGE[kind](path)  # type: ignore[misc]
    else:
        store, sch = Store.open(path), Scheduler(enable_fuzzing=False)
        for i in range(300):
            record(store, sch, review(f"r{i}", f"base/q{i}", 3, T0 + timedelta(seconds=i)))
        store.conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        store.close()
        raw = path.read_bytes()
        if kind == "truncated":
            path.write_bytes(raw[: len(raw) // 2])
        else:  # scribble over an interior page, keeping the header intact
            page = 4096
            path.write_bytes(raw[: page * 2] + b"\xde\xad" * (page // 2) + raw[page * 3:])
    before = digest(path)
    with pytest.raises(StoreError) as info:
        store = Store.open(path)
        store.cards()  # a bad interior page may only show when read
        store.iter_reviews().__next__()
        list(store.iter_reviews())
        store.conn.execute("PRAGMA integrity_check").fetchall()
        raise StoreError(f"{path} opened")  # pragma: no cover - damage went unnoticed
    assert str(path) in str(info.value)
    assert digest(path) == before


def test_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "other.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE photos (id INTEGER)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(StoreError, match="not a quizzer one"):
        Store.open(path)
    assert digest(path) == before


def test_directory_at_db_path_is_refused(tmp_path: Path) -> None:
    with pytest.raises(StoreError, match="is a directory"):
        Store.open(tmp_path)


def test_first_schema_version_is_upgraded_in_place(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    shutil.copy(DATA / "progress-v1.db", path)
    store = Store.open(path)
    assert store.review_count() == 3
    assert [r.id for r in store.reviews_of("inference/decode-bound")] == ["r1", "r2"]
    card = store.card("base/bf16-exponent")
    assert card is not None and card.flagged and card.stability == pytest.approx(8.3)
    counts = {(r["day"], r["category"]): (r["reviews"], r["correct"], r["new"]) for r in store.daily_counts()}
    assert counts == {("2026-11-01", "inference"): (1, 1, 1), ("2026-11-04", "inference"): (1, 0, 0),
                      ("2026-11-04", "base"): (1, 1, 1)}
    assert store.settings() == {"new_per_day": 15}
    indexes = {r[0] for r in store.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert "reviews_day" not in indexes and {"reviews_gid_time", "cards_due"} <= indexes
    store.close()
    reopened = Store.open(path)
    assert reopened.review_count() == 3
    reopened.close()


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "q.db"
    Store.open(path).close()
    conn = sqlite3.connect(path)
    conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) VALUES ('quizzer', 'm999_x', 'now')")
    conn.commit()
    conn.close()
    with pytest.raises(StoreError, match="newer quizzer"):
        Store.open(path)


def test_merge_is_idempotent_and_matches_one_machine(tmp_path: Path) -> None:
    sch = Scheduler()  # fuzzing on: replay must still agree, since fuzz is seeded per review
    laptop, desktop, single = (Store.open(tmp_path / f"{n}.db") for n in ("laptop", "desktop", "single"))
    gids = ["base/a", "base/b", "inference/c"]
    events = []
    for day in range(40):
        for i, gid in enumerate(gids):
            if (day + i) % 3 == 0:
                rating = [3, 3, 1, 4, 2][(day * 7 + i) % 5]
                events.append(review(f"{gid}-{day}", gid, rating, T0 + timedelta(days=day, minutes=i)))
    for n, ev in enumerate(events):
        record(laptop if n % 2 else desktop, sch, ev)
        record(single, sch, ev)
    laptop_log = list(laptop.iter_reviews())
    desktop_log = list(desktop.iter_reviews())
    added, _ = desktop.merge_reviews(laptop_log, sch.replay)
    assert added == len(laptop_log)
    assert desktop.merge_reviews(laptop_log + desktop_log, sch.replay) == (0, 0)
    assert desktop.cards() == single.cards()
    assert [r.id for r in desktop.iter_reviews()] == [r.id for r in single.iter_reviews()]
    assert sorted(map(tuple, desktop.daily_counts())) == sorted(map(tuple, single.daily_counts()))


def test_reset_keeps_history_unless_asked(tmp_path: Path) -> None:
    store, sch = Store.open(tmp_path / "q.db"), Scheduler(enable_fuzzing=False)
    record(store, sch, review("a", "base/x", 3, T0))
    record(store, sch, review("b", "inference/y", 3, T0))
    assert store.reset(["base"]) == 1
    assert store.card("base/x") is None and store.card("inference/y") is not None
    assert store.review_count() == 2
    store.reset(forget_history=True)
    assert store.review_count() == 0 and store.cards() == {}


def test_review_ids_are_version_7_and_sort_by_time() -> None:
    import uuid

    from quizzer.records import new_review_id

    ids = [new_review_id(T0 + timedelta(milliseconds=5 * i)) for i in range(50)]
    assert ids == sorted(ids) and len(set(ids)) == 50
    assert all(uuid.UUID(i).version == 7 and uuid.UUID(i).variant == uuid.RFC_4122 for i in ids)
    assert all(str(uuid.UUID(i)) == i for i in ids)  # the canonical text form


def test_store_close_checkpoints_the_wal(tmp_path: Path) -> None:
    store, sch = Store.open(tmp_path / "q.db"), Scheduler(enable_fuzzing=False)
    record(store, sch, review("a", "base/x", 3, T0))
    store.close()
    wal = tmp_path / "q.db-wal"
    assert not wal.exists() or wal.stat().st_size == 0
