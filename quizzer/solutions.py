"""Checking a bank's code questions by running their reference solutions against their cases.

Only `quizzer validate --run-solutions` calls this: it executes code from the banks (in the same
sandbox as a user's answers), which nothing else in quizzer ever does.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

from quizzer.coderun import parse_cases, run
from quizzer.model import Library, Question
from quizzer.problems import Problem


def _check(q: Question, path: str) -> Problem | None:
    result = run(str(q.answer), q.entry, parse_cases(q.cases), q.tolerance, q.time_limit)
    if result.problem:
        return Problem(path, None, None, f"{q.gid}: the reference solution {result.problem}")
    failed = [i for i, r in enumerate(result.cases, 1) if not r.passed]
    if failed or result.total != len(parse_cases(q.cases)):
        first = result.cases[failed[0] - 1] if failed else None
        detail = f" (case {failed[0]}: expected {first.case.expect!r}, got {first.got})" if first else ""
        return Problem(path, None, None, f"{q.gid}: the reference solution fails {len(failed)} case(s){detail}")
    return None


def failing_solutions(library: Library, workers: int = 2) -> list[Problem]:
    """A problem for each code question whose reference solution does not pass all its cases."""
    jobs = [(q, bank.path) for bank in library.ordered_banks() for q in bank.questions if q.type == "code"]
    with ThreadPoolExecutor(max_workers=workers) as pool:
        found = pool.map(lambda job: _check(*job), jobs)
        return [p for p in found if p is not None]
