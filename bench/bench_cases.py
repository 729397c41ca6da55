"""The individual benchmarks of bench/run.py; each returns a Result (median beside a baseline)."""

from __future__ import annotations

import itertools
import os
import sqlite3
import subprocess
import time
import uuid
from pathlib import Path

import yaml
from run import PY, Result, paired, run_cmd, summary, timed
from synth import NOW

from quizzer.bankcache import BankCache
from quizzer.banks import check
from quizzer.grading import grade
from quizzer.model import Library
from quizzer.paths import shipped_catalog

REPO = Path(__file__).resolve().parent.parent


def _library(work: Path) -> Library:
    lib = check([work / "banks"], shipped_catalog()).library
    assert lib is not None
    return lib


def all_gids(work: Path) -> list[str]:
    return [q.gid for q in _library(work)]


def cold_load(work: Path, files: list[Path], reps: int) -> Result:
    def baseline() -> None:
        for f in files:
            yaml.load(f.read_bytes(), Loader=yaml.CSafeLoader)

    def cold() -> None:
        assert check([work / "banks"], shipped_catalog()).library is not None

    samples, base_samples = paired(cold, baseline, reps)
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    return Result("cold load (parse + validate)", med, spread, base, "yaml.load CSafeLoader", "<= 1.3x",
                  med <= 1.3 * base)


def warm_load(work: Path, reps: int) -> Result:
    cache_file = work / "cache" / "banks.json"

    def cold() -> None:
        check([work / "banks"], shipped_catalog())

    def warm() -> None:
        assert check([work / "banks"], shipped_catalog(), BankCache(cache_file)).library is not None

    warm()  # fill the cache
    samples, base_samples = paired(warm, cold, reps)
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    return Result("warm load (cache hit)", med, spread, base, "cold load", "<= 0.1x", med <= 0.1 * base)


