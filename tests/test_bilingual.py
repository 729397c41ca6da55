"""Studying in Chinese: --lang picks the language of questions in plain mode and exports; an answer in
either language is graded alike; the config file and QUIZZER_LANG choose the default."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from quizzer.config import load

from .conftest import DATA

ZH_BANKS = DATA / "zh-banks"


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quizzer", "--banks", str(ZH_BANKS), *args], input=stdin,
                          capture_output=True, text=True, env={**os.environ, **(env or {})}, timeout=120)


def test_plain_mode_in_chinese(tmp_path: Path) -> None:
    out = run("--lang", "zh", "quiz", "--plain", "--type", "mcq", "--count", "1", "--seed", "1", stdin="A\n",
              env={"QUIZZER_DB": str(tmp_path / "q.db")})
    assert out.returncode == 0, out.stderr
    assert "批大小为 1 时" in out.stdout and "显存带宽" in out.stdout and "Memory bandwidth" not in out.stdout


def test_a_chinese_short_answer_to_a_question_shown_in_english_is_correct(tmp_path: Path) -> None:
    out = run("--lang", "en", "quiz", "--plain", "--type", "short", "--count", "1", stdin="键值缓存\n",
              env={"QUIZZER_DB": str(tmp_path / "q.db")})
    assert "What is the cache of past keys" in out.stdout and "Correct." in out.stdout


def test_the_language_comes_from_the_config_file_or_the_environment(tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text('[ui]\nlanguage = "zh"\n')
    assert load(path, {}).language == "zh"
    assert load(tmp_path / "none.toml", {"QUIZZER_LANG": "zh"}).language == "zh"
    out = run("quiz", "--plain", "--type", "mcq", "--count", "1", stdin="A\n",
              env={"QUIZZER_DB": str(tmp_path / "q.db"), "QUIZZER_CONFIG": str(path)})
    assert "批大小为 1 时" in out.stdout


def test_export_in_both_languages_keeps_the_letters(tmp_path: Path) -> None:
    out = run("export", "markdown", "--out", str(tmp_path / "md"), "--lang", "both")
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "md" / "inference.md").read_text()
    english, chinese = page.split("**中文**", 1)
    letter = next(line.split(".")[0][-1] for line in english.splitlines() if "Memory bandwidth" in line)
    assert f"- {letter}. 显存带宽" in chinese


def test_a_bank_title_in_chinese_is_used_where_chinese_is_shown(tmp_path: Path) -> None:
    from quizzer.banks import check
    from quizzer.paths import shipped_catalog

    library = check([ZH_BANKS], shipped_catalog()).library
    assert library is not None
    assert library.title_of("inference") == "Bilingual test bank"
    assert library.title_of("inference", "zh") == "双语测试题库"
    assert library.title_of("base", "zh") == "base"  # no bank: the category's id, never blank
    out = run("export", "markdown", "--out", str(tmp_path / "md"), "--lang", "zh")
    assert out.returncode == 0, out.stderr
    page = (tmp_path / "md" / "inference.md").read_text()
    assert page.startswith("# 双语测试题库")
    assert "**答案：**" in page and "**Answer:**" not in page  # the export's own words follow its language
    assert (tmp_path / "md" / "README.md").read_text().startswith("# quizzer 题库")
