"""The progress commands, run as a user runs them: in subprocesses against a temporary database."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from .conftest import TEST_BANKS


def run(*args: str, stdin: bytes = b"", db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ)
    if db is not None:
        env["QUIZZER_DB"] = str(db)
    out = subprocess.run([sys.executable, "-m", "quizzer", *args], input=stdin, capture_output=True,
                         env=env, timeout=120)
    return subprocess.CompletedProcess(out.args, out.returncode, out.stdout.decode(), out.stderr.decode())


def stats(db: Path, *banks: str) -> dict:  # type: ignore[type-arg]
    out = run(*banks, "stats", "--json", db=db)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout)  # type: ignore[no-any-return]


def test_piped_quiz_of_five_inference_questions_is_recorded(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    # A letter, a number, a truth value and the end of a code block in turn: unreadable lines are asked
    # again, not scored.
    out = run("quiz", "--plain", "--category", "inference", "--count", "5", stdin=b"A\n1\nt\n.\n" * 40, db=db)
    assert out.returncode == 0, out.stderr
    assert out.stdout.count("\n[") >= 5 and "Session over:" in out.stdout
    data = stats(db)
    assert data["categories"]["inference"]["reviews"] >= 5
    assert data["categories"]["inference"]["seen"] == 5
    assert set(data["totals"]) >= {"questions", "seen", "due_now", "reviews", "correct", "retention_30d", "mastery"}
    assert data["streak_days"] == 1


def test_stats_json_on_a_new_database(tmp_path: Path) -> None:
    data = stats(tmp_path / "q.db", "--banks", str(TEST_BANKS))
    assert data["totals"]["questions"] == 6 and data["totals"]["seen"] == 0
    assert data["totals"]["retention_30d"] is None and data["streak_days"] == 0
    assert list(data["categories"]) == ["base", "inference"]


def test_stats_from_the_cache_index_agree_and_see_edits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(TEST_BANKS, banks)
    db, b = tmp_path / "q.db", ("--banks", str(banks))
    assert run(*b, "review", "--plain", stdin=b"true\nPagedAttention\n", db=db).returncode == 0
    warm = stats(db, *b)  # the review run cached the banks: stats reads only the cache's index
    monkeypatch.setenv("QUIZZER_CACHE_DIR", "")
    assert stats(db, *b) == warm  # no cache at all: the full load counts the same
    monkeypatch.setenv("QUIZZER_CACHE_DIR", str(tmp_path / "cache"))
    assert warm["totals"]["seen"] >= 1 and warm["totals"]["questions"] == 6
    with (banks / "base.yaml").open("a", encoding="utf-8") as f:
        f.write("  - id: added-later\n    type: truefalse\n    level: 1\n    prompt: Added.\n    answer: true\n"
                "    explanation: Added after the cache was written.\n    refs: [bf16-vs-fp16]\n")
    assert stats(db, *b)["categories"]["base"]["questions"] == warm["categories"]["base"]["questions"] + 1


def test_review_then_due(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    b = ("--banks", str(TEST_BANKS))
    due = json.loads(run(*b, "due", "--json", db=db).stdout)
    assert due == {"due_now": 0, "learning": 0, "new_available": 6}
    out = run(*b, "review", "--plain", stdin=b"false\n", db=db)  # one wrong answer, then end of input
    assert out.returncode == 0 and "(end of input: session saved)" in out.stdout
    due = json.loads(run(*b, "due", "--json", db=db).stdout)
    assert due["learning"] == 1 and due["new_available"] == 5


def test_progress_export_import_round_trip(tmp_path: Path) -> None:
    b = ("--banks", str(TEST_BANKS))
    laptop, desktop = tmp_path / "laptop.db", tmp_path / "desktop.db"
    run(*b, "quiz", "--plain", "--count", "3", "--type", "truefalse", "--type", "short", "--type", "numeric",
        stdin=b"true\nPagedAttention\n14\n" * 3, db=laptop)  # any order: unreadable lines are skipped
    log = tmp_path / "log.jsonl"
    out = run(*b, "progress", "export", str(log), db=laptop)
    assert out.returncode == 0, out.stderr
    lines = log.read_text().splitlines()
    n = len(lines)  # 3 questions, and a missed one asked again
    assert n >= 3 and n == stats(laptop, *b)["totals"]["reviews"] and all(json.loads(x)["gid"] for x in lines)
    first = run(*b, "progress", "import", str(log), db=desktop)
    assert f"imported {n} new reviews" in first.stderr
    again = run(*b, "progress", "import", str(log), db=desktop)
    assert f"imported 0 new reviews ({n} already here)" in again.stderr
    assert stats(desktop, *b)["totals"]["reviews"] == n


def test_import_refuses_a_bad_log_without_changes(tmp_path: Path) -> None:
    log = tmp_path / "bad.jsonl"
    log.write_text('{"id": "x", "gid": "base/a", "reviewed_at": "2026-01-01T00:00:00+00:00", "rating": 9}\n')
    db = tmp_path / "q.db"
    out = run("--banks", str(TEST_BANKS), "progress", "import", str(log), db=db)
    assert out.returncode == 1
    assert f"{log}:1: rating must be a whole number from 1 to 4" in out.stderr
    assert "Traceback" not in out.stderr


def test_suspend_unsuspend_and_reset(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    b = ("--banks", str(TEST_BANKS))
    assert run(*b, "suspend", "base/bf16-exponent", db=db).returncode == 0
    out = run(*b, "quiz", "--plain", "--type", "truefalse", stdin=b"true\n", db=db)
    assert "bf16-exponent" not in out.stdout
    assert run(*b, "unsuspend", "base/bf16-exponent", db=db).returncode == 0
    out = run(*b, "quiz", "--plain", "--type", "truefalse", stdin=b"true\n", db=db)
    assert "bf16-exponent" in out.stdout
    assert run(*b, "suspend", "base/nope", db=db).returncode == 1
    assert run(*b, "reset", db=db).returncode == 2  # needs --yes
    assert run(*b, "reset", "--yes", db=db).returncode == 0
    data = stats(db, *b)
    assert data["totals"]["seen"] == 0 and data["totals"]["reviews"] == 1  # history kept
    run(*b, "reset", "--yes", "--forget-history", db=db)
    assert stats(db, *b)["totals"]["reviews"] == 0


@pytest.mark.parametrize("args", [["stats", "--json"], ["stats"], ["export", "markdown", "--out", "{tmp}/md"]])
def test_plain_commands_load_neither_the_ui_nor_fsrs(tmp_path: Path, args: list[str]) -> None:
    argv = ["--banks", str(TEST_BANKS), *(a.replace("{tmp}", str(tmp_path)) for a in args)]
    code = ("import sys; from quizzer.cli import main\n"
            f"try:\n    main({argv!r})\nexcept SystemExit as e:\n    assert not e.code, e.code\n"
            "print(sorted(m for m in ('textual', 'fsrs') if m in sys.modules))")
    env = {**os.environ, "QUIZZER_DB": str(tmp_path / "q.db")}
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60, env=env)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr


def test_suspensions_and_flags_move_between_machines_and_the_latest_wins(tmp_path: Path) -> None:
    b = ("--banks", str(TEST_BANKS))
    laptop, desktop, log = tmp_path / "laptop.db", tmp_path / "desktop.db", tmp_path / "log.jsonl"
    assert run(*b, "suspend", "base/bf16-exponent", db=laptop).returncode == 0
    out = run(*b, "progress", "export", str(log), db=laptop)
    assert "1 suspension and flag events" in out.stderr
    first = run(*b, "progress", "import", str(log), db=desktop)
    assert first.returncode == 0 and "1 new suspension or flag event" in first.stderr
    listed = run(*b, "list", "--suspended", db=desktop).stdout.split()
    assert listed[:1] == ["base/bf16-exponent"]
    # Resumed later on the desktop: importing the laptop's older log again must not suspend it again.
    assert run(*b, "unsuspend", "base/bf16-exponent", db=desktop).returncode == 0
    again = run(*b, "progress", "import", str(log), db=desktop)
    assert "0 new suspension or flag events" in again.stderr
    assert run(*b, "list", "--suspended", db=desktop).stdout == ""
    # And the laptop, taking the desktop's log, ends in the same state.
    back = tmp_path / "back.jsonl"
    assert run(*b, "progress", "export", str(back), db=desktop).returncode == 0
    assert run(*b, "progress", "import", str(back), db=laptop).returncode == 0
    assert run(*b, "list", "--suspended", db=laptop).stdout == ""
