"""Attacks on quizzer through files and paths, each built from the attack itself: a progress file,
a database, an output path or a stream that could cost a user data, run code or crash quizzer."""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from quizzer.banks import check
from quizzer.errors import StoreError
from quizzer.export import export_order
from quizzer.paths import shipped_catalog
from quizzer.store import Store

from .conftest import TEST_BANKS

GID = "inference/decode-bound"
REVIEW = {"id": "r1", "gid": GID, "reviewed_at": "2026-01-01T10:00:00+00:00", "rating": 3}


def run(*args: str, db: Path | None = None, stdin: bytes | None = b"", cwd: Path | None = None,
        shell_redirect: str = "") -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"QUIZZER_DB": str(db)} if db else {})}
    if shell_redirect:  # a stream closed or pointed at a full device, as a shell would do it
        argv = " ".join(f"'{a}'" for a in (sys.executable, "-m", "quizzer", *args))
        out = subprocess.run(["bash", "-c", f"{argv} {shell_redirect}"], capture_output=True, env=env, timeout=120,
                             cwd=cwd)
    else:
        out = subprocess.run([sys.executable, "-m", "quizzer", *args], input=stdin, capture_output=True, env=env,
                             timeout=120, cwd=cwd)
    return subprocess.CompletedProcess(out.args, out.returncode, out.stdout.decode(), out.stderr.decode())


def one_clear_line(out: subprocess.CompletedProcess[str], code: int = 1) -> str:
    assert out.returncode == code, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr, out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("quizzer: "), out.stderr
    return lines[0]


def import_lines(tmp_path: Path, db: Path, *lines: str | bytes) -> subprocess.CompletedProcess[str]:
    log = tmp_path / "in.jsonl"
    log.write_bytes(b"\n".join(x.encode() if isinstance(x, str) else x for x in lines) + b"\n")
    return run("--banks", str(TEST_BANKS), "progress", "import", str(log), db=db)


def seeded_db(tmp_path: Path) -> Path:
    db = tmp_path / "q.db"
    out = import_lines(tmp_path, db, json.dumps(REVIEW), json.dumps({**REVIEW, "id": "r2",
                                                                      "reviewed_at": "2026-01-02T10:00:00+00:00"}))
    assert out.returncode == 0, out.stderr
    return db


# ---- progress files ------------------------------------------------------------------------------

BAD_LINES = [
    ({**REVIEW, "day": "not-a-day"}, "day must be the review's study day"),
    ({**REVIEW, "reviewed_at": "9999-12-31T23:59:59+00:00"}, "is not between 2000 and tomorrow"),
    ({**REVIEW, "reviewed_at": "2026-01-01T10:00:00"}, "must carry a time zone"),
    ({**REVIEW, "duration_ms": 10**30}, "duration_ms must be a whole number"),
    ({**REVIEW, "score": float("nan")}, "score must be in 0..1"),
    ({**REVIEW, "response": "x" * 10_001}, "at most 10,000 characters"),
    ({**REVIEW, "gid": "../../etc"}, "bad question id"),
    ({**REVIEW, "content_hash": "<script>"}, "bad content_hash"),
]


@pytest.mark.parametrize(("line", "message"), BAD_LINES, ids=[m for _, m in BAD_LINES])
def test_an_import_with_a_bad_field_is_refused_and_changes_nothing(tmp_path: Path, line: dict[str, object],
                                                                   message: str) -> None:
    db = seeded_db(tmp_path)
    before = db.read_bytes()
    text = json.dumps(line).replace("NaN", "NaN")
    out = import_lines(tmp_path, db, json.dumps({**REVIEW, "id": "ok"}), text)
    assert message in one_clear_line(out), out.stderr
    assert ":2:" in out.stderr  # the line is named
    assert db.read_bytes() == before


@pytest.mark.parametrize(("raw", "message"), [
    ("[" * 100_000, "nested too deeply"),
    ('{"id": "r", "n": ' + "9" * 5000 + "}", "Exceeds the limit"),
    ('{"id": "' + "x" * 300_000 + '"}', "longer than 256 KiB"),
    (b"\xff\xfe", "not UTF-8"),
], ids=["deep-nesting", "huge-number", "huge-line", "not-utf8"])
def test_malformed_import_lines_end_in_one_line(tmp_path: Path, raw: str | bytes, message: str) -> None:
    out = import_lines(tmp_path, tmp_path / "q.db", raw)
    assert message in one_clear_line(out)


