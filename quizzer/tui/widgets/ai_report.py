"""The AI interviewer's report at the end of a mock interview: the transcript with the feedback on each
question, then the overall strengths and gaps and the categories to review.

The transcript part is kept at once (it needs no model); the debrief is asked for in a worker, shown
and kept when it comes. Leaving the screen before it does cancels the request; the rest stays kept.
"""

from __future__ import annotations

from rich.text import Text
from textual.widgets import Static

from quizzer.ai_client import AISettings
from quizzer.ai_interview import build_report, report_lines
from quizzer.ai_store import exchanges_of_session, save_report
from quizzer.i18n import _
from quizzer.session import Session


class AIReportView(Static):
    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.display = False
        self.report: dict[str, object] | None = None

    def start(self, settings: AISettings | None, session: Session) -> None:
        """Write the report of `session` (a mock interview with the AI on); nothing otherwise."""
        if settings is None or session.kind != "mock":
            return
        exchanges = exchanges_of_session(session.store, session.library, session.id)
        if not exchanges:
            return
        self.display = True

        async def work() -> None:
            offline = await build_report(None, exchanges, session.lang)
            save_report(session.store, session.id, settings.model, offline, session.clock())
            self.show(offline, "\n" + _("{model} is writing the debrief …").format(model=settings.model))
            report = await build_report(settings, exchanges, session.lang)
            save_report(session.store, session.id, settings.model, report, session.clock())
            self.show(report)

        self.run_worker(work(), exclusive=True, group="ai-report", exit_on_error=False)

    def show(self, report: dict[str, object], note: str = "") -> None:
        self.report = report
        title = Text(_("The interviewer's report") + "\n", style="bold")
        self.update(title + Text("\n".join(report_lines(report)) + note))
