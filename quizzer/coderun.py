"""Running code against test cases, outside quizzer: the sandbox for `code` questions.

The code runs in a separate Python process (the same interpreter, isolated mode `-I`), in a fresh
temporary folder, with a minimal environment (no progress-database path, none of the user's variables),
its own process group and, where the OS has them, limits on CPU time, memory, open files and processes
and an audit hook that refuses new processes, signals, native libraries, sockets, resource limits and
writes outside its folder (a process limit alone does not hold for root). Its prints are captured
inside it and returned, capped; quizzer's own output never sees them. A run that loops, exits, crashes,
forks or allocates without end ends in a verdict, never in a hang of the session.

Cases are data (JSON), compared here with a tolerance for floats, element by element through lists.
"""

from __future__ import annotations

import json
import math
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

MEMORY_LIMIT_MB = 1024
OUTPUT_LIMIT = 64 * 1024  # characters of printed output kept per run
RESULT_LIMIT = 4 * 2**20  # bytes of results read back from the child
MAX_PROCESSES = 64
SHOWN_CHARS = 120  # a value shown in a verdict is shortened to this


@dataclass(frozen=True)
class Case:
    args: tuple[Any, ...]
    kwargs: dict[str, Any]
    expect: Any


@dataclass(frozen=True)
class CaseResult:
    case: Case
    passed: bool
    got: str  # the value returned, shortened; or the exception's last line
    error: bool = False


@dataclass(frozen=True)
class RunResult:
    """What one run of a solution gave: each case's result, or why there are none."""

    cases: tuple[CaseResult, ...]
    problem: str = ""  # "timed out after 5 s", "exited with code 3", a syntax error ...
    output: str = ""  # what the code printed, capped
    seconds: float = 0.0

    @property
    def passed(self) -> int:
        return sum(r.passed for r in self.cases)

    @property
    def total(self) -> int:
        return len(self.cases)


def parse_cases(cases_json: str) -> tuple[Case, ...]:
    return tuple(Case(tuple(c["args"]), dict(c.get("kwargs") or {}), c["expect"]) for c in json.loads(cases_json))


def same(got: Any, expect: Any, tolerance: float) -> bool:
    """Equal as data: floats within `tolerance` (absolute or relative), lists element by element,
    a tuple as a list, a bool only as a bool."""
    if isinstance(expect, bool) or isinstance(got, bool):
        return type(got) is type(expect) and got == expect
    if isinstance(expect, int | float) and isinstance(got, int | float):
        if math.isnan(expect) or math.isnan(got):
            return math.isnan(expect) and math.isnan(got)
        if math.isinf(expect) or math.isinf(got):
            return got == expect
        return math.isclose(got, expect, rel_tol=tolerance, abs_tol=tolerance)
    if isinstance(expect, list) and isinstance(got, list | tuple):
        return len(got) == len(expect) and all(same(g, e, tolerance) for g, e in zip(got, expect, strict=True))
    if isinstance(expect, dict) and isinstance(got, dict):
        return got.keys() == expect.keys() and all(same(got[k], expect[k], tolerance) for k in expect)
    return bool(got == expect)


def shorten(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False) if not isinstance(value, str) else repr(value)
    return text if len(text) <= SHOWN_CHARS else text[: SHOWN_CHARS - 1] + "…"


