"""One input widget per question type; each posts `AnswerSubmitted` and can hand over what is typed so far."""

from __future__ import annotations

import string
from collections.abc import Sequence
from typing import Any, ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.message import Message
from textual.widget import Widget
from textual.widgets import Input, OptionList, SelectionList, TextArea
from textual.widgets.option_list import Option

from quizzer.i18n import N_, _
from quizzer.model import Question

LETTERS = string.ascii_lowercase[:8]  # banks allow at most 8 choices
Response = str | bool | list[str]


class AnswerSubmitted(Message):
    """The user gave an answer: `response` goes to grading, `text` is what the review log keeps."""

    def __init__(self, response: Response, text: str) -> None:
        super().__init__()
        self.response = response
        self.text = text


def choice_label(index: int, choice: str) -> Text:
    # Text, not markup: bank text may contain square brackets.
    return Text(f"{LETTERS[index].upper()}) {' '.join(choice.split())}")


def _key_bindings(action: str) -> list[BindingType]:
    """`1`-`8` and `a`-`h` act on the choice at that position."""
    return [Binding(f"{i + 1},{letter}", f"{action}({i})", show=False) for i, letter in enumerate(LETTERS)]


class ChoiceAnswer(OptionList):
    """`mcq`: arrows and Enter, or a number or letter key, pick one choice and submit it."""

    BINDINGS: ClassVar[list[BindingType]] = _key_bindings("pick")

    def __init__(self, choices: Sequence[str], *, id: str | None = None) -> None:
        super().__init__(*[Option(choice_label(i, c)) for i, c in enumerate(choices)], id=id)
        self.choices = list(choices)

    def action_pick(self, index: int) -> None:
        if index < len(self.choices):
            self.highlighted = index
            self.post_message(AnswerSubmitted(self.choices[index], self.choices[index]))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index)

    def answer_so_far(self) -> AnswerSubmitted:
        return AnswerSubmitted("", "")  # nothing picked yet


def mark_ticks(selections: SelectionList[Any], labels: Sequence[str]) -> None:
    """Write [x] or [ ] before each label, so that a tick does not show by colour alone."""
    for i, label in enumerate(labels):
        ticked = selections.get_option_at_index(i).value in selections.selected
        selections.replace_option_prompt_at_index(i, Text(f"{'[x]' if ticked else '[ ]'} {label}"))


class MultiAnswer(OptionList):
    """`multi`: Space or a number or letter key ticks a choice, Enter submits the ticked ones. Each
    choice wraps (nothing to read is ever cut) and shows [x] or [ ], not a tick by colour alone."""

    BINDINGS: ClassVar[list[BindingType]] = [*_key_bindings("tick"), Binding("space", "tick_highlighted", show=False),
                                             Binding("enter", "submit", N_("Submit"), show=False)]

    def __init__(self, choices: Sequence[str], *, id: str | None = None) -> None:
        self.labels = [choice_label(i, c).plain for i, c in enumerate(choices)]
        self.selected: set[int] = set()
        super().__init__(*[Option(self._prompt(i)) for i in range(len(choices))], id=id)
        self.choices = list(choices)

    def _prompt(self, index: int) -> Text:
        return Text(f"{'[x]' if index in self.selected else '[ ]'} {self.labels[index]}")

    def action_tick(self, index: int) -> None:
        if index < len(self.choices):
            self.highlighted = index
            self.selected ^= {index}
            self.replace_option_prompt_at_index(index, self._prompt(index))

    def action_tick_highlighted(self) -> None:
        if self.highlighted is not None:
            self.action_tick(self.highlighted)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()  # a click ticks, as Space does
        self.action_tick(event.option_index)

    def answer_so_far(self) -> AnswerSubmitted:
        picked = [self.choices[i] for i in sorted(self.selected)]
        return AnswerSubmitted(picked, "; ".join(picked))

    def action_submit(self) -> None:
        self.post_message(self.answer_so_far())


