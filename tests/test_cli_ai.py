"""The AI interviewer from the command line, as a user runs it: `quizzer ai check`, `quiz --plain --ai`
against the fake server, each failure falling back to the offline session, and the key kept out of
every output and of the database."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from .conftest import TEST_BANKS
from .fake_openai import GOOD_KEY, FakeOpenAI, closed_port_url
from .test_ai import ANSWER, GOOD
from .test_cli import run


def ai_env(url: str, db: Path, key: str | None = GOOD_KEY) -> dict[str, str]:
    env = {"QUIZZER_AI_BASE_URL": url, "QUIZZER_AI_MODEL": "fake-model", "QUIZZER_DB": str(db)}
    return {**env, "QUIZZER_AI_API_KEY": key} if key else env


def quiz_open(env: dict[str, str], stdin: str = f"{ANSWER}\n3\n") -> tuple[int, str, str]:
    out = run("--banks", str(TEST_BANKS), "quiz", "--plain", "--ai", "--type", "open", "--count", "1",
              env=env, stdin=stdin)
    return out.returncode, out.stdout, out.stderr


def database_text(db: Path) -> str:
    """Every value in every table, as text (and the file's bytes, WAL included)."""
    conn = sqlite3.connect(db)
    tables = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")]
    rows = [str(row) for t in tables for row in conn.execute(f"SELECT * FROM {t}")]
    conn.close()
    raw = b"".join(p.read_bytes() for p in db.parent.glob(db.name + "*"))
    return "\n".join(rows) + raw.decode("latin-1")


def test_check_prints_the_reply_time(fake_ai: FakeOpenAI, tmp_path: Path) -> None:
    fake_ai.replies = ["ok"]
    out = run("ai", "check", env=ai_env(fake_ai.url, tmp_path / "p.db"))
    assert out.returncode == 0, out.stderr
    assert out.stdout.startswith(f"fake-model at {fake_ai.url} replied in ") and out.stdout.rstrip().endswith(": ok")
    assert fake_ai.requests[0].get("stream") in (None, False) and fake_ai.requests[0]["max_tokens"] == 5
    shown = run("config", "show", "--json", env=ai_env(fake_ai.url, tmp_path / "p.db"))
    assert json.loads(shown.stdout)["settings"]["ai"]["model"] == "fake-model"
    assert GOOD_KEY not in shown.stdout + shown.stderr + out.stdout + out.stderr


def test_check_says_the_exact_problem(tmp_path: Path) -> None:
    url = closed_port_url()
    out = run("ai", "check", env=ai_env(url, tmp_path / "p.db"))
    assert out.returncode == 1
    assert out.stderr.strip() == f"quizzer: AI check failed: connection refused at {url}"
    unset = run("ai", "check", env={"QUIZZER_DB": str(tmp_path / "p.db")})
    assert unset.returncode == 1 and "the AI interviewer is not configured" in unset.stderr
    assert "Traceback" not in unset.stderr + out.stderr


def test_plain_quiz_shows_the_grading_before_the_rating_and_keeps_it(fake_ai: FakeOpenAI, tmp_path: Path) -> None:
    db = tmp_path / "p.db"
    fake_ai.replies = [json.dumps(GOOD)]
    code, stdout, stderr = quiz_open(ai_env(fake_ai.url, db))
    assert code == 0, stderr
    feedback = stdout.index("AI suggests Good (3). Solid.")
    assert feedback < stdout.index("Rate yourself 1-4") < stdout.index("Rated Good (3)")
    assert '[x] keys and values of past tokens ("keys and values of past tokens")' in stdout
    assert "Missing: It is kept per layer and per head." in stdout
    assert "proposed 3)" in stdout
    sent = fake_ai.texts()[0]
    assert ANSWER in sent and "avoids recomputing the prefix" in sent and "What does the KV cache store" in sent
    conn = sqlite3.connect(db)
    ((review_id, rating),) = conn.execute("SELECT id, rating FROM reviews").fetchall()
    assert rating == 3
    stored = conn.execute("SELECT review_id, model, rating, grade FROM ai_feedback").fetchall()
    assert [(r, m, g) for r, m, g, _ in stored] == [(review_id, "fake-model", 3)]
    assert json.loads(stored[0][3])["feedback"] == GOOD["feedback"]
    conn.close()
    assert GOOD_KEY not in stdout + stderr + database_text(db)


def test_every_failure_is_one_line_and_the_answer_is_saved(fake_ai: FakeOpenAI, tmp_path: Path) -> None:
    fake_ai.key = "sk-the-right-one"  # refuses GOOD_KEY, and echoes it in its error as OpenAI does
    for n, (env, problem) in enumerate([
            (ai_env(fake_ai.url, tmp_path / "a.db"), f"the server at {fake_ai.url} refused the API key (HTTP 401)"),
            (ai_env(closed_port_url(), tmp_path / "b.db"), "connection refused at http://127.0.0.1:")]):
        code, stdout, stderr = quiz_open(env)
        assert code == 0, stderr
        (line,) = [x for x in stdout.splitlines() if x.startswith("AI grading unavailable: ")]
        assert problem in line, (n, line)
        assert "Rated Good (3)" in stdout and "Traceback" not in stdout + stderr
        conn = sqlite3.connect(env["QUIZZER_DB"])
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone() == (1,)
        assert conn.execute("SELECT COUNT(*) FROM ai_feedback").fetchone() == (0,)
        conn.close()
        assert GOOD_KEY not in stdout + stderr + database_text(Path(env["QUIZZER_DB"]))


def test_an_unreadable_grading_is_shown_as_text_and_the_offline_rating_proposed(fake_ai: FakeOpenAI,
                                                                               tmp_path: Path) -> None:
    fake_ai.replies = ["I think this deserves a 4!"]
    code, stdout, _ = quiz_open(ai_env(fake_ai.url, tmp_path / "p.db"), stdin=f"{ANSWER}\n\n2\n")
    assert code == 0
    assert "The AI's reply is not a grading quizzer can read; the offline marks stand. It said:\n" \
           "I think this deserves a 4!" in stdout
    assert "Type 1, 2, 3 or 4." in stdout and "Rated Hard (2)" in stdout  # the input contract is unchanged
    conn = sqlite3.connect(tmp_path / "p.db")
    assert conn.execute("SELECT rating, grade, reply FROM ai_feedback").fetchall() == \
        [(None, None, "I think this deserves a 4!")]
    conn.close()


def test_without_ai_nothing_is_sent(fake_ai: FakeOpenAI, tmp_path: Path) -> None:
    env = ai_env(fake_ai.url, tmp_path / "p.db")
    out = run("--banks", str(TEST_BANKS), "quiz", "--plain", "--type", "open", "--count", "1", env=env,
              stdin=f"{ANSWER}\n3\n")
    assert out.returncode == 0 and "AI" not in out.stdout
    assert fake_ai.requests == []
