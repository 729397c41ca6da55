"""quizzer's benchmark suite: synthetic data, repeated runs, medians beside a baseline, targets.

    python bench/run.py [--quick] [--json FILE]

Each benchmark prints its median and spread beside a baseline measured in the same run (absolute
times on shared machines drift; ratios less so). Nothing here is a test: pytest never fails on time.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from synth import NOW, write_banks, write_history

PY = sys.executable


@dataclass
class Result:
    name: str
    median_s: float
    spread_s: tuple[float, float]
    baseline_s: float
    baseline: str
    target: str
    met: bool

    @property
    def ratio(self) -> float:
        return self.median_s / self.baseline_s if self.baseline_s else float("inf")

    def row(self) -> dict[str, object]:
        return {"name": self.name, "median_s": round(self.median_s, 6), "baseline_s": round(self.baseline_s, 6),
                "ratio": round(self.ratio, 3), "target": self.target, "met": self.met,
                "spread_s": [round(x, 6) for x in self.spread_s], "baseline": self.baseline}


def timed(fn: Callable[[], object], reps: int) -> list[float]:
    out = []
    for _ in range(reps):
        t = time.perf_counter()
        fn()
        out.append(time.perf_counter() - t)
    return out


def paired(fn: Callable[[], object], base: Callable[[], object], reps: int) -> tuple[list[float], list[float]]:
    """Samples of `fn` and of its baseline taken in turn, so a machine that slows down mid-run
    slows both alike instead of skewing the ratio."""
    a, b = [], []
    for _ in range(reps):
        a += timed(fn, 1)
        b += timed(base, 1)
    return a, b


def compile_package() -> None:
    """Byte-compile quizzer as `pip install` does: a checkout run with PYTHONDONTWRITEBYTECODE
    (or from a read-only tree) would otherwise recompile every module in every timed process."""
    import compileall

    import quizzer

    compileall.compile_dir(str(Path(quizzer.__file__).parent), quiet=1)


def summary(samples: list[float]) -> tuple[float, tuple[float, float]]:
    return statistics.median(samples), (min(samples), max(samples))


def run_cmd(args: list[str], env: dict[str, str] | None = None) -> None:
    subprocess.run(args, check=True, capture_output=True, env={**os.environ, **(env or {})})


def report(r: Result) -> None:
    lo, hi = r.spread_s
    print(f"{r.name:<34} {r.median_s * 1000:10.2f} ms  [{lo * 1000:.2f}..{hi * 1000:.2f}]  "
          f"baseline {r.baseline} {r.baseline_s * 1000:.2f} ms  ratio {r.ratio:.2f}  "
          f"target {r.target}  {'met' if r.met else 'MISSED'}", flush=True)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--quick", action="store_true", help="small sizes: finishes in under a minute")
    ap.add_argument("--json", type=Path, help="write the results as JSON")
    args = ap.parse_args()
    n_questions = 2_000 if args.quick else 10_000
    n_reviews = 100_000 if args.quick else 1_000_000
    reps = 3 if args.quick else 7
    compile_package()
    work = Path(tempfile.mkdtemp(prefix="quizzer-bench-"))
    print(f"data in {work}: {n_questions} questions, {n_reviews} reviews", flush=True)
    import bench_cases as cases

    files = write_banks(work / "banks", n_questions)
    results = [
        cases.cold_load(work, files, reps),
        cases.warm_load(work, reps),
    ]
    for r in results:
        report(r)
    gids = cases.all_gids(work)
    db = work / "progress.db"
    write_history(db, gids, n_reviews, NOW)
    for bench in (cases.answering, cases.queue, cases.stats_cmd, cases.export, cases.search,
                  cases.version, cases.memory, cases.tui_startup, cases.code_run, cases.code_run_numpy):
        r = bench(work, db, reps)
        if r is not None:
            report(r)
            results.append(r)
    machine = {"cores": os.cpu_count(), "python": platform.python_version(), "platform": platform.platform(),
               "processor": platform.machine(), "quick": args.quick, "questions": n_questions, "reviews": n_reviews}
    if args.json:
        args.json.write_text(json.dumps({"machine": machine, "benchmarks": [r.row() for r in results]}, indent=2))
    missed = [r.name for r in results if not r.met]
    tail = f"; missed: {', '.join(missed)}" if missed else ""
    print(f"{len(results) - len(missed)}/{len(results)} targets met{tail}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
