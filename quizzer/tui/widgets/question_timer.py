"""The time left for the question on show in a mock interview."""

from __future__ import annotations

from collections.abc import Callable, Mapping

from textual.message import Message
from textual.widgets import Static

URGENT_S = 15  # the last seconds are shown in the urgent colour


class QuestionTimer(Static):
    """Counts down while `counting()` says the user is answering; once the time is up it posts
    `TimeUp` on each tick until the screen has taken the answer (and stopped counting)."""

    class TimeUp(Message):
        pass

    def __init__(self, limits: Mapping[str, float], monotonic: Callable[[], float], counting: Callable[[], bool],
                 id: str | None = None) -> None:
        super().__init__(id=id)
        self.limits = dict(limits)  # seconds per question type
        self.monotonic = monotonic
        self.counting = counting
        self.limit: float | None = None
        self.started = 0.0

    def on_mount(self) -> None:
        self.display = bool(self.limits)
        if self.limits:
            self.set_interval(0.5, self.tick)

    def start(self, question_type: str, at: float) -> None:
        """A new question is on show from `at` (the screen's monotonic time)."""
        self.limit, self.started = self.limits.get(question_type), at
        self.refresh_time()

    def left(self) -> float | None:
        return None if self.limit is None else self.limit - (self.monotonic() - self.started)

    def refresh_time(self) -> None:
        left = self.left()
        if left is None or not self.counting():
            self.update("")
            return
        minutes, seconds = divmod(max(0, int(left + 0.999)), 60)
        self.update(f"⏱ {minutes}:{seconds:02d}")
        self.set_class(left <= URGENT_S, "-urgent")

    def tick(self) -> None:
        self.refresh_time()
        left = self.left()
        if self.counting() and left is not None and left <= 0:
            self.post_message(self.TimeUp())