# The child: read the code and cases from stdin, run each case, write JSON results to fd 3.
_HARNESS = r'''
import io, json, os, sys, traceback
out_fd = int(sys.argv[1])
job = json.loads(sys.stdin.read())
cap = job["output_limit"]
class Capped(io.TextIOBase):
    def __init__(self): self.parts, self.size = [], 0
    def writable(self): return True
    def write(self, s):
        if self.size < cap:
            self.parts.append(s[: cap - self.size])
        self.size += len(s)
        return len(s)
printed = Capped()
sys.stdout = sys.stderr = printed
import ctypes  # loaded before the hook: its own start-up opens the interpreter's symbols
FOLDER = os.path.realpath(os.getcwd())
REFUSED = {"os.fork", "os.forkpty", "os.system", "os.posix_spawn", "os.exec", "os.spawn", "subprocess.Popen",
           "os.kill", "os.killpg", "signal.pthread_kill", "ctypes.dlopen", "ctypes.dlsym", "ctypes.dlsym/handle",
           "resource.setrlimit", "resource.prlimit", "socket.connect", "socket.bind", "socket.sendto",
           "socket.sendmsg", "os.setuid", "os.setgid", "sys.addaudithook", "os.chdir"}
PATHS = {"os.remove": (0,), "os.rmdir": (0,), "os.rename": (0, 1), "os.truncate": (0,), "os.chmod": (0,),
         "os.chown": (0,), "os.link": (0, 1), "os.symlink": (0, 1), "shutil.rmtree": (0,), "os.mkdir": (0,),
         "os.utime": (0,), "shutil.copyfile": (1,), "shutil.move": (0, 1)}
WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND
def inside(path):
    try:
        return os.path.realpath(os.fsdecode(path)).startswith(FOLDER + os.sep)
    except Exception:
        return False
def guard(event, args):
    if event in REFUSED:
        raise PermissionError("quizzer runs code without " + event)
    if event == "open" and not isinstance(args[0], int):
        mode, flags = args[1] or "", args[2] or 0
        if (any(c in mode for c in "wax+") or flags & WRITE_FLAGS) and not inside(args[0]):
            raise PermissionError("quizzer runs code that writes only in its own folder")
    elif event in PATHS and not all(isinstance(args[i], int) or inside(args[i]) for i in PATHS[event]):
        raise PermissionError("quizzer runs code that changes files only in its own folder")
sys.addaudithook(guard)
def plain(v, depth=0):
    if depth > 50: raise ValueError("nested too deeply")
    if hasattr(v, "tolist") and callable(v.tolist): v = v.tolist()
    if isinstance(v, (bool, int, float, str)) or v is None: return v
    if isinstance(v, (list, tuple)): return [plain(x, depth + 1) for x in v]
    if isinstance(v, dict): return {str(k): plain(x, depth + 1) for k, x in v.items()}
    raise TypeError("returned a %s, which is not a number, string, list or dict" % type(v).__name__)
def last_line(e):
    return "".join(traceback.format_exception_only(type(e), e)).strip().splitlines()[-1]
result = {"cases": [], "problem": ""}
try:
    namespace = {"__name__": "solution"}
    exec(compile(job["code"], "<your code>", "exec"), namespace)
    fn = namespace.get(job["entry"])
    if not callable(fn):
        result["problem"] = "your code defines no function named %s" % job["entry"]
    else:
        for case in job["cases"]:
            try:
                got = plain(fn(*case["args"], **(case.get("kwargs") or {})))
                result["cases"].append({"got": got})
            except MemoryError:
                result["cases"].append({"error": "MemoryError: used more than the memory limit"})
            except RecursionError as e:
                result["cases"].append({"error": last_line(e)})
            except Exception as e:
                result["cases"].append({"error": last_line(e)})
except SyntaxError as e:
    result["problem"] = "syntax error at line %s: %s" % (e.lineno, e.msg)
except MemoryError:
    result["problem"] = "used more than the memory limit"
except BaseException as e:
    result["problem"] = last_line(e)
result["output"] = "".join(printed.parts)
data = json.dumps(result, allow_nan=True).encode()
view = memoryview(data)
while view:
    n = os.write(out_fd, view)
    view = view[n:]
os._exit(0)
'''


def _limits(cpu_seconds: int) -> None:  # pragma: no cover - runs in the child before exec
    import resource

    os.setsid()
    mem = MEMORY_LIMIT_MB * 2**20
    for what, value in ((resource.RLIMIT_AS, mem), (resource.RLIMIT_CPU, cpu_seconds),
                        (resource.RLIMIT_NOFILE, 64), (resource.RLIMIT_FSIZE, 16 * 2**20),
                        (resource.RLIMIT_CORE, 0), (resource.RLIMIT_NPROC, MAX_PROCESSES)):
        try:
            resource.setrlimit(what, (value, value))
        except (ValueError, OSError):
            pass  # a limit this OS does not have, or one lower already