def test_an_import_counts_what_it_added_and_accepts_a_bom(tmp_path: Path) -> None:
    db = tmp_path / "q.db"
    line = json.dumps(REVIEW)
    out = import_lines(tmp_path, db, b"\xef\xbb\xbf" + line.encode(), line, line)
    assert out.returncode == 0, out.stderr
    assert "imported 1 new review (2 already here)" in out.stderr


def test_a_damaged_row_in_the_database_is_skipped_reported_and_repaired(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    with sqlite3.connect(db) as conn:
        conn.execute("UPDATE reviews SET day = 'not-a-day' WHERE id = 'r1'")
        conn.execute("UPDATE reviews SET reviewed_at = 'garbage' WHERE id = 'r2'")
        conn.execute("UPDATE cards SET due = 'xyz', state = 99")
        conn.execute("INSERT INTO settings VALUES ('desired_retention', '{not json')")
        conn.execute("INSERT INTO settings VALUES ('learning_steps_s', '[1e20]')")
    b = ("--banks", str(TEST_BANKS))
    for command in (("stats",), ("stats", "--json"), ("due",), ("progress", "export", "-")):
        out = run(*b, *command, db=db)
        assert out.returncode == 0 and "Traceback" not in out.stderr, (command, out.stderr)
    assert "skipped 2 damaged row(s)" in run(*b, "progress", "export", "-", db=db).stderr
    assert "setting desired_retention" in run(*b, "due", db=db).stderr
    out = run(*b, "quiz", "--plain", "--count", "1", db=db, stdin=b"A\n")
    assert out.returncode == 0 and "Traceback" not in out.stderr, out.stderr
    found = run(*b, "doctor", db=db)
    assert found.returncode == 1 and "2 damaged reviews: r1, r2" in found.stdout
    fixed = run(*b, "doctor", "--repair", db=db)
    assert fixed.returncode == 0, fixed.stderr
    assert list(tmp_path.glob("q.db.before-doctor-*"))
    again = run(*b, "doctor", db=db)
    assert again.returncode == 0 and "no damaged rows" in again.stdout
    clean = run(*b, "due", db=db)
    assert "doctor" not in clean.stderr


def test_a_read_only_database_is_refused_before_anything_is_asked(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    store = Store.open(db)
    store.conn.close()
    store.conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True, isolation_level=None)
    with pytest.raises(StoreError, match="cannot be written"):
        store.check_writable()
    store.conn.close()


# ---- output paths --------------------------------------------------------------------------------

@pytest.mark.parametrize("target", ["q.db", "q.db-wal", "link-to-db"])
def test_progress_export_never_writes_over_the_database(tmp_path: Path, target: str) -> None:
    db = seeded_db(tmp_path)
    (tmp_path / "link-to-db").symlink_to(db)
    before = db.read_bytes()
    out = run("--db", str(db), "progress", "export", str(tmp_path / target))
    assert "is the progress database" in one_clear_line(out)
    assert db.read_bytes() == before


def test_progress_export_replaces_a_file_only_when_complete(tmp_path: Path) -> None:
    db = seeded_db(tmp_path)
    target = tmp_path / "out.jsonl"
    target.write_text("old\n")
    assert run("progress", "export", str(target), db=db).returncode == 0
    assert [json.loads(x)["id"] for x in target.read_text().splitlines()] == ["r1", "r2"]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".out.jsonl")]  # no temp file left


