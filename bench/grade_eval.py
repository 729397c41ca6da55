"""How well the offline grader of open answers agrees with a careful interviewer, on the labelled set
tests/data/open-answers.jsonl (469 judgments on 68 questions, made by labellers who never saw the grader).

Reports, for the development part (which the grader's thresholds were chosen on), the held-out part and the
whole set: key-point precision and recall (overall, per language, per kind of answer), the proposed rating
exact and within one step of the label, how often a blank, "I don't know", off-topic or keyword-salad answer
was proposed Good or Easy, and the median time to grade one answer. A measurement, not a test:
run `python bench/grade_eval.py` (`--options` adds the table of the matcher's parts, each switched off)."""

from __future__ import annotations

import dataclasses
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from quizzer import keypoints
from quizzer.agreement import Grader, load_judgments, measure, report
from quizzer.banks import check
from quizzer.grading import grade, key_point_versions, open_rating
from quizzer.model import AGAIN, Question
from quizzer.paths import shipped_banks_dir, shipped_catalog

DATA = Path(__file__).resolve().parent.parent / "tests" / "data" / "open-answers.jsonl"


def graded(q: Question, answer: str) -> tuple[tuple[bool, ...], int]:
    g = grade(q, answer)
    return g.covered, g.rating


def with_options(options: keypoints.Options) -> Grader:
    """The open-answer grader with some of the matcher's parts switched off."""
    def grader(q: Question, answer: str) -> tuple[tuple[bool, ...], int]:
        if keypoints.keyword_salad(answer):
            return tuple(False for _ in q.key_points), AGAIN
        covered = keypoints.covered(key_point_versions(q), answer, options)
        return covered, open_rating(sum(covered) / len(covered)) if any(covered) else AGAIN
    return grader


def main() -> int:
    library = check([shipped_banks_dir()], shipped_catalog()).library
    assert library is not None
    judgments = load_judgments(DATA)
    figures = measure(library, judgments, graded)
    print("\n".join(report(figures)))
    times = []
    for j in judgments:
        q = library.get(j.id)
        assert q is not None
        keypoints.clear_caches()  # as for the first answer to a question: its key points are read afresh
        started = time.perf_counter()
        grade(q, j.answer)
        times.append(time.perf_counter() - started)
    print(f"grading time per answer: median {statistics.median(times) * 1000:.2f} ms, "
          f"max {max(times) * 1000:.1f} ms")
    if "--options" in sys.argv:
        d = keypoints.DEFAULT
        print("\noption switched off -> key-point P/R, rating within one / exact (dev | held-out)")
        for name, o in [("none (as shipped)", d), ("glossary", dataclasses.replace(d, glossary=False)),
                        ("stemming", dataclasses.replace(d, stem=False)),
                        ("negation", dataclasses.replace(d, negation=False)),
                        ("Chinese segmentation by glossary", dataclasses.replace(d, segment=False))]:
            f = measure(library, judgments, with_options(o))
            cells = [f"P {f[p].group('all').precision:.2f} R {f[p].group('all').recall:.2f} "
                     f"{f[p].within_one_share:.0%}/{f[p].exact_share:.0%}" for p in ("dev", "held-out")]
            print(f"  {name:<34} {' | '.join(cells)}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