class TrueFalseAnswer(OptionList):
    """`truefalse`: t or f (also y/n, 1/2), or arrows and Enter."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("t,y,1", "pick(True)", N_("True"), show=False),
        Binding("f,n,2", "pick(False)", N_("False"), show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(Option(_("True") + "  (t)"), Option(_("False") + " (f)"), id=id)

    def action_pick(self, value: bool) -> None:
        self.highlighted = 0 if value else 1
        self.post_message(AnswerSubmitted(value, "true" if value else "false"))

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.action_pick(event.option_index == 0)

    def answer_so_far(self) -> AnswerSubmitted:
        return AnswerSubmitted("", "")


class TextAnswer(Input):
    """`short` and `numeric`: a line of text, submitted with Enter (an empty line is ignored)."""

    def __init__(self, placeholder: str, *, id: str | None = None) -> None:
        super().__init__(placeholder=placeholder, id=id)

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        if event.value.strip():
            self.post_message(self.answer_so_far())

    def answer_so_far(self) -> AnswerSubmitted:
        return AnswerSubmitted(self.value, self.value)


class OpenAnswer(TextArea):
    """`open`: an optional written answer; the session screen's reveal key submits it."""

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(id=id, soft_wrap=True, show_line_numbers=False)

    def answer_so_far(self) -> AnswerSubmitted:
        return AnswerSubmitted(self.text, self.text.strip())


class CodeAnswer(TextArea):
    """`code`: a Python editor holding the starter code; the session screen's keys run the cases
    (practice, nothing recorded) or submit."""

    def __init__(self, starter: str, *, id: str | None = None) -> None:
        super().__init__(starter, language="python", theme="monokai", soft_wrap=False, show_line_numbers=True,
                         tab_behavior="indent", id=id)

    def answer_so_far(self) -> AnswerSubmitted:
        return AnswerSubmitted(self.text, self.text)


def answer_widget(q: Question, shown_choices: Sequence[str]) -> Widget:
    """The input that fits the question's type (choices in the order the session shows them)."""
    if q.type == "mcq":
        return ChoiceAnswer(shown_choices, id="answer")
    if q.type == "multi":
        return MultiAnswer(shown_choices, id="answer")
    if q.type == "truefalse":
        return TrueFalseAnswer(id="answer")
    if q.type == "open":
        return OpenAnswer(id="answer")
    if q.type == "code":
        return CodeAnswer(q.starter, id="answer")
    if q.type == "numeric":
        return TextAnswer(f"A number{', in ' + q.unit if q.unit else ''}; Enter to submit", id="answer")
    return TextAnswer("A term or phrase; Enter to submit", id="answer")


def answer_so_far(widget: Widget) -> AnswerSubmitted:
    """What the answer widget holds now (for a timeout or the reveal key)."""
    if isinstance(widget, ChoiceAnswer | MultiAnswer | TrueFalseAnswer | TextAnswer | OpenAnswer | CodeAnswer):
        return widget.answer_so_far()
    return AnswerSubmitted("", "")


def answer_hint(q: Question, count: int) -> str:
    """One line saying how to answer, shown above the input."""
    last = LETTERS[count - 1] if count else "a"
    return {
        "mcq": _("Pick one: ↑↓ and Enter, or 1-{count} / a-{last}.").format(count=count, last=last),
        "multi": _("Tick every right choice: Space or 1-{count} / a-{last}; Enter submits.").format(
            count=count, last=last),
        "truefalse": _("True or false? Press t or f."),
        "short": _("Type your answer and press Enter."),
        "numeric": (_("Type a number (in {unit}) and press Enter.").format(unit=q.unit) if q.unit
                    else _("Type a number and press Enter.")),
        "open": _("Write your answer (optional), then press ctrl+r to reveal the model answer."),
        "code": _("Write {entry}(). ctrl+r runs the cases (practice), ctrl+g submits, ctrl+o opens $EDITOR.").format(
            entry=q.entry),
    }.get(q.type, "")
