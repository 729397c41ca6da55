"""The command line, run as a user runs it: in a subprocess."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

from .conftest import DATA, TEST_BANKS


def run(*args: str, cwd: Path | None = None, env: dict[str, str] | None = None,
        stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {**os.environ, **(env or {})}
    return subprocess.run([sys.executable, "-m", "quizzer", *args], capture_output=True, text=True,
                          cwd=cwd, env=full_env, input=stdin, timeout=120)


def test_version() -> None:
    out = run("--version")
    assert out.returncode == 0
    assert out.stdout.startswith("quizzer ")


def test_version_imports_neither_textual_nor_fsrs() -> None:
    code = ("import sys; from quizzer.cli import main\n"
            "try:\n    main(['--version'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('textual', 'fsrs', 'sqlite_utils', 'sqlite3', 'quizzer.model')"
            " if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("[]"), out.stdout


def test_validate_imports_neither_textual_nor_fsrs() -> None:
    code = ("import sys; from quizzer.cli import main\n"
            f"try:\n    main(['--banks', {str(TEST_BANKS)!r}, 'validate'])\nexcept SystemExit:\n    pass\n"
            "print(sorted(m for m in ('textual', 'fsrs') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert out.stdout.strip().endswith("[]"), out.stdout + out.stderr


def test_validate_shipped_banks_from_another_directory(tmp_path: Path) -> None:
    out = run("validate", cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    assert re.fullmatch(r"\d+ questions in \d+ banks?: ok", out.stdout.strip())


def test_validate_reports_problems_and_exits_1() -> None:
    bad = DATA / "bad" / "unknown-key.yaml"
    out = run("validate", str(bad))
    assert out.returncode == 1
    assert f"{bad}:12:5: unknown key 'promt'" in out.stderr
    assert "Traceback" not in out.stderr


def test_validate_missing_file() -> None:
    out = run("validate", "/no/such/bank.yaml")
    assert out.returncode == 1
    assert "/no/such/bank.yaml: no such file" in out.stderr


def test_banks_option_and_env() -> None:
    out = run("--banks", str(TEST_BANKS), "validate")
    assert out.returncode == 0 and out.stdout.strip() == "6 questions in 2 banks: ok"
    out = run("validate", env={"QUIZZER_BANKS": str(TEST_BANKS)})
    assert out.stdout.strip() == "6 questions in 2 banks: ok"


def test_commands_refuse_invalid_banks(tmp_path: Path) -> None:
    (tmp_path / "base.yaml").write_text("category: base\ntitle: T\nquestions: []\n", encoding="utf-8")
    out = run("--banks", str(tmp_path), "list")
    assert out.returncode == 1
    assert "questions must be a non-empty list" in out.stderr
    assert "quizzer validate" in out.stderr


def test_list_and_filters() -> None:
    out = run("--banks", str(TEST_BANKS), "list", "--category", "base", "--type", "numeric")
    assert out.returncode == 0
    assert out.stdout.split()[:3] == ["base/fp16-weights-7b", "numeric", "L2"]
    out = run("--banks", str(TEST_BANKS), "list", "--json", "--tag", "kv-cache")
    rows = json.loads(out.stdout)
    assert [r["id"] for r in rows] == ["base/paged-attention-name", "inference/kv-cache-purpose"]
    out = run("--banks", str(TEST_BANKS), "list", "--level", "2", "--json")
    assert {r["level"] for r in json.loads(out.stdout)} == {2}


def test_list_unknown_category_is_a_usage_error() -> None:
    out = run("--banks", str(TEST_BANKS), "list", "--category", "nope")
    assert out.returncode == 2
    assert "unknown category 'nope'" in out.stderr


def test_show() -> None:
    out = run("--banks", str(TEST_BANKS), "show", "inference/decode-bound")
    assert out.returncode == 0
    assert "A) Memory bandwidth" in out.stdout
    assert "Answer: Memory bandwidth" in out.stdout
    assert "https://www.zhihu.com/question/653658936/answer/3569365986" in out.stdout


def test_show_unknown_id_suggests() -> None:
    out = run("--banks", str(TEST_BANKS), "show", "inference/decode-bond")
    assert out.returncode == 1
    assert "did you mean 'inference/decode-bound'" in out.stderr


def test_export_markdown_writes_nine_files_for_shipped_banks(tmp_path: Path) -> None:
    out = run("export", "markdown", "--out", str(tmp_path / "md"), cwd=tmp_path)
    assert out.returncode == 0, out.stderr
    names = sorted(p.name for p in (tmp_path / "md").iterdir() if not p.name.startswith("."))
    assert len(names) == 9 and "README.md" in names


def test_export_into_a_file_path_fails_cleanly(tmp_path: Path) -> None:
    blocker = tmp_path / "file"
    blocker.write_text("x")
    out = run("--banks", str(TEST_BANKS), "export", "markdown", "--out", str(blocker / "sub"))
    assert out.returncode == 1
    assert "cannot write" in out.stderr and "Traceback" not in out.stderr


def test_unknown_command_is_a_usage_error() -> None:
    out = run("frobnicate")
    assert out.returncode == 2


def test_seed_fixes_the_order_of_questions_and_choices_and_list_shows_it(tmp_path: Path) -> None:
    env = {"QUIZZER_DB": str(tmp_path / "q.db")}
    listed = run("quiz", "--count", "5", "--seed", "11", "--list", env=env)
    assert listed.returncode == 0 and len(listed.stdout.split()) == 5
    assert run("quiz", "--count", "5", "--seed", "11", "--list", env=env).stdout == listed.stdout
    assert json.loads(run("stats", "--json", env=env).stdout)["totals"]["reviews"] == 0  # --list records nothing
    first = run("quiz", "--plain", "--count", "1", "--type", "mcq", "--seed", "5", stdin="",
                env={"QUIZZER_DB": str(tmp_path / "a.db")})
    second = run("quiz", "--plain", "--count", "1", "--type", "mcq", "--seed", "5", stdin="",
                 env={"QUIZZER_DB": str(tmp_path / "b.db")})
    assert first.stdout == second.stdout and "A) " in first.stdout


def test_list_flagged_and_suspended(tmp_path: Path) -> None:
    env = {"QUIZZER_DB": str(tmp_path / "q.db")}
    b = ("--banks", str(TEST_BANKS))
    assert run(*b, "suspend", "base/bf16-exponent", env=env).returncode == 0
    assert run(*b, "list", "--suspended", env=env).stdout.split()[0] == "base/bf16-exponent"
    assert run(*b, "list", "--flagged", env=env).stdout == ""


def test_grade_one_answer_without_recording(tmp_path: Path) -> None:
    env = {"QUIZZER_DB": str(tmp_path / "q.db")}
    b = ("--banks", str(TEST_BANKS))
    out = run(*b, "grade", "inference/kv-cache-purpose", "--json",
              "--answer", "keys and values of past tokens, per layer and per head, so the prefix is not recomputed",
              env=env)
    data = json.loads(out.stdout)
    assert data["id"] == "inference/kv-cache-purpose" and data["type"] == "open"
    assert data["key_points"][0]["covered"] is True and data["rating"] in (1, 2, 3, 4)
    short = json.loads(run(*b, "grade", "base/paged-attention-name", "--json", stdin="paged atention", env=env).stdout)
    assert (short["verdict"], short["rating"]) == ("typo", 2)
    assert not (tmp_path / "q.db").exists()  # nothing recorded, no database made


def test_plain_mode_marks_an_open_answer_and_says_when_it_only_lists_terms(tmp_path: Path) -> None:
    env = {"QUIZZER_DB": str(tmp_path / "q.db")}
    b = ("--banks", str(TEST_BANKS), "quiz", "--plain", "--type", "open", "--count", "1")
    good = run(*b, stdin="It stores the keys and values of past tokens for every layer and head, so the prefix is "
                         "never recomputed.\n4\n", env=env)
    assert good.returncode == 0, good.stderr
    assert "  [x] keys and values of past tokens" in good.stdout
    assert "  [x] avoids recomputing the prefix" in good.stdout
    assert "Your answer seems to cover 3 of 3 key points." in good.stdout and "proposed 4" in good.stdout
    salad = run(*b, stdin="keys, values, layers, heads, prefix\n1\n", env=env)
    assert "  [ ] keys and values of past tokens" in salad.stdout
    assert "Your answer lists terms without saying how they connect." in salad.stdout and "proposed 1" in salad.stdout


def test_grade_shows_the_key_points_in_the_language_questions_are_shown_in(tmp_path: Path) -> None:
    env = {"QUIZZER_DB": str(tmp_path / "q.db")}
    out = run("--lang", "zh", "grade", "inference/kv-cache-why-no-query-cache", "--answer",
              "因果注意力下过去的 key 和 value 不会变", env=env)
    assert out.returncode == 0, out.stderr
    assert "  [x] 在因果注意力下，过去的 key 和 value 是固定不变的" in out.stdout
