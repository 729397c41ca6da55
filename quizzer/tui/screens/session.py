"""One question at a time: ask, grade, show the feedback, record with the confirmed rating, next.

Every answer is recorded (committed by `Session.record`) before the next question is shown, and
whatever ends the screen (Escape, quitting the app, a palette jump) records the answer on show.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import ClassVar

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Container, Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import Input, Markdown, ProgressBar, Static, TextArea

from quizzer.answer_history import previous_answer
from quizzer.grading import Grade, grade
from quizzer.i18n import N_, _
from quizzer.labels import question_meta, rating_name
from quizzer.leeches import leech_note
from quizzer.mdsafe import safe_block
from quizzer.model import Question
from quizzer.render import fmt_due
from quizzer.session import Session
from quizzer.translation import has_language
from quizzer.tui.nav import app_of
from quizzer.tui.screens.confidence import ConfidenceScreen
from quizzer.tui.widgets.ai_feedback import AIFeedbackView, wanted
from quizzer.tui.widgets.answer_input import AnswerSubmitted, answer_hint, answer_so_far, answer_widget
from quizzer.tui.widgets.feedback import FeedbackPanel
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.practice import PracticeRun
from quizzer.tui.widgets.question_timer import QuestionTimer

SESSION_TITLES = {"review": N_("Today's review"), "quiz": N_("Quiz"), "mock": N_("Mock interview")}
LOADING, ANSWERING, GRADING, FEEDBACK, DONE = "loading", "answering", "grading", "feedback", "done"
CONFIDENCE = "confidence"  # asking how sure the user is, before the answer is checked


@dataclass
class Pending:
    """An answer that has been graded and shown but not yet recorded (the rating may still change)."""

    question: Question
    result: Grade
    text: str
    duration_ms: int
    proposed: int
    chosen: int


class SessionScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("ctrl+r", "reveal", N_("Reveal answer"), id="session.reveal", priority=True),
        Binding("ctrl+r", "run_cases", N_("Run cases"), id="session.run_cases", priority=True),
        Binding("ctrl+g", "submit_code", N_("Submit"), id="session.submit_code", priority=True),
        Binding("ctrl+o", "external_editor", N_("$EDITOR"), id="session.external_editor", priority=True),
        Binding("ctrl+l", "toggle_language", N_("中/EN"), id="session.toggle_language", priority=True),
        Binding("enter,space", "next", N_("Next"), id="session.next"),
        Binding("1", "rate(1)", N_("Rate"), key_display="1-4", id="session.rate_again"),
        Binding("2", "rate(2)", N_("Hard"), show=False, id="session.rate_hard"),
        Binding("3", "rate(3)", N_("Good"), show=False, id="session.rate_good"),
        Binding("4", "rate(4)", N_("Easy"), show=False, id="session.rate_easy"),
        Binding("o", "open_reference", N_("Article"), id="session.open_reference"),
        Binding("ctrl+s", "skip", N_("Skip"), id="session.skip", priority=True),
        Binding("ctrl+t", "suspend", N_("Suspend"), id="session.suspend", priority=True),
        Binding("ctrl+f", "flag", N_("Flag"), id="session.flag", priority=True),
        Binding("u", "undo", N_("Undo"), id="session.undo"),
        Binding("ctrl+z", "undo(True)", N_("Undo"), id="session.undo_untyped", show=False, priority=True),
        Binding("escape", "end", N_("End"), id="session.end"),
    ]

    def __init__(self, session: Session, monotonic: Callable[[], float],
                 time_limits: Mapping[str, float] | None = None, title: str | None = None) -> None:
        super().__init__()
        self.session = session
        self.monotonic = monotonic
        self.time_limits = dict(time_limits or {})  # seconds per question type (mock interview)
        self.title_text = title or (_(SESSION_TITLES[session.kind]) if session.kind in SESSION_TITLES
                                     else session.kind.title())
        self.question: Question | None = None
        self.pending: Pending | None = None
        self.phase = LOADING
        self.grading: tuple[Question, AnswerSubmitted, int] | None = None  # a code answer being run
        self.shown_at = 0.0
        self.closed = False
        self.followups: tuple[tuple[str, str], ...] = ()  # a mock interview's, for the question on show
        self.confidence: int | None = None  # how sure the user said they were, for the question on show

    def compose(self) -> ComposeResult:
        with Horizontal(id="session-bar"):
            yield Static(id="session-title", markup=False)
            yield ProgressBar(id="progress", show_eta=False, show_percentage=False)
            yield QuestionTimer(self.time_limits, self.monotonic, lambda: self.phase == ANSWERING, id="timer")
        yield Static(id="question-meta", markup=False)
        with Container(id="body"):
            with VerticalScroll(id="question-pane"):
                yield Markdown(id="prompt")
                yield Static(id="answer-hint", markup=False)
                yield Container(id="answer-slot")
                yield PracticeRun(id="practice")
            yield FeedbackPanel(id="feedback")
        yield Static(id="status", markup=False)
        yield KeyBar()

    async def on_mount(self) -> None:
        await self.show_next()

    # ---- the loop ------------------------------------------------------------------------------

    async def show_next(self) -> None:
        # LOADING until the input is mounted: keys and the timer must not act on the last question's input.
        self.phase = LOADING
        q = self.session.next()
        if q is None:
            self.end_session()
            return
        self.question, self.pending, self.followups, self.confidence = q, None, (), None
        self.remove_class("-feedback")
        practice = self.query_one("#practice", Static)
        practice.update("")
        practice.display = q.type == "code"  # practice runs are for code questions only
        done = len(self.session.outcomes) + len(self.session.skipped)
        new, learning, review = self.session.remaining()
        where = _("again (missed earlier)") if self.session.is_repeat(q) else \
            _("{n} of {total}").format(n=self.session.position, total=self.session.planned)
        self.query_one("#session-title", Static).update(
            _("{title} · {where} · new {new} · learning {learning} · review {review}").format(
                title=self.title_text, where=where, new=new, learning=learning, review=review))
        self.query_one("#progress", ProgressBar).update(total=max(1, self.session.total), progress=done)
        await self.show_question(q)
        self.query_one("#question-pane", VerticalScroll).scroll_home(animate=False)
        self.shown_at = self.monotonic()
        self.phase = ANSWERING
        self.query_one(QuestionTimer).start(q.type, self.shown_at)
        self.refresh_bindings()

    async def show_question(self, q: Question, typed: str = "") -> None:
        """Put `q` (in the language it comes in) on screen with a fresh input holding `typed`."""
        self.question = q
        meta = question_meta(q)
        if self.session.lang != "en" and not has_language(q, self.session.lang):
            meta += " · " + _("English only")  # no translation yet: shown in English, never blank
        self.query_one("#question-meta", Static).update(meta)
        await self.query_one("#prompt", Markdown).update(safe_block(q.prompt))
        shown = self.session.choices_for(q) if q.choices else []
        self.query_one("#answer-hint", Static).update(answer_hint(q, len(shown)))
        slot = self.query_one("#answer-slot", Container)
        await slot.remove_children()
        widget = answer_widget(q, shown)
        await slot.mount(widget)
        if typed and isinstance(widget, TextArea):
            widget.insert(typed)
        elif typed and isinstance(widget, Input):
            widget.value = typed
        widget.focus()

    async def action_toggle_language(self) -> None:
        """Show the question on screen in the other language (to check a term); answers in either are
        graded alike. Ticks and picks start again; typed text is kept."""
        q = self.question
        if q is None or self.phase != ANSWERING:
            return
        other = "en" if q.prompt == self.session.view(q, "zh").prompt and q.zh else "zh"
        answer = self.query_one("#answer")
        typed = answer.text if isinstance(answer, TextArea) else answer.value if isinstance(answer, Input) else ""
        await self.show_question(self.session.view(q, other), typed)

    def elapsed_ms(self) -> int:
        return max(0, int((self.monotonic() - self.shown_at) * 1000))

    def on_answer_submitted(self, message: AnswerSubmitted) -> None:
        message.stop()
        self.submit(message)

    def submit(self, answer: AnswerSubmitted, time_up: bool = False) -> None:
        q = self.question
        if q is None or self.phase != ANSWERING:
            return
        if self.session.asks_confidence and self.confidence is None and not time_up:
            self.phase = CONFIDENCE
            self.app.push_screen(ConfidenceScreen(), lambda level: self.confident(answer, level))
            return
        duration = self.elapsed_ms()
        if q.type != "code":
            result = grade(q, answer.response, duration)
            if result.verdict == "unreadable" and not time_up:  # say what is expected; record nothing
                self.query_one("#status", Static).update(result.note)
                self.query_one("#answer").focus()
                return
            if result.verdict == "unreadable":
                result = Grade(False, 0.0, 1, "wrong", "Time ran out before an answer could be read.")
            if not self.ask_followups(q, answer, duration, result):
                self.show_feedback(q, answer, duration, result)
            return
        # Running code takes up to its time limit: never on the UI's thread.
        self.phase = GRADING
        self.grading = (q, answer, duration)
        self.query_one("#practice", Static).update(_("Running your code against the cases ..."))
        self.run_worker(lambda: self.app.call_from_thread(
            self.show_feedback, q, answer, duration, grade(q, answer.response, duration)),
            thread=True, group="grading")

    def confident(self, answer: AnswerSubmitted, level: int | None) -> None:
        """The answer goes on to be checked with the confidence given; Esc goes back to the answer."""
        self.phase = ANSWERING
        if level is None:
            self.query_one("#answer").focus()
            return
        self.confidence = level
        self.submit(answer)

    def show_feedback(self, q: Question, answer: AnswerSubmitted, duration: int, result: Grade) -> None:
        if q is not self.question or self.phase not in (ANSWERING, GRADING):
            return
        proposed = result.rating  # an open question revealed without an answer proposes Again, like a miss
        self.pending = Pending(q, result, answer.text, duration, proposed, proposed)
        self.phase = FEEDBACK
        self.add_class("-feedback")
        self.query_one("#answer").disabled = True
        panel = self.query_one(FeedbackPanel)
        panel.show(self.session.library, q, result, answer.text,
                   previous_answer(self.session.store, q.gid) if q.type in ("open", "code") else None)
        panel.show_rating(proposed, proposed)
        panel.focus_body()
        panel.ai.start(app_of(self).ai_settings(), q, answer.text, self.session.lang, self.followups)
        self.query_one(QuestionTimer).refresh_time()
        self.refresh_bindings()

    def ask_followups(self, q: Question, answer: AnswerSubmitted, duration: int, result: Grade) -> bool:
        """In a mock interview with the AI on, the interviewer's follow-ups come before the feedback."""
        from quizzer.tui.screens.followup import FollowUpScreen

        ai = app_of(self).ai_settings()
        if self.session.kind != "mock" or ai is None or not wanted(q, answer.text):
            return False

        def answered(exchange: tuple[tuple[str, str], ...] | None) -> None:
            self.followups = exchange or ()
            self.show_feedback(q, answer, duration, result)

        self.phase = GRADING  # the timer stops; leaving now records the answer as graded offline
        self.pending = Pending(q, result, answer.text, duration, result.rating, result.rating)
        self.app.push_screen(FollowUpScreen(ai, self.session, q, answer.text), answered)
        return True

    def on_aifeedback_view_graded(self, message: AIFeedbackView.Graded) -> None:
        """The model's suggested rating becomes the proposed one, unless the user has chosen already."""
        p, ai_grade = self.pending, message.feedback.grade
        if p and ai_grade and p.question.gid == message.question.gid and p.chosen == p.proposed:
            p.proposed = p.chosen = ai_grade.rating
            self.query_one(FeedbackPanel).show_rating(p.chosen, p.proposed, by_ai=True)

    def commit_pending(self) -> None:
        """Record the answer on show with the rating chosen so far (the proposed one unless changed);
        a code answer still running is graded here, so that leaving never loses it."""
        if self.phase == GRADING and self.grading is not None and self.pending is None:
            q, answer, duration = self.grading
            self.session.record(q, grade(q, answer.response, duration), answer.text, duration, None, self.confidence)
            self.phase = LOADING
        self.grading = None
        p, self.pending = self.pending, None
        if p is None:
            return
        result = p.result
        if p.question.type == "open":  # the self-rating is the grade of an open answer
            result = grade(p.question, p.text, p.duration_ms, self_rating=p.chosen)
        outcome = self.session.record(p.question, result, p.text, p.duration_ms, p.chosen, self.confidence)
        self.query_one(FeedbackPanel).ai.keep(self.session, p.question)
        self.query_one("#status", Static).update(
            _("Saved {gid}: {rating}; next review {when} (ctrl+z takes it back).").format(
                gid=p.question.gid, rating=rating_name(outcome.rating),
                when=fmt_due(outcome.card.due, self.session.clock())))
        if outcome.new_leech:
            self.notify(leech_note(p.question.gid, outcome.card.lapses), title=_("Leech"), timeout=15, markup=False)

    def close(self) -> None:
        """Record what is on show and end the session (idempotent); used when the app quits."""
        if not self.closed:
            self.commit_pending()
            self.closed = True
            self.session.finish()

    def end_session(self) -> None:
        from quizzer.tui.screens.summary import SummaryScreen

        self.commit_pending()
        self.phase = DONE
        self.closed = True
        summary = self.session.finish()
        self.app.switch_screen(SummaryScreen(self.session, summary, self.title_text))

    def on_question_timer_time_up(self) -> None:
        """A mock interview's time for the question has run out: the answer so far is taken."""
        self.notify(_("Time is up: your answer so far was submitted."), timeout=3)
        self.submit(answer_so_far(self.query_one("#answer")), time_up=True)

    # ---- actions ---------------------------------------------------------------------------------

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        qtype = self.question.type if self.question is not None else ""
        if action == "reveal":
            return self.phase == ANSWERING and qtype == "open"
        if action == "toggle_language":
            return self.phase == ANSWERING and self.question is not None and bool(self.question.zh)
        if action in ("run_cases", "submit_code", "external_editor"):
            return self.phase == ANSWERING and qtype == "code"
        if action in ("next", "rate", "open_reference"):
            return self.phase == FEEDBACK
        if action == "skip":
            return self.phase == ANSWERING
        if action in ("suspend", "flag"):
            return self.phase in (ANSWERING, FEEDBACK)
        if action == "undo":  # ctrl+z (a parameter) only before anything is typed: after, it is the text box's undo
            return bool(self.session.outcomes) and (self.phase == FEEDBACK or (self.phase == ANSWERING and not (
                parameters and answer_so_far(self.query_one("#answer")).text)))
        return True

    def action_reveal(self) -> None:
        # ctrl+r is a priority binding, so it can run before keys typed just ahead of it have reached
        # the text area (a fast typist, a script): read the answer once the widget has taken them.
        answer = self.query_one("#answer")
        answer.call_later(lambda: self.submit(answer_so_far(answer)))

    def action_submit_code(self) -> None:
        self.action_reveal()

    def action_run_cases(self) -> None:
        if self.question is not None and self.question.type == "code":
            self.query_one(PracticeRun).start(self.question, answer_so_far(self.query_one("#answer")).text)

    def action_external_editor(self) -> None:
        """Edit the code in $VISUAL or $EDITOR; the app steps aside while it runs."""
        from quizzer.tui.widgets.external_editor import edit_in_editor

        edit_in_editor(self.app, self.query_one("#answer"))

    def action_rate(self, rating: int) -> None:
        if self.pending is not None:
            self.pending.chosen = rating
            self.query_one(FeedbackPanel).show_rating(rating, self.pending.proposed)

    async def action_next(self) -> None:
        if self.pending is None:
            return  # already going on (a repeated key)
        self.commit_pending()
        await self.show_next()

    def action_open_reference(self) -> None:
        if self.question is not None and self.question.refs:
            _, url = self.session.library.ref_link(self.question.refs[0])
            self.app.open_url(url)

    async def action_skip(self) -> None:
        if self.question is not None and self.phase == ANSWERING:
            self.session.skip(self.question)
            self.query_one("#status", Static).update(_("Skipped {gid}.").format(gid=self.question.gid))
            await self.show_next()

    async def action_suspend(self) -> None:
        q = self.question
        if q is None:
            return
        self.commit_pending()
        self.session.suspend(q)
        self.query_one("#status", Static).update(
            _("Suspended {gid}: it will not be asked until unsuspended.").format(gid=q.gid))
        await self.show_next()

    def action_flag(self) -> None:
        if self.question is not None:
            self.session.flag(self.question)
            self.query_one("#status", Static).update(
                _("Flagged {gid} as wrong or unclear.").format(gid=self.question.gid))

    async def action_undo(self, untyped: bool = False) -> None:
        """Take back the last answer recorded: as before it, and asked next (after the one on show, if rated)."""
        current = self.question if self.phase == ANSWERING else None
        undone = self.session.undo_last(current)
        if undone is None:
            return
        self.query_one("#status", Static).update(
            _("Took back {gid} ({rating}): as before it, and asked again next.").format(
                gid=undone.question.gid, rating=rating_name(undone.rating)))
        if current is not None:
            await self.show_next()

    def action_end(self) -> None:
        if not self.query_one(FeedbackPanel).ai.cancel():  # Esc first stops an AI request under way
            self.end_session()
