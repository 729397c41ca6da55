"""Parametrised numeric questions: hostile formulas refused at FILE:LINE:COL, the checks of params and
placeholders, answers formatted within tolerance, and a session that draws, shows, grades and stores
the same numbers in both languages."""

from __future__ import annotations

import dataclasses
import io
import json
import os
import random
import sqlite3
import subprocess
import sys
from datetime import UTC
from pathlib import Path

import pytest

from quizzer.banks import check
from quizzer.formula import FormulaError, compile_formula
from quizzer.grading import grade
from quizzer.model import Library, Question
from quizzer.numbers import answer_number, parse_number
from quizzer.params import combinations, draw, example, fill, with_values
from quizzer.paths import shipped_catalog
from quizzer.plain import PlainSession
from quizzer.records import ReviewRow
from quizzer.render import question_text
from quizzer.scheduler import Scheduler
from quizzer.session import Session
from quizzer.store import Store
from quizzer.sync import review_from_json
from quizzer.translation import translated

from .conftest import DATA, T0, Clock

PARAM_BANKS = DATA / "param-banks"
KV = "inference/kv-cache-per-request"
FORMULA_LINE = 9  # the line of `formula:` in the bank that `bank_with` writes
FORMULA_COL = len("    formula: '") + 1  # the first character of the quoted formula


def bank_with(tmp_path: Path, formula: str, params: str = "{x: [2, 3]}", prompt: str = "What is {x}?",
              extra: str = "") -> Path:
    path = tmp_path / "inference.yaml"
    quoted = formula.replace("'", "''")
    path.write_text(f"""category: inference
title: T
questions:
  - id: q
    type: numeric
    level: 1
    unit: GiB
    params: {params}
    formula: '{quoted}'
    prompt: "{prompt}"
    explanation: "The answer is {{answer}}."
    refs: [kv-cache]
{extra}""", encoding="utf-8")
    return path


def problems_of(path: Path) -> list[str]:
    result = check([path], shipped_catalog())
    assert result.library is None
    return [str(p) for p in result.problems]


# (formula, what the message says, the column offset in the formula it points at)
HOSTILE: list[tuple[str, str, int]] = [
    ('__import__("os").system("ls")', "calling anything but a listed function is not allowed", 0),
    ('__import__("os")', "calling '__import__' is not allowed", 0),
    ('open("/etc/passwd")', "calling 'open' is not allowed", 0),
    ("x + eval('1')", "calling 'eval' is not allowed", 4),
    ("x.__class__", "an attribute (a.b) is not allowed", 0),
    ("x.__class__.__bases__[0].__subclasses__()", "calling anything but a listed function", 0),
    ("x + (1, 2)[0]", "a subscript (a[b]) is not allowed", 4),
    ("(lambda: x)()", "calling anything but a listed function", 0),
    ("x * (lambda: 1)", "a lambda is not allowed", 5),
    ("sum([x for x in (1, 2)])", "calling 'sum' is not allowed", 0),
    ("x + [y for y in (1, 2)]", "a comprehension is not allowed", 4),
    ("x + 'abc'", "a string is not allowed in a formula", 4),
    ('x + f"{x}"', "a string is not allowed", 4),
    ("min(x, 2, key=abs)", "min() takes no keyword arguments", 0),
    ("max(*(x, 2))", "a *star is not allowed", 0),
    ("min(x)", "min() takes 2 to 8 argument(s), not 1", 0),
    ("sqrt(x, 2)", "sqrt() takes 1 argument(s), not 2", 0),
    ("x + y", "unknown name 'y'", 4),
    ("x + __builtins__", "unknown name '__builtins__'", 4),
    ("log * x", "'log' is a function: call it", 0),
    ("x if x else 1", "a conditional", 0),
    ("x < 3", "a comparison is not allowed", 0),
    ("x and 1", "and/or is not allowed", 0),
    ("(y := 3) + x", "an assignment (:=) is not allowed", 1),
    ("x @ x", "the operator MatMult is not allowed", 0),
    ("~x + 5", "only + and - may stand before a value", 0),
    ("x; 1", "not a formula", 1),
    ("import os", "not a formula", 0),
    ("x +", "not a formula", 3),
    ("9" * 40 + " * x", "a number larger than 1e+30 is not allowed", 0),
    ("1e400 * x", "a number larger than 1e+30 is not allowed", 0),
    ("x ** 100", "the exponent 100 is larger than 64", 0),
    ("x ** 2 ** 2 ** 2 ** 2", "the exponent 65536 is larger than 64", 0),
    ("x * 10 ** 60 * 10 ** 60", "goes beyond", 0),
    ("exp(x * 1000)", "exp(2000) has no value", 0),
    ("x / (x - x)", "division by zero", 0),
    ("x % (x - x)", "division by zero", 0),
    ("sqrt(-x)", "sqrt(-2) has no value", 0),
    ("log(x - 2) + 1", "log(0) has no value", 0),
    ("(-x) ** 0.5", "has no finite real value", 0),
    ("round(x, 99)", "round(2, 99) has no value", 0),
    ("x - 2", "formula gives 0 with x=2: answers must be positive", 0),
    ("-x", "formula gives -2 with x=2", 0),
    ("x + " * 70 + "x", "the formula has more than 120 parts", 0),
    ("x" + " + 1" * 80, "longer than 300 characters", 0),
    ("-" * 200 + "x", "the formula has more than 120 parts", 0),
    ("1j * x", "1j is not allowed in a formula", 0),
    ("None", "None is not allowed in a formula", 0),
    ("True + x", "True is not allowed in a formula", 0),
]


