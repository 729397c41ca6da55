"""quizzer plan, leeches and quiz --cram from the command line (CliRunner, the test banks, a config file
per test)."""

from __future__ import annotations

import json
import tomllib
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner, Result

from quizzer.cli import cli
from quizzer.store import Store
from quizzer.studyday import study_day, utc_now

from .conftest import TEST_BANKS


def invoke(*args: str, stdin: str = "") -> Result:
    return CliRunner().invoke(cli, ["--banks", str(TEST_BANKS), *args], input=stdin)


def later(days: int) -> str:
    return (study_day(utc_now()) + timedelta(days=days)).isoformat()


def test_plan_sets_the_date_and_minutes_in_the_config_and_shows_the_plan(tmp_path: Path) -> None:
    out = invoke("plan", "--interview", later(5), "--minutes", "20")
    assert out.exit_code == 0, out.output
    assert f"interview {later(5)} (in 5 days); every category; 20 min a day" in out.output
    assert "readiness: 0% of 6 questions" in out.output
    assert "every question is seen by" in out.output
    saved = tomllib.loads((tmp_path / "config.toml").read_text())["study"]
    assert saved == {"interview_date": later(5), "minutes_per_day": 20}
    data = json.loads(invoke("plan", "--json").output)
    assert data["interview"] == later(5) and data["days_left"] == 5
    assert [d["date"] for d in data["daily"]] == [later(i) for i in range(5)]
    assert sum(d["new"] for d in data["daily"]) == 6
    assert set(data["readiness"]["categories"]) == {"base", "inference"}


def test_plan_for_some_categories_and_clear(tmp_path: Path) -> None:
    assert invoke("plan", "--interview", later(3), "--category", "base").exit_code == 0
    data = json.loads(invoke("plan", "--json").output)
    assert data["categories"] == ["base"] and list(data["readiness"]["categories"]) == ["base"]
    cleared = invoke("plan", "--clear")
    assert cleared.exit_code == 0 and "interview date removed" in cleared.output
    none = invoke("plan")
    assert none.exit_code == 1 and "no interview date set" in none.output


@pytest.mark.parametrize(("value", "message"), [("2026-13-01", "is not a date"), ("12/20", "is not a date"),
                                                ("2000-01-01", "is not after today")])
def test_plan_refuses_a_bad_date(tmp_path: Path, value: str, message: str) -> None:
    out = invoke("plan", "--interview", value)
    assert out.exit_code == 2 and message in out.output
    assert not (tmp_path / "config.toml").exists()


def test_the_review_follows_the_plan(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text(f'[study]\nnew_per_day = 1\ninterview_date = "{later(2)}"\n')
    # Two days left: every unseen question today (the last day before the interview is for review).
    assert len(invoke("review", "--list").output.split()) == 6
    (tmp_path / "config.toml").write_text("[study]\nnew_per_day = 1\n")
    assert len(invoke("review", "--list").output.split()) == 1


def test_cram_lists_only_questions_answered_and_not_due(tmp_path: Path) -> None:
    assert invoke("quiz", "--cram", "--list").output == ""
    answered = invoke("quiz", "--plain", "--count", "1", "--type", "truefalse", stdin="true\n")
    assert answered.exit_code == 0, answered.output
    # Known at once (rated Easy): scheduled days ahead, so not due, and crammable.
    assert invoke("quiz", "--cram", "--list").output.split() == ["base/bf16-exponent"]
    assert "base/bf16-exponent" not in invoke("quiz", "--due-only", "--list").output
    assert invoke("quiz", "--cram", "--due-only").exit_code == 2


def test_leeches_none_then_listed(tmp_path: Path) -> None:
    out = invoke("leeches")
    assert out.exit_code == 0 and "no leeches" in out.output
    (tmp_path / "config.toml").write_text("[study]\nleech_threshold = 2\n")
    assert json.loads(invoke("leeches", "--json").output) == []


def test_plain_review_asks_how_sure_when_set(tmp_path: Path) -> None:
    (tmp_path / "config.toml").write_text("[study]\nconfidence_in_reviews = true\n")
    out = invoke("quiz", "--plain", "--count", "1", "--type", "truefalse", stdin="true\n5\n3\n")
    assert out.exit_code == 0, out.output
    assert "How sure are you? 1 guess, 2 unsure, 3 sure:" in out.output and "Type 1, 2 or 3." in out.output
    store = Store.open(tmp_path / "progress.db")
    assert [r.confidence for r in store.iter_reviews()] == [3]
    store.close()
    stats = json.loads(invoke("stats", "--json").output)
    assert stats["calibration"]["total"]["by_confidence"]["sure"] == {"answers": 1, "right": 1, "rate": 1.0}
    assert stats["confidently_wrong"] == []
    assert "calibration" in invoke("stats").output
