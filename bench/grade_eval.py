"""How well the offline grader of open answers agrees with a careful interviewer, on the labelled set
tests/data/open-answers.jsonl (469 judgments on 68 questions, made by labellers who never saw the grader).

Reports key-point precision and recall (overall, per language, per kind of answer), the proposed rating
exact and within one step of the label, and how often a blank, "I don't know", off-topic or keyword-salad
answer was proposed Good or Easy. A measurement, not a test: run `python bench/grade_eval.py`."""

from __future__ import annotations

import json
import sys
import time
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzer.banks import check
from quizzer.grading import grade
from quizzer.paths import shipped_banks_dir, shipped_catalog

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "open-answers.jsonl"
NEVER_GOOD = {"blank", "idk", "offtopic", "salad"}


def pr(counts: dict[str, int]) -> str:
    p = counts["tp"] / (counts["tp"] + counts["fp"]) if counts["tp"] + counts["fp"] else float("nan")
    r = counts["tp"] / (counts["tp"] + counts["fn"]) if counts["tp"] + counts["fn"] else float("nan")
    return f"precision {p:.2f} recall {r:.2f} (n={counts['tp'] + counts['fn']} points labelled covered)"


def main() -> int:
    library = check([shipped_banks_dir()], shipped_catalog()).library
    assert library is not None
    rows = [json.loads(line) for line in DATA.read_text(encoding="utf-8").splitlines() if line.strip()]
    groups: dict[str, dict[str, int]] = defaultdict(lambda: {"tp": 0, "fp": 0, "fn": 0})
    exact = within = never_good = never_total = 0
    times = []
    for row in rows:
        q = library.get(row["id"])
        assert q is not None
        started = time.perf_counter()
        result = grade(q, row["answer"])
        times.append(time.perf_counter() - started)
        covered = result.covered or tuple(False for _ in q.key_points)
        for said, truth in zip(covered, row["covered"], strict=True):
            key = "tp" if said and truth else "fp" if said else "fn" if truth else None
            if key:
                for group in ("all", f"lang:{row['lang']}", f"kind:{row['kind']}"):
                    groups[group][key] += 1
        proposed = result.rating if row["answer"].strip() else 1
        exact += proposed == row["rating"]
        within += abs(proposed - row["rating"]) <= 1
        if row["kind"] in NEVER_GOOD:
            never_total += 1
            never_good += proposed >= 3
    n = len(rows)
    times.sort()
    print(f"{n} judgments on {len({r['id'] for r in rows})} questions")
    for group in sorted(groups, key=lambda g: (g != "all", g)):
        print(f"  key points, {group:<16} {pr(groups[group])}")
    print(f"  proposed rating: exact {exact / n:.0%}, within one step {within / n:.0%}")
    print(f"  blank / idk / off-topic / salad proposed Good or Easy: {never_good} of {never_total}")
    print(f"  grading time per answer: median {times[n // 2] * 1000:.2f} ms")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
