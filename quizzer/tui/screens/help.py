"""`?` or F1 on any screen: that screen's keys (as bound now, keymap included) and how to use it."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import VerticalScroll
from textual.screen import ModalScreen, Screen
from textual.widgets import Static

from quizzer.i18n import N_, _

HOW_TO = {
    "HomeScreen": N_("Your categories with what is seen, due and mastered. Start today's review with r, or pick a "
                  "category with the arrows and quiz it with c. m sets up a timed mock interview; x crams questions "
                  "not yet due, weakest first. With an interview date set, the line under today's counts shows "
                  "the days left and your readiness: the predicted share of questions you would recall that day."),
    "FollowUpScreen": N_("The AI interviewer asks up to two follow-up questions about your answer. Type your "
                         "answer and press Enter; Esc skips the rest. Your answers are kept in the mock interview's "
                         "report; they are not scheduled for review."),
    "SessionScreen": N_("Answer with the keys shown below the question. After the feedback, 1-4 change the proposed "
                     "rating and Enter goes on; every answer is saved before the next question. A missed question "
                     "comes back later in the session, marked 'again'. Code questions: ctrl+r runs the cases "
                     "without recording, ctrl+g submits, ctrl+o opens your $EDITOR. u (or ctrl+z before typing) takes "
                     "back the last answer: its schedule is as before and it is asked again."),
    "SummaryScreen": N_("How the session went, what to revisit and what is due. u takes back the last answer. "
                     "Enter or Esc goes back."),
    "BrowseScreen": N_("Type to search (fuzzy), filter with the selects, ↓ to the list, Enter to read a question. "
                    "ctrl+t suspends or resumes the highlighted question, ctrl+f flags it as wrong or unclear."),
    "QuestionScreen": N_("One question with its answer and references. n quizzes it now; o opens its article."),
    "StatsScreen": N_("Reviews over the last six months, what falls due, and retention and mastery per category; "
                   "then readiness for the interview, calibration of how sure you were, the questions you got "
                   "wrong while sure, and the leeches."),
    "SettingsScreen": N_("Desired retention, daily limits and theme, saved in the config file "
                      "(`quizzer config path` shows where). Esc leaves without saving."),
    "MockSetupScreen": N_("Tick the categories, set the number of questions and the minutes per question, then start "
                       "(ctrl+s). Questions come from the chosen categories and levels in turn."),
}


class HelpScreen(ModalScreen[None]):
    """The keys of the screen below, and a few sentences on using it; Esc closes."""

    BINDINGS: ClassVar[list[BindingType]] = [Binding("escape,question_mark,f1,q", "app.pop_screen", N_("Close"),
                                                     id="help.close")]

    def __init__(self, under: Screen[Any]) -> None:
        super().__init__()
        self.under = under

    def compose(self) -> ComposeResult:
        name = type(self.under).__name__
        lines = Text()
        lines.append(_("Keys") + "\n", style="bold")
        seen: set[str] = set()
        # The screen's own keys first; of the focused widget's, only those it shows (not every arrow).
        actives = sorted(self.under.active_bindings.values(), key=lambda a: a.node is not self.under)
        for active in actives:
            binding = active.binding
            if not binding.description or binding.action in seen or (active.node is not self.under
                                                                        and not binding.show):
                continue
            seen.add(binding.action)
            lines.append(f"  {self.app.get_key_display(binding):<14}", style="bold")
            lines.append(f"{_(binding.description)}\n")
        for keys, what in (("f1 / ?", _("this help")), ("ctrl+p", _("every command")),
                           ("ctrl+q", _("quit (every answer is saved)"))):
            lines.append(f"  {keys:<14}", style="bold")
            lines.append(f"{what}\n")
        with VerticalScroll(id="help-body"):
            yield Static(Text(_(HOW_TO[name]) if name in HOW_TO else ""), id="help-how", markup=False)
            yield Static(lines, id="help-keys", markup=False)
            yield Static(_("Esc closes this help."), id="help-close", markup=False)
