"""Browse: fuzzy search as you type, filters by category, level and type; open a question or quiz it now."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, VerticalScroll
from textual.screen import Screen
from textual.widgets import DataTable, Input, Markdown, Select, Static

from quizzer.answers import reading_markdown
from quizzer.i18n import N_, _
from quizzer.labels import question_meta, type_name
from quizzer.model import LEVELS, QUESTION_TYPES, Question
from quizzer.params import example
from quizzer.plaintext import to_text
from quizzer.render import one_line
from quizzer.search import SearchIndex
from quizzer.session import mark, state_of
from quizzer.study_queue import DueRule
from quizzer.studyday import day_end
from quizzer.translation import translated
from quizzer.tui.nav import app_of
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.titlebar import TitleBar

RESULT_LIMIT = 500


STATES = {"new": N_("new"), "learning": N_("learning"), "due": N_("due"), "review": N_("review"),
          "suspended": N_("suspended"), "flagged": N_("flagged"), "leech": N_("leech")}
STATE_WIDTH = 12


class BrowseScreen(Screen[None]):
    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="browse.back"),
        Binding("ctrl+l", "focus_search", N_("Search"), id="browse.search"),
        Binding("enter", "open", N_("Open"), id="browse.open"),
        Binding("ctrl+n", "quiz_now", N_("Quiz it now"), id="browse.quiz_now"),
        Binding("ctrl+t", "toggle_mark('suspended')", N_("Suspend/resume"), id="browse.suspend"),
        Binding("ctrl+f", "toggle_mark('flagged')", N_("Flag/unflag"), id="browse.flag"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.index: SearchIndex | None = None
        self.results: list[Question] = []
        self.states: dict[str, str] = {}

    def compose(self) -> ComposeResult:
        yield TitleBar()
        yield Input(placeholder=_("Search prompts, tags and ids (fuzzy); ↓ to the list, Enter opens"), id="search")
        with Horizontal(id="filters"):
            yield Select[str]([], prompt=_("All categories"), id="filter-category", compact=True)
            yield Select([(f"{n} {_(name)}", n) for n, name in LEVELS.items()], prompt=_("All levels"),
                         id="filter-level", compact=True)
            yield Select([(type_name(t), t) for t in QUESTION_TYPES], prompt=_("All types"), id="filter-type",
                         compact=True)
            yield Select([(_(name), s) for s, name in STATES.items()], prompt=_("Any state"), id="filter-state",
                         compact=True)
        yield DataTable(id="results", cursor_type="row")
        yield Static(id="result-count", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        library = app_of(self).library
        self.index = SearchIndex(list(library))  # built on show, not at start-up
        self.query_one("#filter-category", Select).set_options((c, c) for c in library.categories())
        self.query_one("#results", DataTable).add_columns(_("id"), _("type"), _("level"), _("state"), _("prompt"))
        self.read_states()
        self.refresh_results()
        self.query_one("#search", Input).focus()

    def filter_value(self, selector: str) -> Any:
        value = self.query_one(selector, Select).value
        return None if value is Select.NULL else value

    @on(Input.Changed, "#search")
    @on(Select.Changed)
    def refresh_results(self) -> None:
        if self.index is None:
            return
        category, level, qtype, state = (self.filter_value(s) for s in ("#filter-category", "#filter-level",
                                                                        "#filter-type", "#filter-state"))
        query = self.query_one("#search", Input).value
        hits = self.index.search(query, limit=len(self.index.questions) or 1)
        self.results = [q for q in hits if (category is None or q.category == category)
                        and (level is None or q.level == level) and (qtype is None or q.type == qtype)
                        and (state is None or state in self.states.get(q.gid, "new").split(", "))]
        table = self.query_one("#results", DataTable)
        table.clear()
        # The id is shown whole (it is what `quizzer show` takes); the prompt's start fills what is left
        # of the width after type, level, cell padding and margins, as plain text (no raw Markdown).
        free = max(40, self.app.size.width - 26 - STATE_WIDTH)
        gid_width = max((len(q.gid) for q in self.results[:RESULT_LIMIT]), default=2)
        for q in self.results[:RESULT_LIMIT]:
            # Cells as Text: DataTable reads plain strings as markup, and bank text is never markup.
            states = ", ".join(_(STATES.get(s, s)) for s in self.states.get(q.gid, "new").split(", "))
            prompt = example(translated(q, app_of(self).lang)).prompt
            table.add_row(Text(q.gid), Text(type_name(q.type)), Text(f"L{q.level}"), Text(states),
                          Text(one_line(to_text(prompt), max(12, free - gid_width))), key=q.gid)
        shown = min(len(self.results), RESULT_LIMIT)
        count = _("{shown} of {total} questions").format(shown=shown, total=len(self.index.questions))
        if shown < len(self.results):
            count += " " + _("(the first {shown} of {matches} matches)").format(shown=shown, matches=len(self.results))
        self.query_one("#result-count", Static).update(count)

    def highlighted(self) -> Question | None:
        table = self.query_one("#results", DataTable)
        row = table.cursor_row
        return self.results[row] if 0 <= row < min(len(self.results), RESULT_LIMIT) else None

    @on(Input.Submitted, "#search")
    def open_first(self) -> None:
        self.open_highlighted()

    def on_key(self, event: events.Key) -> None:
        if event.key == "down" and self.focused is self.query_one("#search", Input):
            event.stop()
            self.query_one("#results", DataTable).focus()

    @on(DataTable.RowSelected, "#results")
    def open_highlighted(self) -> None:
        q = self.highlighted()
        if q is not None:
            self.app.push_screen(QuestionScreen(q))

    def action_open(self) -> None:
        self.open_highlighted()

    def action_focus_search(self) -> None:
        self.query_one("#search", Input).focus()

    def action_quiz_now(self) -> None:
        q = self.highlighted()
        if q is not None:
            app_of(self).quiz_question(q)

    def read_states(self) -> None:
        """Each question's state from the store: new, learning, due or review; suspended; flagged."""
        app = app_of(self)
        now = app.clock()
        rule = DueRule(now, day_end(now, app.tz))
        leech = int(app.config.values["study"]["leech_threshold"])
        self.states = {gid: state_of(card, rule.is_due(card), leech) for gid, card in app.store.cards().items()}

    def action_toggle_mark(self, flag: str) -> None:
        """Suspend or resume, flag or unflag the highlighted question; the list shows it at once."""
        q = self.highlighted()
        if q is None:
            return
        app = app_of(self)
        on = flag not in self.states.get(q.gid, "new").split(", ")
        mark(app.store, q, flag, on, app.clock())
        self.read_states()
        row = self.query_one("#results", DataTable).cursor_row
        self.refresh_results()
        self.query_one("#results", DataTable).move_cursor(row=row)
        done = {"suspended": (N_("{gid} suspended."), N_("{gid} resumed.")),
                "flagged": (N_("{gid} flagged."), N_("{gid} unflagged."))}[flag][0 if on else 1]
        self.query_one("#result-count", Static).update(_(done).format(gid=q.gid))

    def on_resize(self) -> None:
        if self.index is not None:  # the id and prompt columns take the width there is now
            self.refresh_results()

    def on_screen_resume(self) -> None:
        if self.index is not None:  # back from a quiz or a question: the states may have changed
            self.read_states()
            self.refresh_results()