@pytest.mark.parametrize(("formula", "message", "offset"), HOSTILE, ids=[h[0][:40] for h in HOSTILE])
def test_a_hostile_formula_is_refused_at_its_position(tmp_path: Path, formula: str, message: str,
                                                      offset: int) -> None:
    path = bank_with(tmp_path, formula)
    found = problems_of(path)
    assert len(found) == 1, found
    assert message in found[0]
    where = f"{path}:{FORMULA_LINE}:{FORMULA_COL + offset}:"
    assert found[0].startswith(where), found[0]


def test_no_formula_ever_runs_code(tmp_path: Path) -> None:
    target = tmp_path / "pwned"
    for formula in (f"__import__('pathlib').Path('{target}').touch()", f"open('{target}', 'w')",
                    "x.__class__.__base__.__subclasses__()"):
        problems_of(bank_with(tmp_path, formula))
        with pytest.raises(FormulaError):
            compile_formula(formula, frozenset({"x"}))
    assert not target.exists()


# (what the bank does wrong, as YAML pieces, and what the message says)
BAD_SPECS: list[tuple[dict[str, str], str]] = [
    ({"prompt": "What is it?"}, "prompt does not show param 'x': add {x}"),
    ({"prompt": "What is {x}, {answer}?"}, "prompt must not give away {answer}"),
    ({"prompt": "What is {x} and {y}?"}, "prompt has a placeholder {y} that is not a param"),
    ({"prompt": "What is {x:bold}?"}, "prompt: {x:bold} has an unknown format (only {x:plain})"),
    ({"params": "{x: [2, 3], y: [1]}"}, "param 'y' is not used by the formula"),
    ({"params": "{answer: [2, 3]}"}, "param name 'answer' must be a lowercase identifier"),
    ({"params": "{Layers: [2, 3]}"}, "param name 'Layers' must be a lowercase identifier"),
    ({"params": "{min: [2, 3]}"}, "not 'answer' or a function's name"),
    ({"params": "{x: [2, two]}"}, "param 'x': 'two' is not a number"),
    ({"params": "{x: [2, true]}"}, "param 'x': True is not a number"),
    ({"params": "{x: [2, 2]}"}, "param 'x' lists a value twice"),
    ({"params": "{x: []}"}, "param 'x' needs a list of 1 to 50 numbers"),
    ({"params": "{x: 2}"}, "param 'x' needs a list"),
    ({"params": "[2, 3]"}, "params must map each name to a list of values"),
    ({"extra": "    answer: 4\n"}, "computes its answer from 'formula': remove 'answer'"),
    ({"extra": "    zh:\n      prompt: 没有占位符\n      explanation: 答案 {answer}\n"},
     "zh prompt does not show param 'x'"),
    ({"extra": "    zh:\n      prompt: '{x} {z}'\n      explanation: 答案\n"}, "zh prompt has a placeholder {z}"),
]


