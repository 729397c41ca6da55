"""The progress store: SQLite in WAL mode, one committed transaction per answer.

Plain `sqlite3` is used at run time so that read-only commands start fast; `sqlite_utils`
(and its `Migrations`) is imported only when the schema needs upgrading.
"""

from __future__ import annotations

import itertools
import json
import sqlite3
import time
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from quizzer.dbfile import check_file
from quizzer.errors import StoreError
from quizzer.records import (
    CARD_COLUMNS,
    REVIEW,
    CardRow,
    CardState,
    ReviewRow,
    card_from_row,
    new_review_id,
    review_from_row,
    to_iso,
)

# Names of the migrations in quizzer/migrations.py, in order (a test keeps the two in step).
SCHEMA = ("m001_initial", "m002_daily_counts", "m003_drop_reviews_day_index", "m004_marks",
          "m005_study_loop", "m006_review_params", "m007_ai_feedback")
BUSY_TIMEOUT_MS = 15_000
CACHE_KIB = 65_536  # SQLite's page cache: keeps the log's index pages hot through a session
WAL_AUTOCHECKPOINT_PAGES = 20_000  # about 80 MB of WAL: a long session never waits on one


# Whether a card is due: the SQL form of `study_queue.DueRule` (a test holds the forms equal). A review
# card is due for the whole study day (:due_end), a learning step once it nearly comes up (:due_ahead).
DUE_SQL = (f"(reviews > 0 AND NOT suspended AND CASE WHEN state = {REVIEW} THEN due < :due_end"
           " ELSE due <= :due_ahead END)")
MERGE_BATCH = 5_000  # reviews read from an import at a time: memory stays flat for any file size
# A stored study day that is a real date (SQLite's date() normalises or rejects anything else).
VALID_DAY = "date(day) IS day"


