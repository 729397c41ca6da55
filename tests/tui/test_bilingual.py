"""The app in Chinese: questions shown in Chinese, ctrl+l shows the one on screen in the other language
(same choice order), answers graded alike; CJK is double width, checked by snapshots at both sizes."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, Markdown, Static

from quizzer.banks import check
from quizzer.paths import shipped_catalog
from quizzer.scheduler import Settings
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.browse import BrowseScreen, QuestionScreen
from quizzer.tui.screens.home import HomeScreen
from quizzer.tui.screens.summary import SummaryScreen
from quizzer.tui.widgets.keybar import KeyBar

from .conftest import Clock, Ticker, steady_scheduler
from .driver import headless, ratings_by_gid, wait_for, wait_for_question

ZH_BANKS = Path(__file__).parent.parent / "data" / "zh-banks"


def zh_app(store: Store, **options: object) -> QuizzerApp:
    library = check([ZH_BANKS], shipped_catalog()).library
    assert library is not None
    return make_app(library, store, steady_scheduler(Settings()), Clock(), tz=UTC, rng=random.Random(2),
                    monotonic=Ticker(), make_scheduler=steady_scheduler, lang="zh", **options)


@headless
async def test_toggle_the_language_of_the_question_on_screen(store: Store) -> None:
    app = zh_app(store, start="quiz", filters={"types": ["mcq"], "count": 1})
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await wait_for_question(pilot)
        assert screen.question is not None and "批大小" in screen.question.prompt
        order = screen.session.choices_for(screen.question)
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: "batch size" in screen.query_one("#prompt", Markdown).source, "English")
        english = screen.session.choices_for(screen.question)
        assert [screen.question.choices.index(c) for c in english] == \
            [screen.session.view(screen.question, "zh").choices.index(c) for c in order]
        await pilot.press(str(english.index("Memory bandwidth") + 1))
        await wait_for(pilot, lambda: screen.pending is not None, "the feedback")
        assert screen.pending is not None and screen.pending.result.correct
        await pilot.press("enter")
    assert list(ratings_by_gid(store)) == ["inference/decode-bound"]


@headless
async def test_browse_in_chinese_finds_shows_and_toggles_a_question(store: Store) -> None:
    app = zh_app(store)
    async with app.run_test(size=(100, 32)) as pilot:
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen), "browse")
        browse = app.screen
        assert isinstance(browse, BrowseScreen)
        browse.query_one("#search", Input).value = "批大小"  # found by its Chinese prompt
        await wait_for(pilot, lambda: [q.gid for q in browse.results][:1] == ["inference/decode-bound"], "the search")
        row = browse.query_one("#results", DataTable).get_row_at(0)
        assert [str(cell) for cell in row[1:4]] == ["单选题", "L1", "新题"] and "批大小" in str(row[4])
        browse.query_one("#results", DataTable).focus()
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionScreen), "the question")
        page = app.screen.query_one("#question-md", Markdown)
        assert "批大小" in page.source and "单选题" in str(app.screen.query_one("#question-meta", Static).render())
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: "batch size" in page.source, "the English")
        await pilot.press("ctrl+l")
        await wait_for(pilot, lambda: "批大小" in page.source, "the Chinese again")


Snap = Callable[..., bool]


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
def test_a_chinese_question(snap_compare: Snap, store: Store, size: tuple[int, int]) -> None:
    async def shown(pilot: Pilot[None]) -> None:
        await wait_for_question(pilot)

    assert snap_compare(zh_app(store, start="quiz", filters={"types": ["mcq"], "count": 1}), terminal_size=size,
                        run_before=shown)


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
def test_the_chinese_home_screen(snap_compare: Snap, store: Store, size: tuple[int, int]) -> None:
    async def home(pilot: Pilot[None]) -> None:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, HomeScreen) and pilot.app.screen.stats is not None,
                       "home")

    assert snap_compare(zh_app(store), terminal_size=size, run_before=home)


@headless
async def test_the_interface_speaks_chinese_from_question_to_summary(store: Store) -> None:
    app = zh_app(store, start="quiz", filters={"types": ["mcq"], "count": 1})
    async with app.run_test(size=(100, 32)) as pilot:
        screen = await wait_for_question(pilot)
        keys = " ".join(key.description for _, key in screen.query_one(KeyBar).placed)
        assert "跳过" in keys and "结束" in keys and "Skip" not in keys
        assert "选一项" in str(screen.query_one("#answer-hint", Static).render())
        await pilot.press("1")
        await wait_for(pilot, lambda: screen.pending is not None, "the feedback")
        assert "评分：" in str(screen.query_one("#rating", Static).render())
        await pilot.press("enter", "escape")  # a miss would come back: end the quiz here
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        assert "明天结束前到期" in str(app.screen.query_one("#due-tomorrow", Static).render())
