"""Drive the app as a user would: keys only, waiting on conditions (never on fixed sleeps)."""

from __future__ import annotations

import asyncio
import functools
from collections import defaultdict
from collections.abc import Callable, Coroutine
from typing import Any, ParamSpec

from textual.app import App
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from quizzer.model import Question
from quizzer.store import Store
from quizzer.tui.screens.confidence import ConfidenceScreen
from quizzer.tui.screens.mock import MockSetupScreen
from quizzer.tui.screens.session import ANSWERING, FEEDBACK, SessionScreen
from quizzer.tui.screens.settings import SettingsScreen

P = ParamSpec("P")


def headless(test: Callable[P, Coroutine[Any, Any, None]]) -> Callable[P, None]:
    """Run an async test on its own event loop (no pytest-asyncio here); fixtures pass through."""

    @functools.wraps(test)
    def run(*args: P.args, **kwargs: P.kwargs) -> None:
        asyncio.run(test(*args, **kwargs))

    return run


TYPED = {  # (right, wrong) answers typed into the input box
    "short": ("PagedAttention", "FlashAttention"),
    "numeric": ("14", "7"),
    "open": ("The keys and values of past tokens, per layer and per head, so decoding avoids recomputing the prefix.",
             "No idea."),
}


async def wait_for(pilot: Pilot[None], predicate: Callable[[], bool], what: str, rounds: int = 200) -> None:
    """Poll a condition, letting the app work in between; fail with `what` after ~10 s."""
    for _ in range(rounds):
        if predicate():
            return
        await pilot.pause(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def session_screen(app: App[Any]) -> SessionScreen:
    screen = app.screen
    assert isinstance(screen, SessionScreen), f"expected a session, got {screen!r}"
    return screen


def ready(screen: SessionScreen) -> bool:
    """A question is on show and its input has the focus."""
    answers = screen.query("#answer")
    return (screen.is_current and screen.phase == ANSWERING and screen.question is not None
            and bool(answers) and screen.focused is answers.first())


async def wait_for_question(pilot: Pilot[None]) -> SessionScreen:
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SessionScreen) and ready(pilot.app.screen),
                   "a question to be shown")
    return session_screen(pilot.app)


async def answer(pilot: Pilot[None], right: bool, confidence: int = 3) -> Question:
    """Answer the question on show, right or wrong, with the keys its type uses (and, when the session
    asks how sure, `confidence`); wait for the feedback."""
    screen = await wait_for_question(pilot)
    q: Question | None = screen.question
    assert q is not None
    shown = screen.session.choices_for(q) if q.choices else []
    if q.type == "truefalse":
        await pilot.press("t" if (q.answer is True) == right else "f")
    elif q.type == "mcq":
        index = shown.index(str(q.answer)) if right else next(i for i, c in enumerate(shown) if c != q.answer)
        await pilot.press(str(index + 1))
    elif q.type == "multi":
        correct = [i for i, c in enumerate(shown) if c in q.correct_choices]
        await pilot.press(*[str(i + 1) for i in (correct if right else correct[:1])], "enter")
    elif q.type == "open":
        first_word, rest = TYPED["open"][0 if right else 1].split(" ", 1)
        await pilot.press(*first_word)  # typed key by key; the rest pasted, as typing it all is slow
        screen.query_one("#answer", TextArea).insert(" " + rest)
        await pilot.press("ctrl+r")
    else:
        await pilot.press(*TYPED[q.type][0 if right else 1], "enter")
    if screen.session.asks_confidence:
        await wait_for(pilot, lambda: isinstance(pilot.app.screen, ConfidenceScreen), f"how sure, on {q.gid}")
        await pilot.press(str(confidence))
    await wait_for(pilot, lambda: screen.phase == FEEDBACK, f"the feedback on {q.gid}")
    return q


async def go_on(pilot: Pilot[None], rating: int | None = None) -> None:
    """From the feedback: optionally change the rating, then Enter to the next question or the summary."""
    screen = session_screen(pilot.app)
    asked = screen.session.asked
    if rating is not None:
        await pilot.press(str(rating))
    await pilot.press("enter")
    await wait_for(pilot, lambda: not screen.is_current or (ready(screen) and screen.session.asked > asked),
                   "the next question or the summary")


def ratings_by_gid(store: Store) -> dict[str, list[int]]:
    found: dict[str, list[int]] = defaultdict(list)
    for review in store.iter_reviews():
        found[review.gid].append(review.rating)
    return dict(found)


async def start_mock(pilot: Pilot[None], count: int) -> SessionScreen:
    """From home: set up a mock interview of `count` questions, start it, and wait for the first one."""
    await pilot.press("m")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, MockSetupScreen), "the mock set-up")
    pilot.app.screen.query_one("#mock-count", Input).value = str(count)
    await pilot.press("ctrl+s")
    return await wait_for_question(pilot)


async def open_settings(pilot: Pilot[None]) -> SettingsScreen:
    """From home: open the settings screen and wait for it."""
    await pilot.press("o")
    await wait_for(pilot, lambda: isinstance(pilot.app.screen, SettingsScreen), "settings")
    screen = pilot.app.screen
    assert isinstance(screen, SettingsScreen)
    return screen
