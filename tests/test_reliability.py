"""Progress must be safe: crashes, two processes at once, damaged files, bad input.

These drive the real command line in subprocesses.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest


def make_bank(folder: Path, n: int) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    lines = ["category: base", "title: Generated", "questions:"]
    for i in range(n):
        lines += [f"  - id: q{i}", "    type: truefalse", "    level: 1", f"    prompt: Statement number {i}.",
                  f"    answer: {'true' if i % 2 else 'false'}", "    explanation: Because.", "    refs: [kv-cache]"]
    (folder / "base.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    return folder


def quizzer(*args: str) -> list[str]:
    return [sys.executable, "-m", "quizzer", *args]


def reviews_in(db: Path) -> int:
    conn = sqlite3.connect(db)
    try:
        return int(conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0])
    finally:
        conn.close()


def test_sigkill_at_random_moments_loses_no_printed_answer(tmp_path: Path) -> None:
    banks = make_bank(tmp_path / "banks", 40)
    db = tmp_path / "q.db"
    rng = random.Random(20261128)
    for trial in range(20):
        proc = subprocess.Popen(quizzer("--banks", str(banks), "--db", str(db), "quiz", "--plain", "--count", "40"),
                                stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
        assert proc.stdin is not None and proc.stdout is not None
        deadline = time.monotonic() + rng.uniform(0.3, 1.5)
        printed = 0
        os.set_blocking(proc.stdout.fileno(), False)
        buffer = b""
        while time.monotonic() < deadline and proc.poll() is None:
            try:
                proc.stdin.write(rng.choice([b"true\n", b"false\n", b"t\n", b"\n"]))
                proc.stdin.flush()
            except BrokenPipeError:
                break
            time.sleep(rng.uniform(0, 0.02))
            chunk = proc.stdout.read() or b""
            buffer += chunk
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        try:
            buffer += proc.stdout.read() or b""
        except (ValueError, OSError):
            pass
        printed = buffer.count(b"\nRated ")
        if not db.exists():
            assert printed == 0
            continue
        conn = sqlite3.connect(db)
        assert conn.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        conn.close()
        saved = reviews_in(db)
        assert saved >= printed_total(tmp_path, trial, printed)
    # The next session starts normally and sees everything.
    out = subprocess.run(quizzer("--banks", str(banks), "--db", str(db), "stats", "--json"),
                         capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    assert json.loads(out.stdout)["totals"]["reviews"] == reviews_in(db)


_printed: dict[Path, int] = {}


def printed_total(key: Path, trial: int, printed: int) -> int:
    """Verdicts printed over all trials so far (each trial adds to the same database)."""
    _printed[key] = _printed.get(key, 0) + printed
    return _printed[key]


def test_two_processes_answering_at_once_lose_nothing(tmp_path: Path) -> None:
    banks = make_bank(tmp_path / "banks", 200)
    db = tmp_path / "q.db"
    answers = b"".join(random.Random(i).choice([b"true\n", b"false\n"]) for i in range(200))
    procs = [subprocess.Popen(quizzer("--banks", str(banks), "--db", str(db), "quiz", "--plain", "--count", "200"),
                              stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
             for _ in range(2)]
    results = [p.communicate(answers, timeout=300) for p in procs]
    for p, (out, err) in zip(procs, results, strict=True):
        assert p.returncode == 0, err.decode()
        assert b"locked" not in err and b"Traceback" not in err
        assert out.count(b"\nRated ") == 200
    assert reviews_in(db) == 400
    conn = sqlite3.connect(db)
    mismatched = conn.execute(
        "SELECT COUNT(*) FROM cards c WHERE c.reviews != (SELECT COUNT(*) FROM reviews r WHERE r.gid = c.gid)"
    ).fetchone()[0]
    assert mismatched == 0
    assert conn.execute("SELECT SUM(reviews) FROM daily_counts").fetchone()[0] == 400


@pytest.mark.parametrize("kind", ["truncated", "random", "text"])
def test_damaged_database_via_cli_is_refused_untouched(tmp_path: Path, kind: str) -> None:
    banks = make_bank(tmp_path / "banks", 5)
    db = tmp_path / "q.db"
    if kind == "truncated":
        subprocess.run(quizzer("--banks", str(banks), "--db", str(db), "quiz", "--plain", "--count", "5"),
                       input=b"true\n" * 5, capture_output=True, timeout=60, check=True)
        conn = sqlite3.connect(db)
        conn.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        conn.close()
        db.write_bytes(db.read_bytes()[:5000])
    elif kind == "random":
        db.write_bytes(random.Random(1).randbytes(50_000))
    else:
        db.write_text("not a database")
    before = hashlib.sha256(db.read_bytes()).hexdigest()
    for args in (["stats", "--json"], ["due"], ["quiz", "--plain", "--count", "1"]):
        out = subprocess.run(quizzer("--banks", str(banks), "--db", str(db), *args), input=b"true\n",
                             capture_output=True, timeout=60)
        assert out.returncode == 1
        err = out.stderr.decode()
        assert str(db) in err and "Traceback" not in err and len(err.strip().splitlines()) == 1
    assert hashlib.sha256(db.read_bytes()).hexdigest() == before