class Store:
    """Progress of one user: cards, the append-only review log, sessions and settings."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path
        # Rows skipped because no quizzer could have written them (`quizzer doctor` repairs them).
        self.damaged: set[str] = set()

    @classmethod
    def open(cls, path: Path) -> Store:
        check_file(path)
        new = not path.exists()
        if new:
            try:
                path.parent.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"cannot create {path.parent}: {exc.strerror or exc}") from None
        try:
            conn = sqlite3.connect(path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
        except sqlite3.Error as exc:
            raise StoreError(f"cannot open the progress database {path}: {exc}") from None
        conn.row_factory = sqlite3.Row
        store = cls(conn, path)
        try:
            store._prepare_when_free()
        except sqlite3.OperationalError as exc:
            conn.close()
            raise StoreError(f"the progress database {path} could not be opened ({exc}); nothing was changed") from None
        except sqlite3.DatabaseError as exc:
            conn.close()
            raise StoreError(f"the progress database {path} is damaged ({exc}); it was left untouched") from None
        except StoreError:
            conn.close()
            raise
        return store

    def _prepare_when_free(self) -> None:
        """Prepare, retrying while another process holds the lock (switching a new database to WAL
        can fail fast with "locked" instead of waiting on the busy handler)."""
        deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
        while True:
            try:
                self._prepare()
                return
            except sqlite3.OperationalError as exc:
                if ("locked" not in str(exc) and "busy" not in str(exc)) or time.monotonic() > deadline:
                    raise
                if self.conn.in_transaction:
                    self.conn.execute("ROLLBACK")
                time.sleep(0.02)

    def _prepare(self) -> None:
        c = self.conn
        c.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        c.execute(f"PRAGMA cache_size = -{CACHE_KIB}")
        tables = {r[0] for r in c.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        applied: list[str] = []
        if "_sqlite_migrations" in tables:
            applied = [r[0] for r in c.execute(
                "SELECT name FROM _sqlite_migrations WHERE migration_set = 'quizzer' ORDER BY rowid")]
        elif tables:
            raise StoreError(f"{self.path} is a SQLite database but not a quizzer one; it was left untouched")
        unknown = [n for n in applied if n not in SCHEMA]
        if unknown:
            raise StoreError(f"{self.path} was written by a newer quizzer (schema {unknown[-1]}); please upgrade")
        # WAL lets a reader run beside a writer; NORMAL sync is durable against crashes of the process.
        if c.execute("PRAGMA journal_mode").fetchone()[0] != "wal":
            c.execute("PRAGMA journal_mode = WAL")
        c.execute("PRAGMA synchronous = NORMAL")
        # Checkpoint when the store closes rather than in the middle of an answer: an automatic
        # checkpoint every 1,000 pages made one answer in a hundred take milliseconds.
        c.execute(f"PRAGMA wal_autocheckpoint = {WAL_AUTOCHECKPOINT_PAGES}")
        if applied != list(SCHEMA):
            self._migrate()

    def _migrate(self) -> None:
        from sqlite_utils import Database

        from quizzer.migrations import migrations

        db = Database(self.conn)
        with self.write():  # IMMEDIATE: two processes starting at once do not both migrate
            migrations.apply(db)

    def close(self) -> None:
        try:
            self.conn.execute("PRAGMA wal_checkpoint(PASSIVE)")
        except sqlite3.Error:
            pass  # another process is writing: it or the next close will checkpoint
        self.conn.close()

    def check_writable(self) -> None:
        """Refuse, before a session asks anything, a database that cannot take an answer (a
        read-only file, folder or mount): otherwise the first answer would be typed and then lost."""
        try:
            self.conn.execute("BEGIN IMMEDIATE")
            try:
                self.conn.execute("INSERT OR REPLACE INTO settings (key, value) VALUES ('~writable', 'null')")
            finally:
                self.conn.execute("ROLLBACK")
        except sqlite3.OperationalError as exc:
            raise StoreError(f"the progress database {self.path} cannot be written ({exc}); "
                             "nothing was asked or changed") from None

    @contextmanager
    def write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taking the write lock up front (waits up to the busy timeout)."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            if self.conn.in_transaction:
                self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # ---- cards ---------------------------------------------------------------------------------

    def _cards(self, where: str = "", args: tuple[Any, ...] = ()) -> list[CardRow]:
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: much cheaper than sqlite3.Row for thousands of cards
        out = []
        for row in cur.execute(f"SELECT {CARD_COLUMNS} FROM cards {where}", args):
            try:
                out.append(card_from_row(row))
            except (ValueError, TypeError):
                self.damaged.add(f"card {row[0]}")
        return out

    def card(self, gid: str) -> CardRow | None:
        found = self._cards("WHERE gid = ?", (gid,))
        return found[0] if found else None

    def cards(self) -> dict[str, CardRow]:
        return {c.gid: c for c in self._cards()}

    def _tuples(self, sql: str, params: Mapping[str, Any] | Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cur = self.conn.cursor()
        cur.row_factory = None  # plain tuples: much cheaper than sqlite3.Row by the 10,000
        return cur.execute(sql, params).fetchall()

    def card_states(self, due_before: datetime | None = None) -> list[CardState]:
        """Every card, or (through the due index) those due by `due_before`, as light tuples."""
        columns = "gid, category, state, due, reviews, suspended"
        if due_before is None:
            rows = self._tuples(f"SELECT {columns} FROM cards")
        else:
            rows = self._tuples(f"SELECT {columns} FROM cards WHERE due <= ?", (to_iso(due_before),))
        return list(map(CardState._make, rows))

    def not_new_gids(self) -> set[str]:
        """Questions no longer new: answered at least once, or suspended before ever being answered.
        (As many as the user has met: a new user's set is small, whatever the size of the banks.)"""
        return {r[0] for r in self._tuples("SELECT gid FROM cards WHERE reviews > 0 OR suspended = 1")}

    def due_for_ranking(self, due_end: str, due_ahead: str, latest: datetime) -> list[tuple[Any, ...]]:
        """(gid, due, last_review, stability) of the cards due by the day's end (review cards) or by
        `due_ahead` (learning steps), through the due index: the four values ranking them by recall needs."""
        return self._tuples(f"SELECT gid, due, last_review, stability FROM cards WHERE due <= :latest AND {DUE_SQL}",
                            {"due_end": due_end, "due_ahead": due_ahead, "latest": to_iso(latest)})

    def card_gids(self) -> list[str]:
        return [r[0] for r in self._tuples("SELECT gid FROM cards")]

    def card_counts_by_category(self, due_end: str, due_ahead: str) -> dict[str, tuple[int, int, int, int]]:
        """category -> (seen, suspended, due, mastered) cards, summed in SQLite. Mastered: learned, a
        review card, and not due; a card made only to flag or suspend a question is not seen."""
        mastered = f"(reviews > 0 AND NOT suspended AND state = {REVIEW} AND NOT {DUE_SQL})"
        rows = self._tuples(f"SELECT category, TOTAL(reviews > 0), TOTAL(suspended), TOTAL({DUE_SQL}), "
                            f"TOTAL({mastered}) FROM cards GROUP BY category",
                            {"due_end": due_end, "due_ahead": due_ahead})
        return {r[0]: (int(r[1]), int(r[2]), int(r[3]), int(r[4])) for r in rows}

    def due_cards(self, before: datetime) -> list[CardRow]:
        return self._cards("WHERE suspended = 0 AND reviews > 0 AND due <= ?", (to_iso(before),))

    def put_card(self, card: CardRow, exists: bool | None = None) -> None:
        """Write a card; `exists` (when the caller has just read it) picks an in-place UPDATE, which
        leaves the gid index alone, over the delete-and-insert that INSERT OR REPLACE does."""
        values = (card.category, card.state, card.step, card.stability, card.difficulty, to_iso(card.due),
                  to_iso(card.last_review) if card.last_review else None, card.reviews, card.lapses,
                  int(card.suspended), int(card.flagged), card.gid)
        if exists:
            self.conn.execute(
                "UPDATE cards SET category = ?, state = ?, step = ?, stability = ?, difficulty = ?, due = ?,"
                " last_review = ?, reviews = ?, lapses = ?, suspended = ?, flagged = ? WHERE gid = ?", values)
            return
        self.conn.execute(
            "INSERT OR REPLACE INTO cards (category, state, step, stability, difficulty, due, last_review,"
            " reviews, lapses, suspended, flagged, gid) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)", values)

    def record(self, review: ReviewRow, next_card: Callable[[CardRow | None], CardRow]) -> CardRow:
        """Append a review and update its card in one committed transaction.

        The card is read inside the transaction, so two processes answering the same
        question never lose an update.
        """
        with self.write() as c:
            old = self.card(review.gid)
            card = next_card(old)
            c.execute(
                "INSERT INTO reviews (id, gid, category, reviewed_at, day, rating, score, response, duration_ms,"
                " session_id, content_hash, confidence, params) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                (review.id, review.gid, review.category, to_iso(review.reviewed_at), review.day, review.rating,
                 review.score, review.response, review.duration_ms, review.session_id, review.content_hash,
                 review.confidence, review.params_json()),
            )
            self.put_card(card, exists=old is not None)
            c.execute(
                "INSERT INTO daily_counts (day, category, reviews, correct, new) VALUES (?, ?, 1, ?, ?)"
                " ON CONFLICT (day, category) DO UPDATE SET reviews = reviews + 1,"
                " correct = correct + excluded.correct, new = new + excluded.new",
                # New: the first review, even if a flag or suspension made a card for it before.
                (review.day, review.category, int(review.rating > 1), int(old is None or old.reviews == 0)),
            )
        return card

    def set_flag(self, gid: str, flag: str, value: bool, at: datetime | None = None) -> bool:
        """Set `suspended` or `flagged` on a card and log it as a mark event (which moves between
        machines); returns False if the user never met the question."""
        assert flag in ("suspended", "flagged")
        when = to_iso(at or datetime.now(UTC))
        with self.write() as c:
            cur = c.execute(f"UPDATE cards SET {flag} = ? WHERE gid = ?", (int(value), gid))
            if cur.rowcount:
                c.execute("INSERT INTO marks (id, gid, category, mark, value, at) SELECT ?, gid, category, ?, ?, ?"
                          " FROM cards WHERE gid = ?", (new_review_id(at or datetime.now(UTC)), flag, int(value),
                                                        when, gid))
        return cur.rowcount > 0

    def ensure_card(self, card: CardRow) -> None:
        """Create a card (e.g. to suspend a question never answered) unless it exists."""
        with self.write():
            if self.card(card.gid) is None:
                self.put_card(card)

    def reset(self, categories: Iterable[str] = (), forget_history: bool = False) -> int:
        cats = list(categories)
        where, args = (f"WHERE category IN ({','.join('?' * len(cats))})", cats) if cats else ("", [])
        with self.write() as c:
            n = int(c.execute(f"DELETE FROM cards {where}", args).rowcount)
            c.execute(f"DELETE FROM leeches {where}", args)  # lapses start again from 0: so does being told
            if forget_history:
                c.execute(f"DELETE FROM reviews {where}", args)
                c.execute(f"DELETE FROM daily_counts {where}", args)
        return n

    # ---- the review log ------------------------------------------------------------------------

    def reviews_of(self, gid: str) -> list[ReviewRow]:
        return list(self._reviews("SELECT * FROM reviews WHERE gid = ? ORDER BY reviewed_at, id", (gid,)))

    def iter_reviews(self) -> Iterator[ReviewRow]:
        return self._reviews("SELECT * FROM reviews ORDER BY reviewed_at, id")

    def _reviews(self, sql: str, args: tuple[Any, ...] = ()) -> Iterator[ReviewRow]:
        """Reviews in the log; a row no quizzer could have written is skipped and reported."""
        for row in self.conn.execute(sql, args):
            try:
                yield review_from_row(row)
            except (ValueError, TypeError):
                self.damaged.add(f"review {row['id']}")

    def review_count(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])

    def merge_reviews(self, reviews: Iterable[ReviewRow],
                      replay: Callable[[list[ReviewRow], CardRow | None], CardRow]) -> tuple[int, int]:
        """Add the reviews not already in the log (by id, a repeated id counted once) and rebuild
        each affected card by replaying its whole log in time order, in one transaction, reading
        `reviews` in batches. Returns (added, cards rebuilt)."""
        added = 0
        affected: set[str] = set()
        with self.write() as c:
            rows = iter(reviews)
            for batch in iter(lambda: list(itertools.islice(rows, MERGE_BATCH)), []):
                ids = json.dumps([r.id for r in batch])
                have = {r[0] for r in c.execute("SELECT id FROM reviews WHERE id IN (SELECT value FROM json_each(?))",
                                                (ids,))}
                fresh = {r.id: r for r in batch if r.id not in have}
                c.executemany(
                    "INSERT INTO reviews (id, gid, category, reviewed_at, day, rating, score, response,"
                    " duration_ms, session_id, content_hash, confidence, params) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?)",
                    [(r.id, r.gid, r.category, to_iso(r.reviewed_at), r.day, r.rating, r.score, r.response,
                      r.duration_ms, r.session_id, r.content_hash, r.confidence, r.params_json())
                     for r in fresh.values()],
                )
                added += len(fresh)
                affected.update(r.gid for r in fresh.values())
            for gid in sorted(affected):
                self.put_card(replay(self.reviews_of(gid), self.card(gid)))
            if added:
                from quizzer.migrations import rebuild_daily_counts

                rebuild_daily_counts(c)
        return added, len(affected)

    # ---- sessions and settings -------------------------------------------------------------------

    def start_session(self, session_id: str, kind: str, filters: dict[str, Any], now: datetime) -> None:
        with self.write() as c:
            c.execute("INSERT INTO sessions (id, kind, filters, started_at) VALUES (?, ?, ?, ?)",
                      (session_id, kind, json.dumps(filters, sort_keys=True), to_iso(now)))

    def end_session(self, session_id: str, now: datetime) -> None:
        with self.write() as c:
            c.execute("UPDATE sessions SET ended_at = ? WHERE id = ?", (to_iso(now), session_id))

    def settings(self) -> dict[str, Any]:
        out = {}
        for key, value in self.conn.execute("SELECT key, value FROM settings"):
            try:
                out[key] = json.loads(value)
            except (ValueError, TypeError, RecursionError):
                self.damaged.add(f"setting {key}")
        return out

    def set_setting(self, key: str, value: Any) -> None:
        with self.write() as c:
            c.execute("INSERT OR REPLACE INTO settings (key, value) VALUES (?, ?)", (key, json.dumps(value)))

    def daily_counts(self, since_day: str = "") -> list[sqlite3.Row]:
        return list(self.conn.execute(
            f"SELECT day, category, reviews, correct, new FROM daily_counts WHERE day >= ? AND {VALID_DAY}"
            " ORDER BY day", (since_day,)))

    def review_totals(self, since_day: str = "") -> dict[str, tuple[int, int]]:
        """category -> (reviews, correct) from `since_day` on, summed in SQL."""
        rows = self.conn.execute("SELECT category, SUM(reviews), SUM(correct) FROM daily_counts WHERE day >= ?"
                                 " GROUP BY category", (since_day,))
        return {r[0]: (int(r[1]), int(r[2])) for r in rows}

    def study_days(self) -> list[str]:
        """Every study day with at least one review, newest first."""
        return [r[0] for r in self.conn.execute(
            f"SELECT DISTINCT day FROM daily_counts WHERE reviews > 0 AND {VALID_DAY} ORDER BY day DESC")]
