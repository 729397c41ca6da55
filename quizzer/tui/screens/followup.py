"""A mock interview's follow-ups: after an open answer the AI interviewer may ask up to two more questions,
grounded in the key points and what the user said; the user answers each, and then sees the feedback.

The questions stream in from a worker (the UI never waits on the model); Esc stops at once, keeping what
was answered. The follow-ups and their answers are kept as they are given; they are not reviews and
nothing schedules them. If the model cannot be reached, one line says why and the interview goes on.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from quizzer.ai_client import AISettings, AIUnavailable
from quizzer.ai_interview import MAX_FOLLOWUPS, ask_followup
from quizzer.ai_store import save_followups
from quizzer.i18n import N_, _
from quizzer.model import Question
from quizzer.session import MAX_RESPONSE_CHARS, Session
from quizzer.tui.widgets.keybar import KeyBar

Exchange = tuple[tuple[str, str], ...]


class FollowUpScreen(ModalScreen[Exchange]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "stop", N_("Stop follow-ups"), id="followup.stop"),
    ]

    def __init__(self, settings: AISettings, session: Session, q: Question, answer: str) -> None:
        super().__init__()
        self.settings, self.session, self.q, self.answer = settings, session, q, answer
        self.asked: list[tuple[str, str]] = []
        self.current: str | None = None  # the follow-up waiting for its answer

    def compose(self) -> ComposeResult:
        with Vertical(id="followup-box"):
            yield Static(id="followup-title", markup=False)
            yield Static(id="followup-question", markup=False)
            yield Input(id="followup-answer", placeholder=_("Your answer, then Enter"), max_length=MAX_RESPONSE_CHARS,
                        disabled=True)
        yield KeyBar()

    def on_mount(self) -> None:
        self.ask_next()

    def ask_next(self) -> None:
        self.current = None
        title = self.query_one("#followup-title", Static)
        title.update(_("The interviewer asks a follow-up ({n} of up to {most})").format(
            n=len(self.asked) + 1, most=MAX_FOLLOWUPS))
        question = self.query_one("#followup-question", Static)
        question.update(Text(_("{model} is thinking … (Esc skips the follow-ups)").format(model=self.settings.model),
                             style="italic"))
        box = self.query_one("#followup-answer", Input)
        box.value, box.disabled = "", True

        async def work() -> None:
            try:
                follow = await ask_followup(self.settings, self.q, self.answer, self.asked, self.session.lang,
                                            on_text=lambda text: question.update(Text(text)))
            except AIUnavailable as exc:
                self.notify(_("AI interviewer unavailable: {problem}").format(problem=exc), severity="warning",
                            timeout=8, markup=False)
                self.finish()
                return
            if follow is None:
                self.finish()
                return
            self.current = follow
            question.update(Text(follow))
            box.disabled = False
            box.focus()

        self.run_worker(work(), exclusive=True, group="ai-followup", exit_on_error=False)

    @on(Input.Submitted, "#followup-answer")
    def answered(self, message: Input.Submitted) -> None:
        if self.current is None or not message.value.strip():
            return
        self.asked.append((self.current, message.value.strip()))
        # Kept as soon as given: quitting during the next follow-up loses nothing answered.
        save_followups(self.session.store, self.session.id, self.q.gid, self.asked[-1:], self.session.clock(),
                       first_turn=len(self.asked))
        self.ask_next()

    def action_stop(self) -> None:
        self.workers.cancel_group(self, "ai-followup")
        self.finish()

    def finish(self) -> None:
        """Back to the interview (once), with the follow-ups answered."""
        if not self.is_current:
            return
        self.dismiss(tuple(self.asked))
