"""The app in Chinese: questions shown in Chinese, ctrl+l shows the one on screen in the other language
(same choice order), answers graded alike; CJK is double width, checked by snapshots at both sizes."""

from __future__ import annotations

import random
from collections.abc import Callable
from datetime import UTC
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Markdown

from quizzer.banks import check
from quizzer.paths import shipped_catalog
from quizzer.scheduler import Settings
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp, make_app

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


Snap = Callable[..., bool]


@pytest.mark.parametrize("size", [(100, 32), (80, 24)], ids=["100x32", "80x24"])
def test_a_chinese_question(snap_compare: Snap, store: Store, size: tuple[int, int]) -> None:
    async def shown(pilot: Pilot[None]) -> None:
        await wait_for_question(pilot)

    assert snap_compare(zh_app(store, start="quiz", filters={"types": ["mcq"], "count": 1}), terminal_size=size,
                        run_before=shown)