def run(code: str, entry: str, cases: Sequence[Case], tolerance: float = 1e-6, time_limit: float = 5.0) -> RunResult:
    """Run `code`'s function `entry` on every case in a sandboxed child; never raises for what the
    code does."""
    job = json.dumps({"code": code, "entry": entry, "output_limit": OUTPUT_LIMIT,
                      "cases": [{"args": list(c.args), "kwargs": c.kwargs} for c in cases]})
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="quizzer-run-") as folder:
        os.chmod(folder, 0o777)  # the child may run as nobody
        read_end, write_end = os.pipe()
        env = {"PATH": os.defpath, "HOME": folder, "TMPDIR": folder, "LANG": "C.UTF-8",
               "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
        preexec = None if sys.platform == "win32" else (lambda: _limits(math.ceil(time_limit) + 1))
        try:
            child = subprocess.Popen(
                [sys.executable, "-I", "-c", _HARNESS, str(write_end)], stdin=subprocess.PIPE,
                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=folder, env=env,
                pass_fds=(write_end,), preexec_fn=preexec)
        except OSError as exc:
            os.close(read_end)
            os.close(write_end)
            return RunResult((), f"could not start Python: {exc.strerror or exc}")
        os.close(write_end)
        raw, problem = _collect(child, job.encode(), read_end, time_limit)
    seconds = time.monotonic() - started
    if problem:
        return RunResult((), problem, seconds=seconds)
    try:
        result = json.loads(raw)
    except ValueError:
        code_ = child.returncode
        why = f"crashed (signal {-code_})" if code_ and code_ < 0 else f"exited with code {code_}"
        return RunResult((), why, seconds=seconds)
    return _verdicts(result, cases, tolerance, seconds)


def _collect(child: subprocess.Popen[bytes], job: bytes, read_end: int, time_limit: float) -> tuple[bytes, str]:
    """Send the job, read the results until the child ends or the time is up (then kill its group)."""
    import selectors

    chunks: list[bytes] = []
    size = 0
    deadline = time.monotonic() + time_limit
    try:
        assert child.stdin is not None
        child.stdin.write(job)
        child.stdin.close()
    except OSError:
        pass  # it died before reading: its exit code says why
    with selectors.DefaultSelector() as sel, os.fdopen(read_end, "rb", buffering=0) as pipe:
        sel.register(pipe, selectors.EVENT_READ)
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                _kill(child)
                return b"", f"timed out after {time_limit:g} s"
            if not sel.select(timeout=min(left, 0.5)):
                if child.poll() is not None:
                    break
                continue
            data = pipe.read(65536)
            if not data:
                break
            size += len(data)
            if size > RESULT_LIMIT:
                _kill(child)
                return b"", "returned more data than quizzer reads"
            chunks.append(data)
    try:
        child.wait(timeout=max(0.1, deadline - time.monotonic()))
    except subprocess.TimeoutExpired:
        _kill(child)
        return b"", f"timed out after {time_limit:g} s"
    _kill(child)  # anything it forked goes too
    return b"".join(chunks), ""


def _kill(child: subprocess.Popen[bytes]) -> None:
    import signal

    try:
        os.killpg(child.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError, OSError):
        pass
    try:
        child.kill()
    except OSError:
        pass
    child.wait()


def _verdicts(result: dict[str, Any], cases: Sequence[Case], tolerance: float, seconds: float) -> RunResult:
    output = str(result.get("output") or "")
    problem = str(result.get("problem") or "")
    if "used more than the memory limit" in problem:
        problem = f"used more than {MEMORY_LIMIT_MB} MB"
    if problem:
        return RunResult((), problem, output, seconds)
    out: list[CaseResult] = []
    for case, got in zip(cases, result.get("cases", []), strict=False):
        if "error" in got:
            error = str(got["error"])
            if error.startswith("MemoryError"):
                error = f"MemoryError: used more than {MEMORY_LIMIT_MB} MB"
            out.append(CaseResult(case, False, error, error=True))
        else:
            out.append(CaseResult(case, same(got.get("got"), case.expect, tolerance), shorten(got.get("got"))))
    return RunResult(tuple(out), "", output, seconds)