@pytest.mark.parametrize(("change", "message"), BAD_SPECS, ids=[m for _, m in BAD_SPECS])
def test_bad_params_and_placeholders_are_refused(tmp_path: Path, change: dict[str, str], message: str) -> None:
    found = problems_of(bank_with(tmp_path, "x * 2", **change))
    assert any(message in p for p in found), found
    assert all(":" in p.split(" ")[0] for p in found)  # each with a position


def test_a_formula_without_params_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "inference.yaml"
    path.write_text("category: inference\ntitle: T\nquestions:\n  - id: q\n    type: numeric\n    level: 1\n"
                    "    formula: 2 * 3\n    prompt: p\n    explanation: e\n    refs: [kv-cache]\n")
    assert any("also needs 'params'" in p for p in problems_of(path))


def test_params_belong_to_numeric_questions_only(tmp_path: Path) -> None:
    path = tmp_path / "inference.yaml"
    path.write_text("category: inference\ntitle: T\nquestions:\n  - id: q\n    type: short\n    level: 1\n"
                    "    params: {x: [1]}\n    prompt: p\n    answer: a\n    explanation: e\n    refs: [kv-cache]\n")
    assert any("key 'params' does not belong to a 'short' question" in p for p in problems_of(path))


def test_very_many_combinations_are_checked_on_a_bounded_sample(tmp_path: Path) -> None:
    values = "[" + ", ".join(str(v) for v in range(1, 51)) + "]"
    params = "{" + ", ".join(f"{n}: {values}" for n in "abcd") + "}"  # 50^4 = 6,250,000 combinations
    prompt = "{a} {b} {c} {d}"
    ok = bank_with(tmp_path, "a * b * c * d", params=params, prompt=prompt)
    assert check([ok], shipped_catalog()).library is not None
    # A failure hidden at one param's last value is still found: each value of each param is tried.
    bad = bank_with(tmp_path, "a * b * c / (50 - d)", params=params, prompt=prompt)
    assert any("division by zero" in p for p in problems_of(bad))


# ---- numbers and text ---------------------------------------------------------------------------

@pytest.mark.parametrize(("value", "tolerance", "shown"), [
    (0.5, 0.02, "0.5"), (20.8955, 0.02, "20.9"), (1234567.0, 0.02, "1,234,567"),
    (1234567.8, 0.02, "1,235,000"), (512.0, 0.02, "512"),
    (8.4e22, 0.02, "8.4 × 10^22"), (0.000123, 0.02, "1.23 × 10^-4"), (1.23456, 0.001, "1.2346"),
    (3.0e12, 0.05, "3 × 10^12"), (999.96, 0.02, "1,000"), (65536.0, 0.02, "65,536"),
])
def test_the_answer_is_written_with_few_digits_and_within_tolerance(value: float, tolerance: float,
                                                                  shown: str) -> None:
    assert answer_number(value, tolerance) == shown
    parsed = parse_number(shown)
    assert parsed is not None and abs(parsed[0] - value) <= tolerance * value / 10


def test_placeholders_fill_only_known_names() -> None:
    texts = {"a": "4,096", "a:plain": "4096"}
    assert fill("{a} {a:plain} {b} {not a name} {{a}} {} {a:bold}", texts) == \
        "4,096 4096 {b} {not a name} {4,096} {} {a:bold}"


def test_the_draw_is_seeded_and_covers_the_values(library_params: Library) -> None:
    q = library_params.get(KV)
    assert q is not None
    assert draw(q, "s1") == draw(q, "s1")
    seen = {tuple(draw(q, f"s{i}").values()) for i in range(300)}
    assert len(seen) == 3 * 2 * 1 * 3  # every combination comes up
    assert len(list(combinations(q))) == 18


@pytest.fixture
def library_params() -> Library:
    lib = check([PARAM_BANKS], shipped_catalog()).library
    assert lib is not None
    return lib