def answering(work: Path, db: Path, reps: int) -> Result:
    from quizzer.scheduler import Scheduler
    from quizzer.session import Session
    from quizzer.store import Store

    lib = _library(work)
    store = Store.open(db)
    questions = [q for q in lib if q.type == "truefalse"][:2000]
    clock_now = [NOW]
    session = Session(lib, store, Scheduler(), lambda: clock_now[0], kind="bench", questions=questions,
                      requeue=False)
    conn = sqlite3.connect(db, isolation_level=None)
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("CREATE TABLE IF NOT EXISTS bench_baseline (id TEXT, v TEXT)")

    def bare_insert() -> None:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("INSERT INTO bench_baseline VALUES (?, ?)", (str(uuid.uuid4()), "x"))
        conn.execute("COMMIT")

    answers = itertools.cycle(questions[:1000])  # a quick run's banks have fewer

    def answer() -> None:
        q = next(answers)
        session.record(q, grade(q, "true", 4000), "true", 4000)

    samples, base = paired(answer, bare_insert, 1000)  # in turn: both see the same machine and WAL
    conn.close()
    store.close()
    samples.sort()
    med, p99 = samples[len(samples) // 2], samples[int(len(samples) * 0.99)]
    bmed = sorted(base)[len(base) // 2]
    return Result(f"answer one question (p99 {p99 * 1000:.2f} ms)", med, (samples[0], p99), bmed,
                  "SQLite insert+commit", "median <= 0.25 ms, p99 <= 2 ms", med <= 0.00025 and p99 <= 0.002)


def queue(work: Path, db: Path, reps: int) -> Result:
    from quizzer.scheduler import Scheduler
    from quizzer.store import Store
    from quizzer.study_queue import todays_queue

    lib = _library(work)
    store = Store.open(db)
    sch = Scheduler()
    samples, base_samples = paired(lambda: todays_queue(lib, store, sch, NOW),
                                   lambda: store.conn.execute("SELECT * FROM cards").fetchall(), reps)
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    store.close()
    return Result("build today's queue", med, spread, base, "SELECT * FROM cards", "<= 20 ms", med <= 0.020)


def _quizzer(work: Path, db: Path, *args: str) -> list[str]:
    return [PY, "-m", "quizzer", "--banks", str(work / "banks"), "--db", str(db), *args]


def stats_cmd(work: Path, db: Path, reps: int) -> Result:
    env = {"QUIZZER_CACHE_DIR": str(work / "cache")}
    run_cmd(_quizzer(work, db, "stats", "--json"), env)  # warm the bank cache, as a user's second run
    samples, base_samples = paired(lambda: run_cmd(_quizzer(work, db, "stats", "--json"), env),
                                   lambda: run_cmd([PY, "-m", "quizzer", "--version"]), reps)
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    return Result("quizzer stats --json", med, spread, base, "quizzer --version", "<= 200 ms", med <= 0.200)


def export(work: Path, db: Path, reps: int) -> Result:
    from quizzer.export import export_markdown

    lib = _library(work)
    out = work / "export"
    med, spread = summary(timed(lambda: export_markdown(lib, out), reps))
    files = sorted((work / "banks").glob("*.yaml"))
    base, _ = summary(timed(lambda: [f.read_text() for f in files] and None, reps))
    return Result("export 10k questions to Markdown", med, spread, base, "read the YAML files", "<= 1 s", med <= 1.0)


def search(work: Path, db: Path, reps: int) -> Result:
    from quizzer.search import SearchIndex

    index = SearchIndex(list(_library(work)))
    queries = ["kv cache", "pipeline bubble", "quantization", "atention", "decode latency", "q-42", "expert router"]
    per_query = []
    for _ in range(reps):
        for q in queries:
            t = time.perf_counter()
            index.search(q)
            per_query.append(time.perf_counter() - t)
    hay = [q.prompt.lower() for q in index.questions]
    base = []
    for q in queries:
        t = time.perf_counter()
        _ = [h for h in hay if q in h]
        base.append(time.perf_counter() - t)
    med, spread = summary(per_query)
    b, _ = summary(base)
    return Result("fuzzy search, per query", med, spread, b, "substring scan", "<= 30 ms", med <= 0.030)


def version(work: Path, db: Path, reps: int) -> Result:
    samples, base_samples = paired(lambda: run_cmd([PY, "-m", "quizzer", "--version"]),
                                   lambda: run_cmd([PY, "-c", "pass"]), max(reps, 10))
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    return Result("quizzer --version", med, spread, base, "python -c pass", "<= 0.1 s over baseline",
                  med - base <= 0.1)


_PEAK_RSS = ("import re; from pathlib import Path; "
             "print(int(re.search(r'VmHWM:\\s+(\\d+)', Path('/proc/self/status').read_text()).group(1)) * 1024)")


def memory(work: Path, db: Path, reps: int) -> Result:
    """Peak resident memory of a fresh process, read from /proc (ru_maxrss is inherited across fork,
    so a child started by this large process would report the parent's peak)."""
    load = ("from pathlib import Path; from quizzer.banks import check; from quizzer.paths import shipped_catalog; "
            f"assert check([Path({str(work / 'banks')!r})], shipped_catalog()).library is not None; ")
    peak = int(subprocess.run([PY, "-c", load + _PEAK_RSS], capture_output=True, text=True, check=True).stdout)
    base = int(subprocess.run([PY, "-c", "import yaml; " + _PEAK_RSS], capture_output=True, text=True,
                              check=True).stdout)
    # The *_s fields carry MiB/1000 here so that the ratio column still reads right; the name has MiB.
    return Result(f"peak memory, load 10k ({peak / 2**20:.0f} MiB)", peak / 2**20 / 1000, (0, 0),
                  base / 2**20 / 1000, "python + yaml (MiB/1000)", "<= 150 MB", peak <= 150e6)


def tui_startup(work: Path, db: Path, reps: int) -> Result | None:
    script = REPO / "bench" / "tui_start.py"
    if not script.exists():
        return None
    # The shipped banks (what a user starts with) and a fresh database; caches warmed by one run.
    env = {**os.environ, "QUIZZER_CACHE_DIR": str(work / "cache-tui"), "QUIZZER_DB": str(work / "tui.db")}
    subprocess.run([PY, str(script), "quizzer"], check=True, env=env, capture_output=True)  # warm caches

    def start(kind: str) -> None:
        subprocess.run([PY, str(script), kind], check=True, env=env, capture_output=True)

    samples, base_samples = paired(lambda: start("quizzer"), lambda: start("bare"), max(reps, 11))
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    return Result("TUI start to interactive home", med, spread, base, "bare Textual app + label", "<= 1.5x",
                  med <= 1.5 * base)



_SOFTMAX = ("import math\ndef softmax(x):\n    m = max(x)\n    e = [math.exp(v - m) for v in x]\n    s = sum(e)\n"
            "    return [v / s for v in e]\n")
_SOFTMAX_NP = ("import numpy as np\ndef softmax(x):\n    x = np.asarray(x, dtype=float)\n    e = np.exp(x - x.max())\n"
               "    return e / e.sum()\n")


def _ten_cases() -> list[object]:
    from quizzer.coderun import Case

    rows = [[float(i + j) for j in range(8)] for i in range(10)]
    expect = []
    for r in rows:
        m = max(r)
        e = [2.718281828459045 ** (v - m) for v in r]
        expect.append([v / sum(e) for v in e])
    return [Case((r,), {}, x) for r, x in zip(rows, expect, strict=True)]


def _code_bench(code: str, baseline: list[str], name: str, base_name: str, target_s: float, reps: int) -> Result:
    from quizzer.coderun import run

    cases = _ten_cases()

    def solve() -> None:
        assert run(code, "softmax", cases).passed == 10  # type: ignore[arg-type]

    samples, base_samples = paired(solve, lambda: subprocess.run([PY, "-I", *baseline], check=True),
                                   max(reps, 15))
    med, spread = summary(samples)
    base, _ = summary(base_samples)
    return Result(name, med, spread, base, base_name, f"<= {target_s * 1000:.0f} ms", med <= target_s)


def code_run(work: Path, db: Path, reps: int) -> Result:
    """Ten cases of a pure-Python solution in the sandbox, process start included, beside a bare
    `python -I -c pass` (what the time is made of: the interpreter's start, then the harness)."""
    return _code_bench(_SOFTMAX, ["-c", "pass"], "code question, 10 cases, pure Python", "python -I -c pass",
                       0.080, reps)


def code_run_numpy(work: Path, db: Path, reps: int) -> Result:
    """The same with a numpy solution, beside `python -I -c 'import numpy'` (most of the time)."""
    return _code_bench(_SOFTMAX_NP, ["-c", "import numpy"], "code question, 10 cases, numpy",
                       "python -I -c 'import numpy'", 0.250, reps)
