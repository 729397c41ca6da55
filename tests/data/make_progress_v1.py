"""Make tests/data/progress-v1.db: a database at the first schema version (m001 only) with a
little history, as an early quizzer would have left it. Kept to show how the fixture was made;
the committed .db file is the fixture, so never regenerate it after m001 has shipped."""

import sqlite3
from pathlib import Path

from sqlite_utils import Database

from quizzer.migrations import migrations

path = Path(__file__).with_name("progress-v1.db")
path.unlink(missing_ok=True)
conn = sqlite3.connect(path)
db = Database(conn)
migrations.apply(db, stop_before="m002_daily_counts")
reviews = [
    ("r1", "inference/decode-bound", "inference", "2026-11-01T09:00:00.000000+00:00", "2026-11-01", 3, 1.0),
    ("r2", "inference/decode-bound", "inference", "2026-11-04T09:00:00.000000+00:00", "2026-11-04", 1, 0.0),
    ("r3", "base/bf16-exponent", "base", "2026-11-04T09:05:00.000000+00:00", "2026-11-04", 4, 1.0),
]
for rid, gid, cat, at, day, rating, score in reviews:
    conn.execute("INSERT INTO reviews (id, gid, category, reviewed_at, day, rating, score, response, duration_ms,"
                 " session_id, content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                 (rid, gid, cat, at, day, rating, score, "typed", 4200, "s1", "abc"))
conn.execute("INSERT INTO cards VALUES ('inference/decode-bound', 'inference', 3, 0, 2.1, 6.5,"
             " '2026-11-04T09:10:00.000000+00:00', '2026-11-04T09:00:00.000000+00:00', 2, 1, 0, 0)")
conn.execute("INSERT INTO cards VALUES ('base/bf16-exponent', 'base', 2, NULL, 8.3, 3.2,"
             " '2026-11-12T09:05:00.000000+00:00', '2026-11-04T09:05:00.000000+00:00', 1, 0, 0, 1)")
conn.execute("INSERT INTO sessions VALUES ('s1', 'review', '{}', '2026-11-01T09:00:00.000000+00:00', NULL)")
conn.execute("INSERT INTO settings VALUES ('new_per_day', '15')")
conn.commit()
conn.execute("VACUUM")
conn.close()
print(path)
