"""After a session (or a mock interview): score, per category, time, weakest topics, what to revisit, what is due."""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import Screen
from textual.widgets import Static

from quizzer.i18n import N_, _
from quizzer.labels import rating_name
from quizzer.render import fmt_due, one_line
from quizzer.session import Outcome, Session, Summary
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.ai_report import AIReportView
from quizzer.tui.widgets.bars import BarTable
from quizzer.tui.widgets.keybar import KeyBar


def answers_given(outcomes: Sequence[Outcome], width: int) -> str:
    """Each question with the answer given and its rating, a few lines each."""
    blocks = []
    for o in outcomes:
        text = o.response.strip() or _("(no answer: revealed)")
        lines = text.splitlines()
        shown = "\n".join(f"    {one_line(line, max(20, width - 8))}" for line in lines[:6])
        more = "\n    ... " + _("({n} more lines)").format(n=len(lines) - 6) if len(lines) > 6 else ""
        blocks.append(f"  {o.question.gid} · {rating_name(o.rating)}\n{shown}{more}")
    return "\n".join(blocks)


def fmt_seconds(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes}m{secs:02d}s"


class SummaryScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape,enter", "done", N_("Done"), id="summary.done"),
        Binding("r", "review", N_("Review"), id="summary.review"),
        Binding("s", "stats", N_("Stats"), id="summary.stats"),
        Binding("u", "undo", N_("Undo last answer"), id="summary.undo"),
    ]

    def __init__(self, session: Session, summary: Summary, title: str) -> None:
        super().__init__()
        self.session, self.summary, self.title_text = session, summary, title

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="summary", classes="page"):
            yield Static(id="summary-title", classes="page-title", markup=False)
            yield Static(id="score", markup=False)
            yield BarTable(id="per-category", show_cursor=False)
            yield Static(id="weakest", markup=False)
            yield Static(id="revisit", markup=False)
            yield Static(id="answers-given", markup=False)
            yield Static(id="due-tomorrow", markup=False)
            yield AIReportView(id="ai-report")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#per-category", BarTable).add_columns(N_("category"), N_("answered"), N_("correct"),
                                                              N_("score"))
        self.show()

    def show(self) -> None:
        s, library = self.summary, self.session.library
        report = _("report") if s.kind == "mock" else _("session over")
        self.query_one("#summary-title", Static).update(f"{self.title_text} · {report}")
        skipped = len(self.session.skipped)
        if s.answered:
            score = _("Score: {correct} of {answered} correct ({score:.0%}) in {time}.").format(
                correct=s.correct, answered=s.answered, score=s.score, time=fmt_seconds(s.seconds))
        else:
            score = _("Nothing answered.")
        if skipped:
            score += " " + _("Skipped: {n}.").format(n=skipped)
        self.query_one("#score", Static).update(score)
        table = self.query_one("#per-category", BarTable)
        table.clear()
        for category, (answered, correct) in s.per_category.items():
            table.add_row(category, str(answered), str(correct), table.bar(correct / answered if answered else 0))
        table.display = bool(s.per_category)
        weakest = self.query_one("#weakest", Static)
        weakest.update(_("Weakest topics: ") + ", ".join(f"{t} ({ok}/{n})" for t, n, ok in s.weakest_tags))
        weakest.display = bool(s.weakest_tags)
        revisit = self.query_one("#revisit", Static)
        width = max((len(gid) for gid in s.to_revisit), default=0)
        room = max(20, self.app.size.width - width - 10)  # the prompt's start fits on the line, "…" included
        lines = [f"  {gid:<{width}}  {one_line(q.prompt, room) if (q := library.get(gid)) else ''}"
                 for gid in s.to_revisit]
        revisit.update(_("Questions to revisit:") + "\n" + "\n".join(lines))
        revisit.display = bool(s.to_revisit)
        due = _("Due by the end of tomorrow: {n}.").format(n=s.due_tomorrow)
        if s.next_due:
            due += " " + _("Next review {when}.").format(when=fmt_due(s.next_due, self.session.clock()))
        self.query_one("#due-tomorrow", Static).update(due)
        self.query_one(AIReportView).start(app_of(self).ai_settings(), self.session)
        given = self.query_one("#answers-given", Static)
        given.display = s.kind == "mock" and bool(self.session.outcomes)
        if given.display:  # the mock's report: each answer as given, to read back as an interviewer would
            given.update(Text(_("Your answers:") + "\n").append(
                answers_given(self.session.outcomes, self.app.size.width)))

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "undo":
            return bool(self.session.outcomes)
        return True

    def action_undo(self) -> None:
        """Take back the session's last answer: its schedule is as before the answer."""
        undone = self.session.undo_last()
        if undone is None:
            return
        self.summary = self.session.finish()
        self.show()
        self.refresh_bindings()
        self.notify(_("Took back your answer to {gid} ({rating}): its schedule is as before.").format(
            gid=undone.question.gid, rating=rating_name(undone.rating)), timeout=6, markup=False)

    def action_done(self) -> None:
        self.app.pop_screen()  # back to where the session started: home, or the question browsed

    def action_review(self) -> None:
        app_of(self).start_review()

    def action_stats(self) -> None:
        # The session is over: leave it for good, so that Esc from the stats goes home, not back here.
        app = app_of(self)
        app.pop_screen()
        app.open_stats()
