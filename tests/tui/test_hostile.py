"""A bank whose every text field is Textual markup: every screen shows it literally, nothing it
says runs as an action, and only https:// links reach the system's URL opener."""

from __future__ import annotations

import random
from datetime import UTC
from pathlib import Path

import pytest
from textual.widgets import DataTable

from quizzer.banks import check
from quizzer.paths import shipped_catalog
from quizzer.scheduler import Settings
from quizzer.store import Store
from quizzer.tui.app import QuizzerApp, make_app
from quizzer.tui.screens.browse import BrowseScreen, QuestionScreen
from quizzer.tui.screens.summary import SummaryScreen

from .conftest import Clock, Ticker, steady_scheduler
from .driver import answer, go_on, headless, wait_for

HOSTILE_BANKS = Path(__file__).parent.parent / "data" / "hostile-banks"
SIZE = (100, 32)


def hostile_app(store: Store) -> QuizzerApp:
    library = check([HOSTILE_BANKS], shipped_catalog()).library
    assert library is not None
    return make_app(library, store, steady_scheduler(Settings()), Clock(), tz=UTC, rng=random.Random(1),
                    monotonic=Ticker(), make_scheduler=steady_scheduler)


def shows(app: QuizzerApp, text: str) -> bool:
    return text in app.export_screenshot()


@headless
async def test_bank_markup_is_shown_literally_and_never_runs(store: Store, tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)  # where [@click=app.screenshot('victim.txt','.')] would write
    app = hostile_app(store)
    async with app.run_test(size=SIZE) as pilot:
        await wait_for(pilot, lambda: shows(app, "@click=app.quit"), "the home table to show the title as text")
        await pilot.press("ctrl+p")
        await pilot.press(*"quiz")
        await wait_for(pilot, lambda: shows(app, "[link=https://e.com]"), "the palette's help, literally")
        await pilot.press("escape")
        await pilot.press("b")
        await wait_for(pilot, lambda: isinstance(app.screen, BrowseScreen) and bool(app.screen.results), "browse")
        table = app.screen.query_one("#results", DataTable)
        prompts = [str(table.get_row_at(i)[4]) for i in range(table.row_count)]
        assert any("[@click=app.screenshot('victim.txt','.')]" in p for p in prompts), prompts
        for row in range(table.row_count):
            await pilot.click(DataTable, offset=(40, row + 1))  # on the prompt cell: no action may run
        await pilot.press("enter")
        await wait_for(pilot, lambda: isinstance(app.screen, QuestionScreen), "the question page")
        await wait_for(pilot, lambda: shows(app, "[/oops]"), "the explanation, literally")
        app.start_quiz({"categories": ["base"], "count": 3})
        for _ in range(3):
            await answer(pilot, right=False)
            await pilot.click("#explanation", offset=(5, 1))
            assert app.is_running
            await go_on(pilot)
        await pilot.press("escape")  # missed questions come back: end the session here
        await wait_for(pilot, lambda: isinstance(app.screen, SummaryScreen), "the summary")
        await wait_for(pilot, lambda: shows(app, "[@click=app.quit]"), "the summary to list the prompts literally")
        assert app.is_running
    assert not (tmp_path / "victim.txt").exists()
    assert store.review_count() == 3


@headless
async def test_only_https_links_reach_the_url_opener(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    app = hostile_app(store)
    opened: list[str] = []
    monkeypatch.setattr(QuizzerApp.__mro__[1], "open_url", lambda self, url, **_: opened.append(url))
    monkeypatch.setattr("webbrowser.get", lambda *a: object())  # as if a browser were installed
    async with app.run_test(size=SIZE) as pilot:
        for url in ("smb://host/share", "/etc/passwd", "vscode://file/x", "javascript:alert(1)", "file:///etc/passwd"):
            app.open_url(url)
        app.open_url("https://arxiv.org/abs/1706.03762")
        await pilot.pause()
    assert opened == ["https://arxiv.org/abs/1706.03762"]


@headless
async def test_without_a_browser_the_link_is_shown_and_copied(store: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    import webbrowser

    app = hostile_app(store)
    said: list[str] = []
    copied: list[str] = []

    def no_browser(*args: object) -> object:
        raise webbrowser.Error("could not locate runnable browser")

    monkeypatch.setattr("webbrowser.get", no_browser)
    monkeypatch.setattr(app, "notify", lambda message, **kw: said.append(message))
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=SIZE) as pilot:
        app.open_url("https://arxiv.org/abs/1706.03762")
        await pilot.pause()
    assert copied == ["https://arxiv.org/abs/1706.03762"]
    assert any("No browser found; the link is https://arxiv.org/abs/1706.03762" in s for s in said)