def test_a_view_fills_both_languages_and_computes_the_answer(library_params: Library) -> None:
    q = library_params.get(KV)
    assert q is not None
    asked = with_values(q, {"layers": 80, "kv_heads": 8, "head_dim": 128, "tokens": 32768})
    assert asked.answer == 10.0 and asked.answer_text() == "10 GiB"
    assert "80 layers and 8 KV heads" in asked.prompt and "32,768 tokens" in asked.prompt
    assert asked.explanation.strip().endswith("= 10 GiB.")
    zh = translated(asked, "zh")
    assert "80 层" in zh.prompt and "32,768 token" in zh.prompt and "= 10 GiB" in zh.explanation
    assert asked.content_hash() == q.content_hash()  # progress belongs to the question
    shaped = with_values(dataclasses.replace(q, prompt=q.prompt + " ({tokens:plain} by {head_dim:plain})"),
                         dict(asked.drawn))
    assert "(32768 by 128)" in shaped.prompt and "32,768 tokens" in shaped.prompt
    assert grade(asked, "10 GiB").verdict == "correct" and grade(asked, "10240 MiB").verdict == "correct"
    assert grade(asked, "0.5").verdict == "wrong"  # the example's answer is not this asking's


def test_show_prints_the_first_values_and_says_the_numbers_vary(library_params: Library) -> None:
    q = library_params.get(KV)
    assert q is not None
    text = question_text(library_params, q, answer=True)
    assert "32 layers and 8 KV heads of dimension 128" in text and "4,096 tokens" in text
    assert "The numbers vary" in text and "Answer: 0.5 GiB" in text and "{" not in text
    assert example(q).prompt in text


def test_a_question_without_params_keeps_its_braces(library_params: Library) -> None:
    q = library_params.get("inference/literal-braces")
    assert q is not None
    assert example(q) is q and with_values(q, {"layers": 1}) is q
    assert "{a, b}" in q.prompt and "{layers}" in q.prompt
    assert "{layers}" in question_text(library_params, q, answer=True)


# ---- a session: draw, show, grade, store -------------------------------------------------------

def session_for(library: Library, store: Store, clock: Clock, lang: str = "en", seed: int | None = None) -> Session:
    q = library.get(KV)
    assert q is not None
    return Session(library, store, Scheduler(enable_fuzzing=False), clock, kind="quiz", questions=[q], tz=UTC,
                   lang=lang, rng=random.Random(seed) if seed is not None else None)


def test_a_session_asks_drawn_numbers_grades_them_and_stores_them(library_params: Library, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "p.db")
    session = session_for(library_params, store, Clock())
    asked = session.next()
    assert asked is not None and asked.drawn
    values = dict(asked.drawn)
    assert f"{values['layers']} layers" in asked.prompt
    # Shown in the other language and back: the same numbers, the same answer.
    other = session.view(asked, "zh")
    assert f"{values['layers']} 层" in other.prompt and other.answer == asked.answer
    assert session.view(other, "en").prompt == asked.prompt
    right = answer_number(float(asked.answer), asked.tolerance)  # type: ignore[arg-type]
    result = grade(asked, right)
    assert result.verdict == "correct"
    session.record(asked, result, right, 1000)
    row = store.conn.execute("SELECT params, content_hash FROM reviews").fetchone()
    assert json.loads(row["params"]) == values
    assert row["content_hash"] == library_params.get(KV).content_hash()  # type: ignore[union-attr]
    assert store.card(KV) is not None  # progress is per question
    reviews = store.reviews_of(KV)
    assert reviews[0].params == values


def test_an_undone_answer_is_asked_again_with_the_same_numbers(library_params: Library, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "p.db")
    session = session_for(library_params, store, Clock())
    first = session.next()
    assert first is not None
    session.record(first, grade(first, "1"), "1", 1000)
    session.outcomes.pop()  # what an undo takes back
    session._drawn.clear()
    assert session.view(first).drawn == first.drawn


