"""Code questions: the sandboxed runner's verdicts on hostile code, comparing results, grading, plain
mode and `validate --run-solutions`."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from quizzer.banks import check
from quizzer.coderun import Case, run, same
from quizzer.grading import grade
from quizzer.model import AGAIN, EASY, GOOD, HARD, Library
from quizzer.paths import shipped_catalog

from .conftest import DATA

CODE_BANKS = DATA / "code-banks"
SOFTMAX_CASES = [Case(([1.0, 2.0, 3.0],), {}, [0.09003057, 0.24472847, 0.66524096]),
                 Case(([1000.0, 1000.0],), {}, [0.5, 0.5])]
GOOD_SOFTMAX = ("import math\ndef f(x):\n    m = max(x)\n    e = [math.exp(v - m) for v in x]\n"
                "    return [v / sum(e) for v in e]\n")


@pytest.fixture(scope="module")
def code_library() -> Library:
    library = check([CODE_BANKS], shipped_catalog()).library
    assert library is not None
    return library


HOSTILE = [
    # (name, code, (passed, problem or case message))
    ("infinite loop", "def f(x):\n    while True:\n        pass\n", (0, "timed out after 2 s")),
    ("os._exit", "import os\ndef f(x):\n    os._exit(3)\n", (0, "exited with code 3")),
    ("segfault", "import faulthandler\ndef f(x):\n    faulthandler._sigsegv()\n", (0, "crashed (signal 11)")),
    ("fork bomb", "import os\ndef f(x):\n    while True:\n        os.fork()\n", (0, "without os.fork")),
    ("subprocess", "import subprocess\ndef f(x):\n    return subprocess.run(['true']).returncode\n",
     (0, "without subprocess.Popen")),
    ("20 GB", "def f(x):\n    return len(bytearray(20 * 2**30))\n", (0, "used more than 1024 MB")),
    ("kill quizzer", "import os\ndef f(x):\n    os.kill(os.getppid(), 9)\n", (0, "without os.kill")),
    ("write outside", "def f(x):\n    open('/tmp/quizzer-sandbox-escape', 'w').write('x')\n",
     (0, "writes only in its own folder")),
    ("native code", "import ctypes\ndef f(x):\n    return ctypes.CDLL('libc.so.6').getpid()\n", (0, "without ctypes")),
    ("network", "import socket\ndef f(x):\n    socket.create_connection(('127.0.0.1', 9))\n", (0, "without socket")),
    ("syntax error", "def f(x) return 1\n", (0, "syntax error at line 1")),
    ("no function", "def g(x):\n    return x\n", (0, "defines no function named f")),
    ("exception", "def f(x):\n    raise ValueError('bad input')\n", (0, "ValueError: bad input")),
    ("bad return", "def f(x):\n    return object()\n", (0, "not a number, string, list or dict")),
    ("reads env", "import os\ndef f(x):\n    return [k for k in os.environ if 'QUIZZER' in k or 'SECRET' in k]\n",
     (0, "got []")),
]


@pytest.mark.parametrize(("name", "code", "expected"), HOSTILE, ids=[h[0] for h in HOSTILE])
def test_hostile_code_ends_in_a_verdict(name: str, code: str, expected: tuple[int, str],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("QUIZZER_SECRET", "hunter2")
    passed, message = expected
    result = run(code, "f", SOFTMAX_CASES, time_limit=2)
    said = result.problem + " ".join(f"{'raised' if r.error else 'got'} {r.got}" for r in result.cases)
    assert result.passed == passed and message in said, (name, result)
    assert not Path("/tmp/quizzer-sandbox-escape").exists()


def test_ten_megabytes_of_printing_is_captured_and_capped() -> None:
    result = run("def f(x):\n    print('x' * 10_000_000)\n    return [0.5, 0.5]\n", "f", SOFTMAX_CASES[1:])
    assert result.passed == 1 and 0 < len(result.output) <= 64 * 1024


def test_a_correct_solution_passes_pure_python_and_numpy() -> None:
    assert run(GOOD_SOFTMAX, "f", SOFTMAX_CASES).passed == 2
    numpy_code = ("import numpy as np\ndef f(x):\n    x = np.asarray(x)\n    e = np.exp(x - x.max())\n"
                  "    return e / e.sum()\n")
    assert run(numpy_code, "f", SOFTMAX_CASES).passed == 2


SAME = [
    (0.1 + 0.2, 0.3, True), ([1.0, [2.0, 3.0]], [1.0, [2.0, 3.0000001]], True), ((1, 2), [1, 2], True),
    ([1, 2], [1, 2, 3], False), (True, 1, False), (1, True, False), ("a", "a", True), (None, None, True),
    (float("nan"), float("nan"), True), (1e-9, 0.0, True), (1.1, 1.0, False), ({"a": 1.0}, {"a": 1.0}, True),
]


@pytest.mark.parametrize(("got", "expect", "equal"), SAME)
def test_results_compare_as_data_within_the_tolerance(got: Any, expect: Any, equal: bool) -> None:
    assert same(got, expect, 1e-6) is equal


def test_grading_code(code_library: Library) -> None:
    q = code_library.get("base/softmax-stable")
    assert q is not None and q.type == "code"
    good = str(q.answer)
    right = grade(q, good, duration_ms=60_000)
    assert (right.verdict, right.rating, right.score) == ("correct", EASY, 1.0)
    assert grade(q, good, duration_ms=30 * 60_000).rating == GOOD
    naive = "import math\ndef softmax(x):\n    e = [math.exp(v) for v in x]\n    return [v / sum(e) for v in e]\n"
    partial = grade(q, naive)
    assert (partial.verdict, partial.rating) == ("partial", HARD) and 0 < partial.score < 1
    assert grade(q, "def softmax(x):\n    return []\n").rating == AGAIN
    assert grade(q, "").verdict == "wrong"


def run_cli(*args: str, stdin: bytes = b"", db: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, **({"QUIZZER_DB": str(db)} if db else {})}
    out = subprocess.run([sys.executable, "-m", "quizzer", *args], input=stdin, capture_output=True, env=env,
                         timeout=120)
    return subprocess.CompletedProcess(out.args, out.returncode, out.stdout.decode(), out.stderr.decode())


def test_plain_mode_reads_code_up_to_a_dot_line(tmp_path: Path, code_library: Library) -> None:
    q = code_library.get("base/softmax-stable")
    assert q is not None
    # The order of the two questions is not fixed: one answer defines both functions.
    topk = b"def topk(scores, k):\n    return sorted(range(len(scores)), key=lambda i: (-scores[i], i))[:k]\n"
    both = str(q.answer).encode() + b"\n" + topk + b".\n"
    db = tmp_path / "q.db"
    out = run_cli("--banks", str(CODE_BANKS), "quiz", "--plain", "--count", "2", stdin=both * 2, db=db)
    assert out.returncode == 0, out.stderr
    assert "Starter code:" in out.stdout and "4 of 4 cases pass" in out.stdout
    assert out.stdout.count("Correct.") == 2 and "Reference solution:" in out.stdout
    assert "✓ softmax([1000.0, 1000.0]) -> [0.5, 0.5]" in out.stdout


def test_validate_runs_reference_solutions_only_when_asked(tmp_path: Path) -> None:
    broken = tmp_path / "base.yaml"
    text = (CODE_BANKS / "base.yaml").read_text().replace("return [v / s for v in e]", "return [v for v in e]")
    broken.write_text(text)
    assert run_cli("validate", str(broken)).returncode == 0  # bank code is never run by default
    out = run_cli("validate", "--run-solutions", str(broken))
    assert out.returncode == 1
    assert "base/softmax-stable: the reference solution fails" in out.stderr
    assert run_cli("validate", "--run-solutions", str(CODE_BANKS)).returncode == 0