def export_md(out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return run("--banks", str(TEST_BANKS), "export", "markdown", "--out", str(out), *extra)


def test_markdown_export_refuses_a_folder_of_the_users_files(tmp_path: Path) -> None:
    out = tmp_path / "site"
    out.mkdir()
    (out / "README.md").write_text("my notes")
    assert "quizzer did not write" in one_clear_line(export_md(out))
    assert (out / "README.md").read_text() == "my notes"
    assert export_md(out, "--force").returncode == 0
    assert "quizzer question banks" in (out / "README.md").read_text()


def test_markdown_export_replaces_links_in_its_folder_and_never_writes_through_them(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert export_md(out).returncode == 0
    outside = tmp_path / "outside.txt"
    outside.write_text("precious")
    (out / "inference.md").unlink()
    (out / "inference.md").symlink_to(outside)
    (out / "base.md").unlink()
    (out / "base.md").symlink_to(tmp_path / "created-through-dangling-link")
    assert export_md(out).returncode == 0
    assert outside.read_text() == "precious"
    assert not (tmp_path / "created-through-dangling-link").exists()
    assert not (out / "inference.md").is_symlink() and "decode" in (out / "inference.md").read_text()


def test_markdown_export_writes_nothing_when_one_target_is_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "site"
    assert export_md(out).returncode == 0
    before = (out / "README.md").read_text()
    (out / "base.md").unlink()
    (out / "base.md").mkdir()
    (out / "README.md").write_text(before + "edited")
    # README.md is now a file quizzer wrote and the user edited: the export still owns it, but the
    # folder in the way stops everything before a byte is written.
    assert f"{out / 'base.md'}: it is a folder" in one_clear_line(export_md(out))
    assert (out / "README.md").read_text() == before + "edited"


def test_markdown_export_needs_a_folder_name(tmp_path: Path) -> None:
    out = run("--banks", str(TEST_BANKS), "export", "markdown", "--out", "", cwd=tmp_path)
    assert out.returncode == 2 and "must name a folder" in out.stderr
    assert list(tmp_path.iterdir()) == []


def test_exported_choices_do_not_give_the_key_away() -> None:
    library = check([Path(__file__).parent.parent / "banks"], shipped_catalog()).library
    assert library is not None
    mcq = [q for q in library if q.type == "mcq"]
    first = sum(export_order(q)[0] == q.answer for q in mcq)
    assert first < 0.45 * len(mcq)
    assert all(export_order(q) == export_order(q) for q in mcq[:20])  # stable across exports


# ---- streams and bank folders --------------------------------------------------------------------

@pytest.mark.parametrize(("args", "redirect"), [
    (("list",), ">/dev/full"),
    (("list",), ">&-"),
    (("quiz", "--plain", "--count", "1"), "</dev/null >/dev/full"),
    (("progress", "export", "/dev/full"), ""),
])
def test_a_full_disk_or_closed_stream_ends_in_one_line(tmp_path: Path, args: tuple[str, ...], redirect: str) -> None:
    db = seeded_db(tmp_path)
    out = run("--banks", str(TEST_BANKS), *args, db=db, shell_redirect=redirect or ">/dev/null")
    one_clear_line(out)


def test_quiz_with_stdin_closed_ends_cleanly(tmp_path: Path) -> None:
    out = run("--banks", str(TEST_BANKS), "quiz", "--plain", db=tmp_path / "q.db", shell_redirect="<&-")
    assert out.returncode == 0 and "Traceback" not in out.stderr


def test_a_symlink_loop_in_a_bank_folder_is_one_clear_line(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(TEST_BANKS, banks)
    (banks / "a.yaml").symlink_to(banks / "b.yaml")
    (banks / "b.yaml").symlink_to(banks / "a.yaml")
    out = run("--banks", str(banks), "list", db=tmp_path / "q.db")
    assert out.returncode == 1 and "Traceback" not in out.stderr
    assert "Too many levels of symbolic links" in out.stderr


@pytest.mark.parametrize(("args", "message"), [
    (("quiz", "--tag", "kv-cach"), "did you mean 'kv-cache'"),
    (("list", "--tag", "nope"), "unknown tag 'nope'"),
    (("reset", "--category", "nope", "--yes"), "unknown category 'nope'"),
])
def test_unknown_tags_and_categories_are_usage_errors(tmp_path: Path, args: tuple[str, ...], message: str) -> None:
    out = run("--banks", str(TEST_BANKS), *args, db=tmp_path / "q.db")
    assert out.returncode == 2 and message in out.stderr


def test_a_bank_folder_may_not_redefine_a_shipped_article(tmp_path: Path) -> None:
    banks = tmp_path / "banks"
    shutil.copytree(TEST_BANKS, banks)
    (banks / "articles.yaml").write_text(
        "articles:\n  - id: kv-cache\n    title: Evil\n    url: https://evil.example/\n    category: inference\n")
    result = check([banks], shipped_catalog())
    assert result.library is None
    assert any("article id 'kv-cache' is already defined" in p.message for p in result.problems)


def test_oversized_banks_and_fields_are_refused_cheaply(tmp_path: Path) -> None:
    big = tmp_path / "big.yaml"
    big.write_bytes(b"category: base\ntitle: t\nquestions:\n" + b"# padding\n" * 900_000)
    assert "larger than 8 MiB" in str(check([big], shipped_catalog()).problems[0])
    long = tmp_path / "long.yaml"
    long.write_text("category: base\ntitle: t\nquestions:\n  - id: q\n    type: truefalse\n    level: 1\n"
                    f"    prompt: {'x' * 20_001}\n    answer: true\n    explanation: e\n    refs: [kv-cache]\n")
    assert "longer than 20,000 characters" in str(check([long], shipped_catalog()).problems[0])
