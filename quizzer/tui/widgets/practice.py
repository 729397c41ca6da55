"""Under a code question: a practice run of the user's code against the cases, as in a shared editor.
Nothing is recorded; the run happens in the sandbox on a worker thread, so the screen stays live."""

from __future__ import annotations

from textual.widgets import Static

from quizzer.i18n import _
from quizzer.model import Question


class PracticeRun(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)

    def start(self, q: Question, code: str) -> None:
        from quizzer.answers import case_lines
        from quizzer.coderun import parse_cases, run

        self.update(_("Running the cases ..."))

        def work() -> None:
            result = run(code, q.entry, parse_cases(q.cases), q.tolerance, q.time_limit)
            text = _("Practice run: {passed} of {total} cases pass.").format(
                passed=result.passed, total=result.total) + "\n" if result.total else ""
            self.app.call_from_thread(self.update, text + "\n".join(case_lines(q, result)))

        self.run_worker(work, thread=True, exclusive=True, group="practice")
