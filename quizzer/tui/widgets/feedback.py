"""What the user sees after answering: verdict, answer, explanation, references and the rating to confirm."""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.containers import Vertical, VerticalScroll
from textual.widgets import Markdown, Static

from quizzer.answer_history import previous_line
from quizzer.answers import answer_line, code_markdown, teaching_markdown
from quizzer.grading import Grade
from quizzer.i18n import _
from quizzer.labels import RATINGS, VERDICT_MARKS, rating_name, verdict_text
from quizzer.model import Library, Question
from quizzer.records import ReviewRow
from quizzer.tui.widgets.ai_feedback import AIFeedbackView


class FeedbackPanel(Vertical):
    """The teaching part scrolls (arrows, page keys) so long explanations fit 80x24; the rating stays in view."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {"feedback--chosen", "feedback--other"}

    def compose(self) -> ComposeResult:
        with VerticalScroll(id="feedback-body"):
            yield Static(id="verdict", markup=False)
            yield Static(id="your-answer", markup=False)
            yield Static(id="correct-answer", markup=False)
            yield Static(id="previous-answer", markup=False)
            yield AIFeedbackView(id="ai-feedback")
            yield Markdown(id="explanation")
        yield Static(id="rating")

    @property
    def ai(self) -> AIFeedbackView:
        return self.query_one(AIFeedbackView)

    def focus_body(self) -> None:
        self.query_one("#feedback-body", VerticalScroll).focus()

    def show(self, library: Library, q: Question, result: Grade, text: str,
             previous: ReviewRow | None = None) -> None:
        self.ai.clear()
        verdict = self.query_one("#verdict", Static)
        verdict.set_classes(f"-{result.verdict}")
        if q.type == "open":
            headline = _("Compare your answer with the model answer, then rate yourself.")
            if not text:
                headline = _("Answer revealed. Rate how well you knew it.")
        else:
            headline = verdict_text(result.verdict)
        note = f" {result.note}" if result.note and (text or q.type != "open") else ""
        verdict.update(f"{VERDICT_MARKS.get(result.verdict, '')} {headline}{note}")
        your = self.query_one("#your-answer", Static)
        your.update(_("Your answer: {text}").format(text=" ".join(text.split())) if text else "")
        your.display = bool(text) and q.type not in ("open", "code")
        correct = self.query_one("#correct-answer", Static)
        correct.update(_("Answer: {answer}").format(answer=answer_line(q)))
        correct.display = q.type not in ("open", "code")
        shown = self.query_one("#previous-answer", Static)
        # The user's own earlier answer, to see whether this one is better (Text: never markup).
        shown.update(Text(f"{previous_line(previous)}\n{previous.response.rstrip()}") if previous else "")
        shown.display = previous is not None
        body = (code_markdown(library, q, result.run) if q.type == "code"
                else teaching_markdown(library, q, result.covered, bool(text)))
        self.query_one("#explanation", Markdown).update(body)
        self.query_one("#feedback-body", VerticalScroll).scroll_home(animate=False)

    def show_rating(self, chosen: int, proposed: int, by_ai: bool = False) -> None:
        line = Text(_("Rating: "))
        for value in RATINGS:
            style = "feedback--chosen" if value == chosen else "feedback--other"
            mark = "▶" if value == chosen else " "  # the choice shows by a marker too, not by colour alone
            line.append(f"{mark}{value} {rating_name(value)} ", style=self.get_component_rich_style(style))
            line.append(" ")
        proposal = (_("(proposed {rating} by the AI) · Enter: next") if by_ai
                    else _("(proposed {rating}) · Enter: next"))
        line.append(proposal.format(rating=rating_name(proposed)))
        self.query_one("#rating", Static).update(line)
