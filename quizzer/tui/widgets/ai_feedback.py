"""The AI interviewer's grading of an open answer, shown in the feedback beside the offline key-point marks.

The request runs in a Textual worker on the app's loop: the reply appears as it streams in, the UI never
waits on it, and Esc (or moving on) cancels it at once. The user still confirms or changes the rating;
the grading is kept with the review once that is recorded.
"""

from __future__ import annotations

from collections.abc import Sequence

from rich.text import Text
from textual.message import Message
from textual.widgets import Static
from textual.worker import Worker

from quizzer.ai_client import AISettings
from quizzer.ai_grading import AI_GRADED_TYPES, AIFeedback, ask_grade, feedback_lines
from quizzer.i18n import _
from quizzer.model import Question
from quizzer.session import Session

STREAM_TAIL_CHARS = 600  # of a reply still coming in, the end is shown (JSON scrolls past as it grows)


def wanted(q: Question, answer: str) -> bool:
    """Whether the model has something to grade: an open answer, not just a reveal."""
    return q.type in AI_GRADED_TYPES and bool(answer.strip())


class AIFeedbackView(Static):
    class Graded(Message):
        """The model's grading of `question` arrived (parsed or not; or the reason there is none)."""

        def __init__(self, question: Question, feedback: AIFeedback) -> None:
            super().__init__()
            self.question, self.feedback = question, feedback

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, markup=False)
        self.question: Question | None = None
        self.feedback: AIFeedback | None = None
        self.worker: Worker[None] | None = None
        self.display = False

    @property
    def running(self) -> bool:
        return self.worker is not None and self.worker.is_running

    def start(self, settings: AISettings | None, q: Question, answer: str, lang: str,
              followups: Sequence[tuple[str, str]] = ()) -> None:
        """Ask the model to grade `answer` when the AI is on and it is an answer it grades."""
        self.clear()
        if settings is None or not wanted(q, answer):
            return
        self.question, self.display = q, True
        waiting = _("AI grading by {model} … (Esc cancels)").format(model=settings.model)
        self.update(Text(waiting, style="italic"))

        def streamed(text: str) -> None:
            self.update(Text(f"{waiting}\n{text[-STREAM_TAIL_CHARS:]}", style="dim"))

        async def work() -> None:
            feedback = await ask_grade(settings, q, answer, lang, followups, on_text=streamed)
            self.feedback = feedback
            self.update(Text("\n".join(feedback_lines(feedback, q))))
            self.post_message(self.Graded(q, feedback))

        self.worker = self.run_worker(work(), exclusive=True, group="ai-grading", exit_on_error=False)

    def cancel(self) -> bool:
        """Stop a request under way (True when there was one); the offline marks stand."""
        if not self.running or self.worker is None:
            return False
        self.worker.cancel()
        self.update(Text(_("AI grading cancelled; the offline marks stand."), style="italic"))
        return True

    def clear(self) -> None:
        if self.worker is not None:
            self.worker.cancel()
        self.worker, self.question, self.feedback = None, None, None
        self.update("")
        self.display = False

    def keep(self, session: Session, q: Question) -> None:
        """Store the grading with the review of `q` just recorded (once only), then clear."""
        if self.feedback is not None and self.question is not None and self.question.gid == q.gid:
            from quizzer.ai_store import keep_feedback

            keep_feedback(session.store, session.id, q.gid, self.feedback, session.clock())
        self.clear()