def test_the_same_seed_draws_the_same_numbers(library_params: Library, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "p.db")
    one = session_for(library_params, store, Clock(), seed=7).next()
    two = session_for(library_params, store, Clock(), seed=7).next()
    other = [session_for(library_params, store, Clock(), seed=s).next() for s in range(20)]
    assert one is not None and two is not None and one.drawn == two.drawn
    assert len({o.drawn for o in other if o is not None}) > 1


def test_plain_mode_asks_and_explains_the_drawn_version(library_params: Library, tmp_path: Path) -> None:
    store = Store.open(tmp_path / "p.db")
    session = session_for(library_params, store, Clock(), seed=3)
    out = io.StringIO()
    asked = session_for(library_params, Store.open(tmp_path / "q.db"), Clock(), seed=3).next()
    assert asked is not None
    answer = answer_number(float(asked.answer), asked.tolerance)  # type: ignore[arg-type]
    PlainSession(session, library_params, io.BytesIO(f"{answer}\n".encode()), out, monotonic=lambda: 0.0).run()
    text = out.getvalue()
    values = dict(asked.drawn)
    assert f"{values['layers']} layers" in text and f"Answer: {answer} GiB" in text
    assert f"= {answer} GiB." in " ".join(text.split())
    assert "Correct" in text or "correct" in text


# ---- progress files carry the numbers, checked strictly ----------------------------------------

def review_line(**params: object) -> dict[str, object]:
    return {"id": "r1", "gid": KV, "reviewed_at": T0.isoformat(), "rating": 3, "score": 1.0, **params}


@pytest.mark.parametrize("bad", [
    [1, 2], "x=1", {}, {"Layers": 1}, {"x": "1"}, {"x": True}, {"x": float("inf")}, {"x": 1e300},
    {"x; drop": 1}, {f"p{i}": 1 for i in range(9)}, {"x": [1]}, {"x": None},
])
def test_an_import_refuses_bad_params(bad: object) -> None:
    with pytest.raises(ValueError, match="params"):
        review_from_json(review_line(params=bad), T0)


def test_params_survive_export_and_import() -> None:
    row = review_from_json(review_line(params={"layers": 80, "ratio": 0.5}), T0)
    assert row.params == {"layers": 80, "ratio": 0.5}
    back = review_from_json(json.loads(row.to_json()), T0)
    assert back == row
    fixed = dataclasses.replace(row, params=None)
    assert "params" not in json.loads(fixed.to_json())  # a fixed question's line as before


def test_a_damaged_params_cell_is_reported_not_raised(tmp_path: Path) -> None:
    store = Store.open(tmp_path / "p.db")
    review = ReviewRow("r1", KV, "inference", T0, "2026-11-02", 3, 1.0, "", None, None, "", params={"x": 1})
    store.record(review, lambda old: _card(review))
    store.conn.execute("UPDATE reviews SET params = '{\"x\": \"boom\"}'")
    assert store.reviews_of(KV) == [] and store.damaged == {"review r1"}


def _card(review: ReviewRow):  # type: ignore[no-untyped-def]
    from quizzer.records import LEARNING, CardRow

    return CardRow(review.gid, review.category, LEARNING, 0, None, None, review.reviewed_at, None, 1)


def test_an_old_database_gains_the_params_column(tmp_path: Path) -> None:
    import shutil

    db = tmp_path / "old.db"
    shutil.copy(DATA / "progress-v1.db", db)
    Store.open(db).close()
    columns = [r[1] for r in sqlite3.connect(db).execute("PRAGMA table_info(reviews)")]
    assert columns[-1] == "params"
    assert all(r.params is None for r in Store.open(db).iter_reviews())


def test_every_question_of_a_bank_lists_cleanly(library_params: Library) -> None:
    qs: list[Question] = list(library_params)
    assert [q.params != () for q in qs] == [True, False]


# ---- the command line ---------------------------------------------------------------------------

def run(*args: str, stdin: str = "") -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "quizzer", "--banks", str(PARAM_BANKS), *args], capture_output=True,
                          text=True, input=stdin, timeout=120, env=dict(os.environ))


