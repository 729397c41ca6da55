"""Schema versions of the progress database, applied in order by `sqlite_utils.Migrations`.

Never edit a migration that has shipped: add a new one. Each is a small function.
"""

from __future__ import annotations

import sqlite3

from sqlite_utils import Database, Migrations

migrations = Migrations("quizzer")


@migrations()
def m001_initial(db: Database) -> None:
    # One card per question the user has met: its FSRS state plus counts and flags.
    db.execute(
        """
        CREATE TABLE cards (
            gid TEXT PRIMARY KEY,
            category TEXT NOT NULL,
            state INTEGER NOT NULL,
            step INTEGER,
            stability REAL,
            difficulty REAL,
            due TEXT NOT NULL,
            last_review TEXT,
            reviews INTEGER NOT NULL DEFAULT 0,
            lapses INTEGER NOT NULL DEFAULT 0,
            suspended INTEGER NOT NULL DEFAULT 0,
            flagged INTEGER NOT NULL DEFAULT 0
        )
        """
    )
    db.execute("CREATE INDEX cards_due ON cards (due)")
    # The review log is append-only and the source of truth: card states can be rebuilt from it.
    db.execute(
        """
        CREATE TABLE reviews (
            id TEXT PRIMARY KEY,
            gid TEXT NOT NULL,
            category TEXT NOT NULL,
            reviewed_at TEXT NOT NULL,
            day TEXT NOT NULL,
            rating INTEGER NOT NULL CHECK (rating BETWEEN 1 AND 4),
            score REAL NOT NULL,
            response TEXT NOT NULL DEFAULT '',
            duration_ms INTEGER,
            session_id TEXT,
            content_hash TEXT NOT NULL DEFAULT ''
        )
        """
    )
    db.execute("CREATE INDEX reviews_gid_time ON reviews (gid, reviewed_at)")
    db.execute("CREATE INDEX reviews_day ON reviews (day)")
    db.execute(
        """
        CREATE TABLE sessions (
            id TEXT PRIMARY KEY,
            kind TEXT NOT NULL,
            filters TEXT NOT NULL DEFAULT '{}',
            started_at TEXT NOT NULL,
            ended_at TEXT
        )
        """
    )
    db.execute("CREATE TABLE settings (key TEXT PRIMARY KEY, value TEXT NOT NULL)")


@migrations()
def m002_daily_counts(db: Database) -> None:
    # Per-day, per-category totals kept up to date on every review, so that stats, streaks and the
    # heatmap never scan the whole review log. Backfilled from the log of older databases.
    db.execute(
        """
        CREATE TABLE daily_counts (
            day TEXT NOT NULL,
            category TEXT NOT NULL,
            reviews INTEGER NOT NULL DEFAULT 0,
            correct INTEGER NOT NULL DEFAULT 0,
            new INTEGER NOT NULL DEFAULT 0,
            PRIMARY KEY (day, category)
        )
        """
    )
    rebuild_daily_counts(db)


def rebuild_daily_counts(db: Database | sqlite3.Connection) -> None:
    """Recompute `daily_counts` from the review log (after a migration or an import)."""
    db.execute("DELETE FROM daily_counts")
    db.execute(
        """
        INSERT INTO daily_counts (day, category, reviews, correct, new)
        SELECT day, category, COUNT(*), SUM(rating > 1), SUM(first_of_card)
        FROM (SELECT day, category, rating,
                     ROW_NUMBER() OVER (PARTITION BY gid ORDER BY reviewed_at, id) = 1 AS first_of_card
              FROM reviews)
        GROUP BY day, category
        """
    )


@migrations()
def m003_drop_reviews_day_index(db: Database) -> None:
    # Nothing reads the log by day since m002's daily counts; the index only cost a page write per
    # answer and about 20 bytes per review.
    db.execute("DROP INDEX IF EXISTS reviews_day")


@migrations()
def m004_marks(db: Database) -> None:
    # Suspending and flagging are events in a log too, so that they move between machines and two
    # machines' logs merge the same way whatever the order (the latest event of a kind wins). Marks
    # that cards already carry become events dated 2000, so that any real later event wins over them.
    db.execute(
        """
        CREATE TABLE marks (
            id TEXT PRIMARY KEY,
            gid TEXT NOT NULL,
            category TEXT NOT NULL,
            mark TEXT NOT NULL,
            value INTEGER NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX marks_gid ON marks (gid)")
    for flag in ("suspended", "flagged"):
        db.execute(f"INSERT INTO marks (id, gid, category, mark, value, at) SELECT '{flag}-' || gid, gid, category,"
                   f" '{flag}', 1, '2000-01-01T00:00:00.000000+00:00' FROM cards WHERE {flag} = 1")


@migrations()
def m005_study_loop(db: Database) -> None:
    # How sure the user said they were before the answer was checked (1 guess, 2 unsure, 3 sure; NULL
    # when not asked), for calibration and the confidently-wrong list.
    db.execute("ALTER TABLE reviews ADD COLUMN confidence INTEGER CHECK (confidence BETWEEN 1 AND 3)")
    # Only the answers that carry a confidence, in an order that serves both readers: calibration sums
    # it whole, and the "sure, and wrong" answers are one range of it (their questions, without the log).
    db.execute("CREATE INDEX reviews_confidence ON reviews (confidence, rating, category, gid)"
               " WHERE confidence IS NOT NULL")
    # Undone reviews as tombstones, keyed by the review's id: the review leaves the log, the tombstone
    # stays and moves between machines, so importing a file written before the undo never brings it back.
    db.execute(
        """
        CREATE TABLE undos (
            review_id TEXT PRIMARY KEY,
            gid TEXT NOT NULL,
            category TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    # Questions that became leeches (too many lapses): suspended once and told once, listed after.
    db.execute("CREATE TABLE leeches (gid TEXT PRIMARY KEY, category TEXT NOT NULL, at TEXT NOT NULL)")


@migrations()
def m006_review_params(db: Database) -> None:
    # A parametrised question is asked with new numbers each time: the review keeps the numbers it was
    # asked with (JSON, name -> value), so that what was answered can be shown again. NULL for every
    # fixed question, and so for every review made before.
    db.execute("ALTER TABLE reviews ADD COLUMN params TEXT")


@migrations()
def m007_ai_feedback(db: Database) -> None:
    # The optional AI interviewer: its grading of an answer, linked to the review it informed (the reply
    # as received, and its checked JSON when it parsed); the follow-up questions of a mock interview and
    # the user's answers to them (kept, never scheduled); and each mock interview's report.
    db.execute(
        """
        CREATE TABLE ai_feedback (
            review_id TEXT PRIMARY KEY,
            session_id TEXT,
            gid TEXT NOT NULL,
            at TEXT NOT NULL,
            model TEXT NOT NULL,
            rating INTEGER CHECK (rating IS NULL OR rating BETWEEN 1 AND 4),
            grade TEXT,
            reply TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX ai_feedback_session ON ai_feedback (session_id)")
    db.execute(
        """
        CREATE TABLE ai_followups (
            id TEXT PRIMARY KEY,
            session_id TEXT NOT NULL,
            gid TEXT NOT NULL,
            turn INTEGER NOT NULL,
            question TEXT NOT NULL,
            answer TEXT NOT NULL,
            at TEXT NOT NULL
        )
        """
    )
    db.execute("CREATE INDEX ai_followups_session ON ai_followups (session_id, gid, turn)")
    db.execute(
        """
        CREATE TABLE ai_reports (
            session_id TEXT PRIMARY KEY,
            at TEXT NOT NULL,
            model TEXT NOT NULL,
            report TEXT NOT NULL
        )
        """
    )
