"""Whole flows through the app, driven headless with keys, checked against what the database holds."""

from __future__ import annotations

import json
import subprocess
import sys
import tomllib
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from textual import events
from textual.widgets import DataTable, Input, Select

from quizzer.cli import Context
from quizzer.config import load as load_config
from quizzer.errors import StoreError
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp
from quizzer.tui.screens.browse import BrowseScreen, QuestionScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.mock import MockSetupScreen
from quizzer.tui.screens.session import FEEDBACK, SessionScreen
from quizzer.tui.screens.settings import SettingsScreen
from quizzer.tui.screens.stats import StatsScreen
from quizzer.tui.screens.summary import SummaryScreen
from quizzer.tui.widgets.bars import BarTable
from quizzer.tui.widgets.keybar import KeyBar
from quizzer.tui.widgets.question_timer import QuestionTimer
from quizzer.tui.widgets.titlebar import TitleBar

from .conftest import TEST_BANKS, Clock, Ticker
from .driver import (
    answer,
    go_on,
    headless,
    open_settings,
    ratings_by_gid,
    session_screen,
    start_mock,
    wait_for,
    wait_for_question,
)

AppFactory = Callable[..., QuizzerApp]
SIZE = (100, 32)


def summary_of(app: QuizzerApp) -> Any:
    screen = app.screen
    assert isinstance(screen, SummaryScreen)
    return screen.summary


def sessions(store: Store) -> list[dict[str, Any]]:
    return [dict(r) for r in store.conn.execute("SELECT kind, filters, ended_at FROM sessions")]


@headless
async def test_daily_review_answers_every_type_and_records_each(new_app: AppFactory, store: Store,
                                                                  clock: Clock) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await pilot.press("r")
        # (type answered, right?, rating pressed before going on): right and wrong across the run.
        plan = [("truefalse", True, None), ("mcq", True, None), ("short", False, None), ("multi", False, None),
                ("numeric", True, None), ("open", True, 4),
                # the two missed ones come back as learning steps the same day
                ("short", True, None), ("multi", True, None)]
        for qtype, right, rating in plan:
            clock.advance(seconds=5)  # distinct review times keep the log's order
            q = await answer(pilot, right)
            assert q.type == qtype
            screen = session_screen(app)
            assert screen.pending is not None and screen.pending.result.correct is (right or qtype == "open")
            await go_on(pilot, rating)
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        summary = summary_of(app)
        # Correct means not rated Again: the partly right multi (Hard) counts, the wrong short does not.
        assert (summary.answered, summary.correct) == (8, 7)
        assert summary.per_category == {"base": (4, 3), "inference": (4, 4)}
        assert [t for t, _, _ in summary.weakest_tags] == ["kv-cache"]
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")
    assert ratings_by_gid(store) == {
        "base/bf16-exponent": [4], "inference/kv-cache-purpose": [4], "base/paged-attention-name": [1, 4],
        "inference/decode-bound": [4], "base/fp16-weights-7b": [4], "inference/batching-kinds": [2, 4]}
    [row] = sessions(store)
    assert row["kind"] == "review" and row["ended_at"] is not None


@headless
async def test_mock_interview_times_out_and_reports(new_app: AppFactory, store: Store, ticker: Ticker) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        screen = await start_mock(pilot, 3)
        assert screen.time_limits["open"] == 180 and screen.time_limits["mcq"] == 60
        first = screen.question
        assert first is not None
        timer = screen.query_one(QuestionTimer)
        limit = screen.time_limits[first.type]
        assert str(timer.render()) == f"⏱ {int(limit) // 60}:00" and not timer.has_class("-urgent")
        ticker.now += limit - 10  # the last seconds stand out
        await wait_for(pilot, lambda: str(timer.render()) == "⏱ 0:10" and timer.has_class("-urgent"), "10 s left")
        # The clock runs out before any answer: what is there (nothing) is submitted and graded.
        ticker.now += 11
        await wait_for(pilot, lambda: screen.phase == FEEDBACK, "the timeout to submit")
        await go_on(pilot)
        await answer(pilot, right=True)
        await go_on(pilot, 4)
        await answer(pilot, right=True)
        await go_on(pilot, 4)
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the report")
        report = summary_of(app)
        assert report.kind == "mock" and report.answered == 3
        if first.type != "open":  # an open question is self-rated, so its timeout may still count as right
            assert report.to_revisit == [first.gid]
    found = ratings_by_gid(store)
    assert sum(len(v) for v in found.values()) == 3  # a mock interview asks each question once
    assert found[first.gid] == [1 if first.type != "open" else 3]
    [row] = sessions(store)
    assert row["kind"] == "mock" and json.loads(row["filters"])["count"] == 3


