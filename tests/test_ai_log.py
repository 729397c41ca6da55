"""The AI interviewer's records move between machines with the progress log: exported, checked line by
line on import, merged once, never trusted."""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import pytest

from quizzer.ai_log import iter_records, merge_records, record_from_json, to_json
from quizzer.ai_store import save_feedback, save_followups, save_report
from quizzer.store import Store

from .test_cli_progress import run
from .test_hostile_inputs import REVIEW, import_lines, one_clear_line

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
GID = str(REVIEW["gid"])
GRADE = json.dumps({"rating": 3, "feedback": "Covers paging; misses the block table."})
REPORT = {"summary": "Solid on serving", "strengths": ["KV cache"], "gaps": ["MoE"], "review": ["inference"]}


def fill(db: Path) -> None:
    """A database holding one record of each kind, as a mock interview with the AI leaves it."""
    store = Store.open(db)
    save_feedback(store, "r1", "s1", GID, "qwen2.5-7b", "The reply", GRADE, 3, NOW)
    save_followups(store, "s1", GID, [("Why blocks?", "Fragmentation."), ("Block size?", "16 tokens.")], NOW)
    save_report(store, "s1", "qwen2.5-7b", REPORT, NOW)
    store.close()


def tables(db: Path) -> dict[str, list[tuple[object, ...]]]:
    with sqlite3.connect(db) as conn:
        return {t: sorted(conn.execute(f"SELECT * FROM {t}")) for t in ("ai_feedback", "ai_followups", "ai_reports")}


def test_the_records_round_trip_through_their_lines(tmp_path: Path) -> None:
    fill(tmp_path / "a.db")
    store = Store.open(tmp_path / "a.db")
    records = list(iter_records(store))
    store.close()
    assert [json.loads(to_json(r))["ai"] for r in records] == ["feedback", "followup", "followup", "report"]
    back = [record_from_json(json.loads(to_json(r)), NOW) for r in records]
    assert back == records
    other = Store.open(tmp_path / "b.db")
    assert merge_records(other, back) == 4
    assert merge_records(other, back) == 0  # each record applies once
    other.close()
    assert tables(tmp_path / "b.db") == tables(tmp_path / "a.db")


def test_progress_export_and_import_carry_them_to_another_machine(tmp_path: Path) -> None:
    laptop, desktop, log = tmp_path / "laptop.db", tmp_path / "desktop.db", tmp_path / "log.jsonl"
    fill(laptop)
    out = run("progress", "export", str(log), db=laptop)
    assert out.returncode == 0 and "and 4 AI records" in out.stderr, out.stderr
    first = run("progress", "import", str(log), db=desktop)
    assert first.returncode == 0 and "4 new AI records" in first.stderr, first.stderr
    again = run("progress", "import", str(log), db=desktop)
    assert "0 new AI records" in again.stderr and "(4 already here)" in again.stderr, again.stderr
    assert tables(desktop) == tables(laptop) and tables(desktop)["ai_reports"]


FEEDBACK = {"ai": "feedback", "review_id": "r1", "session_id": "s1", "gid": GID, "at": "2026-01-01T10:00:00+00:00",
            "model": "m", "rating": 3, "grade": GRADE, "reply": "ok"}


@pytest.mark.parametrize(("changes", "message"), [
    ({"ai": "memo"}, "an AI record is feedback, followup or report, not 'memo'"),
    ({"rating": 7}, "rating must be 1 to 4 or null"),
    ({"rating": True}, "rating must be 1 to 4 or null"),
    ({"reply": "x" * 20_001}, "reply must be text of at most 20,000 characters"),
    ({"grade": "[1, 2]"}, "grade must be a JSON object as text"),
    ({"grade": "{" * 5000}, "grade must be a JSON object as text"),
    ({"gid": "../../etc/passwd"}, "bad question id"),
    ({"review_id": "a b"}, "bad review_id"),
    ({"at": "2999-01-01T00:00:00+00:00"}, "at must be a time with a zone between 2000 and tomorrow"),
    ({"ai": "followup", "id": "f1", "turn": 0, "question": "q", "answer": "a"}, "turn must be a whole number"),
    ({"ai": "followup", "id": "f1", "turn": 1, "question": 5, "answer": "a"}, "question must be text"),
    ({"ai": "report", "report": "not json"}, "report must be a JSON object as text"),
    # a report's shape is what the summary screen and `quizzer ai report` read: no crash on a stranger's
    ({"ai": "report", "report": json.dumps({"questions": [{}]})}, "report: each of its questions needs gid"),
    ({"ai": "report", "report": json.dumps({"questions": 5})}, "report: its questions must be a list"),
    ({"ai": "report", "report": json.dumps({**REPORT, "gaps": [1]})}, "report: its strengths, gaps and review"),
])
def test_a_bad_ai_line_is_refused_in_one_line_and_nothing_is_written(tmp_path: Path, changes: dict[str, object],
                                                                     message: str) -> None:
    db = tmp_path / "q.db"
    out = import_lines(tmp_path, db, json.dumps(REVIEW), json.dumps({**FEEDBACK, **changes}))
    line = one_clear_line(out)
    assert ":2: " + message in line, line
    if db.exists():  # the good review on line 1 was not applied either
        with sqlite3.connect(db) as conn:
            written = [conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("reviews", "ai_feedback")
                       if conn.execute("SELECT 1 FROM sqlite_master WHERE name = ?", (t,)).fetchone()]
        assert not any(written)


def test_a_good_ai_line_imports_beside_a_review(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    out = import_lines(tmp_path, db, json.dumps(REVIEW), json.dumps(FEEDBACK))
    assert out.returncode == 0 and "1 new review " in out.stderr and "1 new AI record" in out.stderr, out.stderr
    assert [row[:3] for row in tables(db)["ai_feedback"]] == [("r1", "s1", GID)]