class QuestionScreen(Screen[None]):
    """One question with its answer and references, to read; `ctrl+n` quizzes it now."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("escape", "app.pop_screen", N_("Back"), id="question.back"),
        Binding("ctrl+n,n", "quiz_now", N_("Quiz it now"), id="question.quiz_now"),
        Binding("o", "open_reference", N_("Open article"), id="question.open_reference"),
        Binding("ctrl+l", "toggle_language", N_("中/EN"), id="question.toggle_language"),
    ]

    def __init__(self, question: Question) -> None:
        super().__init__()
        self.question = question
        self.lang = "en"  # the language it is shown in, set on mount

    def compose(self) -> ComposeResult:
        yield TitleBar()
        with VerticalScroll(classes="page", id="question-view"):
            yield Static(id="question-meta", markup=False)
            yield Markdown(id="question-md")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show(app_of(self).lang)
        self.query_one("#question-view", VerticalScroll).focus()

    def show(self, lang: str) -> None:
        self.lang = lang
        q = translated(self.question, lang)
        self.query_one("#question-meta", Static).update(question_meta(q))
        self.query_one("#question-md", Markdown).update(reading_markdown(app_of(self).library, q))

    def action_toggle_language(self) -> None:
        """The question in the other language, as in a session (to check a term)."""
        self.show("en" if self.lang == "zh" else "zh")

    def action_quiz_now(self) -> None:
        app_of(self).quiz_question(self.question)

    def action_open_reference(self) -> None:
        if self.question.refs:
            self.app.open_url(app_of(self).library.ref_link(self.question.refs[0])[1])
