"""The study loop on the stats screen: readiness for the interview, calibration of the confidence said
before answers, the questions answered wrong while sure, and the leeches with their wrong answers."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical
from textual.widgets import Static

from quizzer.calibration import calibration, confidently_wrong_list
from quizzer.i18n import N_, _
from quizzer.leeches import ADVICE, leeches
from quizzer.readiness import interview_moment, readiness
from quizzer.render import one_line
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.bars import BarTable

LISTED = 10


class StudyLoopStats(Vertical):
    def compose(self) -> ComposeResult:
        yield Static(_("Readiness on the interview day"), classes="section-title", id="readiness-title")
        yield BarTable(id="readiness", show_cursor=False)
        yield Static(_("Calibration: how sure you were before the answer, and how often you were right"),
                     classes="section-title")
        yield BarTable(id="calibration", show_cursor=False)
        yield Static(id="calibration-note", markup=False)
        yield Static(_("Confidently wrong (sure, and wrong last time): asked first among due questions"),
                     classes="section-title")
        yield Static(id="confidently-wrong", markup=False)
        yield Static(_("Leeches: questions you keep forgetting"), classes="section-title")
        yield Static(id="leeches", markup=False)

    def on_mount(self) -> None:
        self.query_one("#readiness", BarTable).add_columns(N_("category"), N_("readiness"))
        self.query_one("#calibration", BarTable).add_columns(N_("category"), N_("answers"), N_("sure: right"),
                                                             N_("Brier"))

    def show(self) -> None:
        app = app_of(self)
        width = max(30, app.size.width - 12)
        self.show_readiness()
        per, total = calibration(app.store)
        table = self.query_one("#calibration", BarTable)
        table.clear()
        for name, c in [*per.items(), ("total", total)] if per else []:
            sure = c.rate(3)
            table.add_row(name, str(c.answers), table.bar(sure) if sure is not None else table.dim("-"),
                          f"{c.brier:.3f}" if c.brier is not None else "-", key=name)
        table.display = bool(per)
        self.query_one("#calibration-note", Static).update(
            _("Brier: 0 is perfect, always saying 'unsure' scores 0.25.") if per else
            _("No answers with a confidence yet: mock interviews ask how sure you are (settings: reviews too)."))
        wrong = confidently_wrong_list(app.store)
        revealed = _("(no answer: revealed)")
        self.query_one("#confidently-wrong", Static).update(Text("\n".join(
            f"  {x.gid}: {one_line(x.response or revealed, width - len(x.gid))}"
            for x in wrong[:LISTED]) or "  " + _("None.")))
        found = leeches(app.store, int(app.config.values["study"]["leech_threshold"]))
        lines = []
        for leech in found[:LISTED]:
            state = " · " + _("suspended") if leech.suspended else ""
            lines.append(f"  {leech.gid} · " + _("lapses: {n}").format(n=leech.lapses) + state)
            lines += ["      " + _("wrong: {answer}").format(answer=one_line(a, width - 8))
                      for a in leech.wrong_answers[:3]]
        self.query_one("#leeches", Static).update(
            Text("\n".join(lines) + "\n  " + _(ADVICE) if lines else "  " + _("None.")))

    def show_readiness(self) -> None:
        app = app_of(self)
        goal = app.goal
        table = self.query_one("#readiness", BarTable)
        for node in (table, self.query_one("#readiness-title", Static)):
            node.display = goal is not None
        if goal is None:
            return
        pool = [q for q in app.library if not goal.categories or q.category in goal.categories]
        ready = readiness(pool, app.store, app.scheduler, interview_moment(goal.day, app.tz))
        table.clear()
        for name, value in [*sorted(ready.categories.items(), key=lambda kv: kv[1]), ("total", ready.total)]:
            table.add_row(name, table.bar(value), key=name)