@headless
async def test_browse_search_open_and_quiz_now(new_app: AppFactory, store: Store) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), "browse")
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        await pilot.press(*"pagedattn")
        await wait_for(pilot, lambda: [q.gid for q in browse.results][:1] == ["base/paged-attention-name"],
                       "the search to find the question")
        browse.query_one("#filter-type", Select).value = "mcq"
        await wait_for(pilot, lambda: all(q.type == "mcq" for q in browse.results), "the type filter")
        assert "base/paged-attention-name" not in [q.gid for q in browse.results]
        browse.query_one("#filter-type", Select).clear()
        await wait_for(pilot, lambda: bool(browse.results) and browse.results[0].type == "short", "no filter")
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionScreen), "the question")
        await pilot.press("n")
        q = await answer(pilot, right=True)
        assert q.gid == "base/paged-attention-name"
        await go_on(pilot)
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionScreen), "back to the question")
    assert ratings_by_gid(store) == {"base/paged-attention-name": [4]}
    [row] = sessions(store)
    assert row["kind"] == "quiz" and json.loads(row["filters"]) == {"ids": ["base/paged-attention-name"]}


@headless
async def test_settings_are_saved_and_applied(new_app: AppFactory, store: Store, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("# my notes\n[study]\nnew_per_day = 10  # keep it small\n")
    app = new_app(config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        assert app.theme == "textual-dark"
        screen = await open_settings(pilot)
        screen.query_one("#desired_retention", Input).value = "0.85"
        screen.query_one("#new_per_day", Input).value = "5"
        screen.query_one("#reviews_per_day", Input).value = "50"
        screen.query_one("#theme", Select).value = "textual-light"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.theme == "textual-light", "the theme to apply")
        screen.query_one("#new_per_day", Input).value = "-3"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "between 0 and 10000" in str(screen.query_one("#settings-error").render())
    saved = tomllib.loads(path.read_text())
    assert saved == {"study": {"desired_retention": 0.85, "new_per_day": 5, "reviews_per_day": 50},
                     "ui": {"theme": "textual-light"}}
    assert "# my notes" in path.read_text()  # the user's comments survive
    assert store.settings() == {}  # settings live in the config file, not the progress database
    assert app.scheduler.settings.new_per_day == 5 and app.scheduler.settings.desired_retention == 0.85


@headless
async def test_language_chosen_in_settings_is_saved_and_speaks_at_once(new_app: AppFactory, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    app = new_app(config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        (await open_settings(pilot)).query_one("#language", Select).value = "zh"
        await pilot.press("ctrl+s")
        await wait_for(pilot, lambda: app.lang == "zh", "the language to apply")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await wait_for(pilot, lambda: "今天：" in str(app.screen.query_one("#overview").render()), "Chinese labels")
    assert tomllib.loads(path.read_text())["ui"]["language"] == "zh"


@headless
async def test_new_limit_from_settings_shapes_the_review(new_app: AppFactory, tmp_path: Path) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[study]\nnew_per_day = 2\n")
    app = new_app(start="review", config=load_config(path))
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_question(pilot)
        assert screen.session.total == 2


@headless
async def test_quitting_mid_session_keeps_every_answer(new_app: AppFactory, store: Store, clock: Clock) -> None:
    app = new_app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, right=True)
        await go_on(pilot)
        clock.advance(seconds=5)
        await answer(pilot, right=True)  # the mcq: feedback on show, not yet recorded
        assert ratings_by_gid(store) == {"base/bf16-exponent": [4]}
        await pilot.press("ctrl+q")
    # The answer on show is recorded with its proposed rating (Easy for a quick right pick).
    assert ratings_by_gid(store) == {"base/bf16-exponent": [4], "inference/decode-bound": [4]}
    assert sessions(store)[0]["ended_at"] is not None


@headless
async def test_reveal_waits_for_the_keys_typed_before_it(new_app: AppFactory, store: Store) -> None:
    """Keys sent in one burst (a fast typist, tmux send-keys) all reach the answer before ctrl+r reads it."""
    app = new_app(start="quiz", filters={"types": ["open"], "count": 1})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_question(pilot)
        assert screen.question is not None and screen.question.type == "open"
        typed = "kv cache holds keys and values"
        for char in typed:  # posted without waiting in between, as a terminal delivers a burst
            app.post_message(events.Key("space" if char == " " else char, char))
        app.post_message(events.Key("ctrl+r", None))
        await wait_for(pilot, lambda: screen.phase == FEEDBACK, "the feedback")
        assert screen.pending is not None and screen.pending.text == typed
        await go_on(pilot)
    assert [r.response for r in store.iter_reviews() if r.gid == "inference/kv-cache-purpose"] == [typed]


@headless
async def test_feedback_opens_the_article_in_the_browser(new_app: AppFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    app = new_app(start="review")
    opened: list[str] = []
    monkeypatch.setattr(app, "open_url", lambda url, **_: opened.append(url))
    async with app.run_test(size=SIZE) as pilot:
        q = await answer(pilot, right=True)
        await pilot.press("o")
        await wait_for(pilot, lambda: bool(opened), "the article to open")
    assert opened == [app.library.ref_link(q.refs[0])[1]]
    assert opened[0].startswith("https://")


@headless
async def test_ending_a_session_early_shows_its_summary(new_app: AppFactory, store: Store) -> None:
    app = new_app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, right=False)
        await go_on(pilot)
        await wait_for_question(pilot)
        await pilot.press("ctrl+s")  # skip the open question
        screen = await wait_for_question(pilot)
        assert screen.question is not None and screen.question.type == "short"
        await pilot.press("ctrl+f", "ctrl+t")  # flag, then suspend, the short question
        await wait_for_question(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        summary = summary_of(app)
        assert (summary.answered, summary.correct, summary.to_revisit) == (1, 0, ["base/bf16-exponent"])
    card = store.card("base/paged-attention-name")
    assert card is not None and card.flagged and card.suspended
    assert ratings_by_gid(store) == {"base/bf16-exponent": [1]}


@headless
async def test_quiz_start_with_cli_filters(new_app: AppFactory) -> None:
    app = new_app(start="quiz", filters={"categories": ["inference"], "count": 2, "levels": [], "types": [],
                                         "tags": [], "new_only": False, "due_only": False})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_question(pilot)
        assert screen.session.kind == "quiz" and screen.session.total == 2
        assert screen.question is not None and screen.question.category == "inference"


@headless
async def test_home_table_picks_a_category_by_keys_or_mouse(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        table = app.screen.query_one(BarTable)
        await wait_for(pilot, lambda: table.row_count == 8 and table.has_focus, "the categories")
        await pilot.press("end", "up")  # applications is last; inference just above it
        assert table.cursor_row == 6
        await pilot.press("enter")
        screen = await wait_for_question(pilot)
        assert screen.session.kind == "quiz" and screen.question is not None
        assert screen.question.category == "inference"
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        # A click moves the cursor; a click on the highlighted row opens its quiz.
        await pilot.click(BarTable, offset=(3, 1))  # row 0 (base), under the header line
        assert table.cursor_row == 0
        await pilot.click(BarTable, offset=(3, 1))
        screen = await wait_for_question(pilot)
        assert screen.question is not None and screen.question.category == "base"


@headless
async def test_key_bar_shows_the_keys_that_act_and_a_click_presses_one(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        bar = app.screen.query_one(KeyBar)
        await wait_for(pilot, lambda: bool(bar.placed), "the key bar")
        shown = [k.display for _, k in bar.placed]
        assert shown == ["r", "c", "m", "b", "s", "o", "q", "^p"]
        x = next(x for x, k in bar.placed if k.key == "b")
        await pilot.click(KeyBar, offset=(x + 2, 0))
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), "browse")
        browse_bar = app.screen.query_one(KeyBar)
        await wait_for(pilot, lambda: bool(browse_bar.placed), "browse's key bar")
        assert "r" not in [k.display for _, k in browse_bar.placed]  # home's keys are gone


@headless
async def test_a_click_on_the_title_opens_the_command_palette(new_app: AppFactory) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        assert "interview prep" in str(app.screen.query_one(TitleBar).render())
        await pilot.click(TitleBar)
        await wait_for(pilot, lambda: app.screen.id == "--command-palette", "the palette")


@headless
async def test_command_palette_reaches_every_screen(new_app: AppFactory) -> None:
    app = new_app()
    # What a user types (the start of each command's title) and where the top hit leads.
    targets = {"statis": StatsScreen, "browse": BrowseScreen, "settin": SettingsScreen, "mock": MockSetupScreen,
               "today": SessionScreen, "quiz: base": SessionScreen, "home": HomeScreen}
    async with app.run_test(size=SIZE) as pilot:
        for title, screen_class in targets.items():
            await pilot.press("ctrl+p")
            await wait_for(pilot, lambda: app.screen.id == "--command-palette", "the palette")
            await pilot.press(*title)
            await pilot.pause()
            await pilot.press("enter")

            def arrived(expected: type = screen_class) -> bool:
                return type(app.screen) is expected

            await wait_for(pilot, arrived, f"{title} to open")


@headless
async def test_nothing_due_says_so_on_home(new_app: AppFactory, tmp_path: Path,
                                           monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "config.toml"
    path.write_text("[study]\nnew_per_day = 0\n")
    app = new_app(config=load_config(path))
    said: list[str] = []
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(f"{kw.get('title', '')}: {message}"))
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, HomeScreen)
        assert any("All done for today" in s for s in said)


def test_opening_the_app_on_a_damaged_database_is_a_store_error(tmp_path: Path) -> None:
    damaged = tmp_path / "q.db"
    damaged.write_bytes(b"this is not a database" * 10)
    with pytest.raises(StoreError, match="not a SQLite database"):  # main() prints it as one line
        Context((str(TEST_BANKS),), str(damaged)).run_app()


def test_run_app_wires_the_store_and_closes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    db = tmp_path / "q.db"
    Store.open(db).set_setting("new_per_day", 3)  # as an earlier version kept it: moved to the config file
    seen: dict[str, Any] = {}

    def fake_run(self: QuizzerApp) -> None:
        seen.update(start=self.start, filters=self.filters, new=self.scheduler.settings.new_per_day,
                    now=self.clock(), store=self.store)

    monkeypatch.setattr(QuizzerApp, "run", fake_run)
    Context((str(TEST_BANKS),), str(db)).run_app(start="quiz", filters={"count": 4})
    assert (seen["start"], seen["filters"], seen["new"]) == ("quiz", {"count": 4}, 3)
    assert tomllib.loads((tmp_path / "config.toml").read_text()) == {"study": {"new_per_day": 3}}
    assert seen["now"].tzinfo is not None
    with pytest.raises(Exception, match="closed"):
        seen["store"].conn.execute("SELECT 1")


def test_the_home_screen_loads_no_fsrs(tmp_path: Path) -> None:
    """Start-up pays only for what home shows: scheduling loads with the first answer."""
    code = f"""
import sys
from datetime import UTC, datetime
from quizzer.cli import Context
from quizzer.tui.app import make_app
from quizzer.tui.screens.home import HomeScreen

async def home_then_quit(pilot):
    while not isinstance(pilot.app.screen, HomeScreen):
        await pilot.pause(0.05)
    await pilot.pause()
    pilot.app.exit()

obj = Context(({str(TEST_BANKS)!r},), {str(tmp_path / "q.db")!r})
with obj.open_store() as store:
    make_app(obj.library(), store, obj.scheduler(store), lambda: datetime.now(UTC)).run(
        headless=True, auto_pilot=home_then_quit)
print("fsrs" in sys.modules)
"""
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "False"


@headless
async def test_unreadable_input_is_asked_again_and_not_recorded(new_app: AppFactory, store: Store) -> None:
    app = new_app(start="quiz", filters={"types": ["numeric"], "count": 1})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_question(pilot)
        await pilot.press(*"lots", "enter")
        await wait_for(pilot, lambda: "Type a number" in str(screen.query_one("#status").render()), "the hint")
        assert screen.phase != FEEDBACK and store.review_count() == 0
        screen.query_one("#answer", Input).value = "14"
        await pilot.press("enter")
        await wait_for(pilot, lambda: screen.phase == FEEDBACK, "the feedback")
        await pilot.press("enter")
    assert list(ratings_by_gid(store).values()) == [[4]]


@headless
async def test_revealing_an_open_question_without_an_answer_proposes_again(new_app: AppFactory, store: Store) -> None:
    app = new_app(start="quiz", filters={"types": ["open"], "count": 1})
    async with app.run_test(size=SIZE) as pilot:
        screen = await wait_for_question(pilot)
        await pilot.press("ctrl+r")
        await wait_for(pilot, lambda: screen.phase == FEEDBACK, "the model answer")
        assert screen.pending is not None and screen.pending.proposed == 1
        await pilot.press("enter")
    assert list(ratings_by_gid(store).values()) == [[1]]


@headless
async def test_a_problem_the_user_can_fix_is_a_notification_not_a_crash(new_app: AppFactory,
                                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    from quizzer.errors import QuizzerError

    app = new_app()
    said: list[str] = []

    def broken() -> None:
        raise QuizzerError("cannot write /nowhere/config.toml: Read-only file system")

    monkeypatch.setattr(app, "open_stats", broken)
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(message))
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        await pilot.press("s")
        await wait_for(pilot, lambda: any("Read-only" in s for s in said), "the notification")
        assert app.is_running and isinstance(app.screen, HomeScreen)


@headless
async def test_stats_from_a_finished_session_returns_home(new_app: AppFactory) -> None:
    app = new_app(start="review")
    async with app.run_test(size=SIZE) as pilot:
        await answer(pilot, right=True)
        await go_on(pilot)
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        await pilot.press("s")
        await wait_for(pilot, lambda: isinstance(app.screen, StatsScreen), "the stats")
        await pilot.press("escape")
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home, not the old summary")


@headless
async def test_browse_shows_states_and_toggles_suspend_and_flag(new_app: AppFactory, store: Store) -> None:
    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen) and bool(app.screen.results), "browse")
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        table = browse.query_one("#results", DataTable)
        table.focus()
        gid = browse.results[0].gid
        assert str(table.get_row_at(0)[3]) == "new"
        await pilot.press("ctrl+f")
        await wait_for(pilot, lambda: str(table.get_row_at(0)[3]) == "new, flagged", "the flag to show")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "suspended" in str(table.get_row_at(0)[3]), "the suspension to show")
        browse.query_one("#filter-state", Select).value = "flagged"
        await wait_for(pilot, lambda: [q.gid for q in browse.results] == [gid], "the state filter")
        await pilot.press("ctrl+t")
        await wait_for(pilot, lambda: "suspended" not in str(table.get_row_at(0)[3]), "resumed")
    card = store.card(gid)
    assert card is not None and card.flagged and not card.suspended and card.reviews == 0


@headless
async def test_help_shows_the_screens_keys_and_esc_closes_it(new_app: AppFactory) -> None:
    from quizzer.tui.screens.help import HelpScreen

    app = new_app()
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home")
        for key in ("f1", "question_mark"):
            await pilot.press(key)
            await wait_for(pilot, lambda: isinstance(app.screen, HelpScreen), "the help")
            shown = str(app.screen.query_one("#help-keys").render())
            assert "Review" in shown and "Browse" in shown and "Start today's review" in \
                str(app.screen.query_one("#help-how").render())
            await pilot.press("escape")
            await wait_for(pilot, lambda: isinstance(app.screen, HomeScreen), "home again")