def test_grade_takes_the_numbers_to_grade_against() -> None:
    example_ = json.loads(run("grade", KV, "--json", "--answer", "0.5 GiB").stdout)
    assert example_["verdict"] == "correct" and example_["params"]["layers"] == 32
    other = json.loads(run("grade", KV, "--json", "--param", "layers=80", "--param", "tokens=32768",
                           "--answer", "10 GiB").stdout)
    assert other["verdict"] == "correct" and other["params"] == {"layers": 80, "kv_heads": 8, "head_dim": 128,
                                                                 "tokens": 32768}
    for bad, message in ((["--param", "layer=80"], "'layer' is not a param of"),
                         (["--param", "layers=lots"], "the value of layers must be a number"),
                         (["--param", "x"], "'x' is not a param")):
        out = run("grade", KV, *bad, "--answer", "1")
        assert out.returncode == 1 and message in out.stderr and "Traceback" not in out.stderr
        assert len(out.stderr.strip().splitlines()) == 1
    fixed = run("grade", "inference/literal-braces", "--param", "layers=1", "--answer", "8")
    assert fixed.returncode == 1 and "has no params" in fixed.stderr


def test_export_prints_the_example_and_says_the_numbers_vary(tmp_path: Path) -> None:
    out = run("export", "markdown", "--out", str(tmp_path / "md"), "--lang", "both")
    assert out.returncode == 0, out.stderr
    parametrised, fixed = (tmp_path / "md" / "inference.md").read_text(encoding="utf-8").split("\n## ")[1:]
    assert "32 layers and 8 KV heads" in parametrised and "32 层、8 个 KV 头" in parametrised
    assert "The numbers vary" in parametrised and "= 0.5 GiB" in parametrised and "{" not in parametrised
    assert "{a, b}" in fixed and "{layers} stays as written" in fixed and "numbers vary" not in fixed


def test_the_same_seed_asks_the_same_numbers_in_plain_mode(tmp_path: Path) -> None:
    def asked(db: str) -> str:
        out = subprocess.run([sys.executable, "-m", "quizzer", "--banks", str(PARAM_BANKS), "--db", db, "quiz",
                              "--plain", "--seed", "5", "--count", "2"], capture_output=True, text=True,
                             input="1\n1\n", timeout=120, env=dict(os.environ))
        return "\n".join(line for line in out.stdout.splitlines() if "layers" in line)

    first, second = asked(str(tmp_path / "a.db")), asked(str(tmp_path / "b.db"))
    assert first and first == second


def test_a_combination_the_formula_cannot_take_falls_back_to_the_checked_example(
        library_params: Library, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # Past 2,000 combinations validation checks a sample: a draw it missed must not crash a session.
    monkeypatch.setattr("quizzer.session.draw", lambda q, seed: {"layers": 1e15, "kv_heads": 1e15,
                                                                 "head_dim": 1e15, "tokens": 1e15})
    asked = session_for(library_params, Store.open(tmp_path / "p.db"), Clock()).next()
    assert asked is not None and dict(asked.drawn) == {"layers": 32, "kv_heads": 8, "head_dim": 128, "tokens": 4096}


def test_the_drawn_numbers_move_with_the_progress_file(tmp_path: Path) -> None:
    laptop, desktop, log = tmp_path / "laptop.db", tmp_path / "desktop.db", tmp_path / "log.jsonl"
    base = [sys.executable, "-m", "quizzer", "--banks", str(PARAM_BANKS)]
    for args, db, stdin in ((["quiz", "--plain", "--count", "2", "--seed", "9"], laptop, "1\n1\n"),
                            (["progress", "export", str(log)], laptop, ""),
                            (["progress", "import", str(log)], desktop, "")):
        out = subprocess.run([*base, "--db", str(db), *args], capture_output=True, text=True, input=stdin,
                             timeout=120, env=dict(os.environ))
        assert out.returncode == 0, out.stderr
    with_params = [json.loads(line) for line in log.read_text().splitlines() if '"params"' in line]
    assert with_params and all(set(r["params"]) == {"layers", "kv_heads", "head_dim", "tokens"} for r in with_params)
    imported = Store.open(desktop).reviews_of(KV)
    assert [r.params for r in imported] == [r["params"] for r in with_params]
