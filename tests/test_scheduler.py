"""Scheduling: quizzer's FSRS wrapper must agree with the fsrs package called directly."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from fsrs import Card, Rating, State
from fsrs import Scheduler as FsrsScheduler

from quizzer.model import AGAIN, EASY, GOOD, HARD
from quizzer.records import LEARNING, RELEARNING, REVIEW, CardRow
from quizzer.scheduler import Scheduler, Settings
from quizzer.studyday import day_end, study_day

T0 = datetime(2026, 3, 1, 8, 0, tzinfo=UTC)

SEQUENCES = [
    [3],
    [1],
    [4],
    [3, 3, 3, 3],
    [3, 3, 1, 3, 3],
    [1, 1, 2, 3, 4],
    [2, 2, 2],
    [4, 4, 4, 1, 4],
]


def test_stored_card_states_are_the_fsrs_numbers() -> None:
    assert (LEARNING, REVIEW, RELEARNING) == (State.Learning, State.Review, State.Relearning)
    assert (AGAIN, HARD, GOOD, EASY) == (Rating.Again, Rating.Hard, Rating.Good, Rating.Easy)


@pytest.mark.parametrize("ratings", SEQUENCES, ids=["-".join(map(str, s)) for s in SEQUENCES])
def test_state_matches_fsrs_called_directly(ratings: list[int]) -> None:
    ours = Scheduler(enable_fuzzing=False)
    theirs = FsrsScheduler(enable_fuzzing=False)
    row: CardRow | None = None
    card = Card(due=T0)
    when = T0
    for i, rating in enumerate(ratings):
        row = ours.next_card(row, "base/x", "base", rating, when, f"r{i}")
        card, _ = theirs.review_card(card, Rating(rating), review_datetime=when)
        assert (row.state, row.step, row.due) == (int(card.state), card.step, card.due)
        assert row.stability == pytest.approx(card.stability)
        assert row.difficulty == pytest.approx(card.difficulty)
        when = card.due  # review exactly when due
    assert row is not None and row.reviews == len(ratings)


def test_lapses_count_again_in_review_state() -> None:
    sch = Scheduler(enable_fuzzing=False)
    row = sch.next_card(None, "base/x", "base", 4, T0, "a")  # Easy graduates straight to Review
    row = sch.next_card(row, "base/x", "base", 1, row.due, "b")
    assert row.lapses == 1


def test_naive_datetimes_are_refused() -> None:
    with pytest.raises(ValueError, match="naive"):
        Scheduler().next_card(None, "base/x", "base", 3, datetime(2026, 1, 1), "a")


def test_fuzzing_is_reproducible_per_review_id() -> None:
    sch = Scheduler(enable_fuzzing=True)
    row = sch.next_card(None, "base/x", "base", 4, T0, "a")
    later = [sch.next_card(row, "base/x", "base", 3, row.due, "same-id").due for _ in range(5)]
    assert len(set(later)) == 1


ROLLOVER = [
    ("2026-03-01T03:59:00", "2026-02-28"),
    ("2026-03-01T04:00:00", "2026-03-01"),
    ("2026-03-01T23:59:00", "2026-03-01"),
    ("2026-03-02T02:00:00", "2026-03-01"),
]


@pytest.mark.parametrize(("local", "day"), ROLLOVER)
def test_study_day_rolls_over_at_4am_local(local: str, day: str) -> None:
    tz = ZoneInfo("Asia/Shanghai")
    now = datetime.fromisoformat(local).replace(tzinfo=tz).astimezone(UTC)
    assert study_day(now, tz) == date.fromisoformat(day)


def test_day_end_is_next_4am_local() -> None:
    tz = ZoneInfo("Europe/Berlin")
    now = datetime(2026, 3, 1, 22, 0, tzinfo=tz)
    assert day_end(now, tz) == datetime(2026, 3, 2, 4, 0, tzinfo=tz).astimezone(UTC)
    early = datetime(2026, 3, 2, 1, 0, tzinfo=tz)
    assert day_end(early, tz) == datetime(2026, 3, 2, 4, 0, tzinfo=tz).astimezone(UTC)


SETTINGS = [
    ({}, Settings()),
    ({"desired_retention": 0.85, "new_per_day": 5}, Settings(desired_retention=0.85, new_per_day=5)),
    ({"desired_retention": 2, "new_per_day": -1, "theme": "neon"}, Settings()),
    ({"reviews_per_day": True, "learning_steps_s": [30, "x"]}, Settings()),
    ({"learning_steps_s": [30, 300], "unknown": 1}, Settings(learning_steps_s=(30, 300))),
    ({"learning_steps_s": [1e20], "relearning_steps_s": [10**20]}, Settings()),  # from a hostile database
]


@pytest.mark.parametrize(("stored", "expected"), SETTINGS)
def test_settings_from_store_fall_back_on_bad_values(stored: dict[str, object], expected: Settings) -> None:
    assert Settings.from_mapping(stored) == expected


def test_retrievability_decays() -> None:
    sch = Scheduler(enable_fuzzing=False)
    row = sch.next_card(None, "base/x", "base", 4, T0, "a")
    assert sch.retrievability(row, T0) > sch.retrievability(row, T0 + timedelta(days=30)) > 0


@pytest.mark.parametrize("days_later", [0, 1, 3, 30, 400])
def test_recall_at_agrees_with_retrievability(days_later: int) -> None:
    sch = Scheduler(enable_fuzzing=False)
    row = sch.next_card(None, "base/x", "base", 3, T0, "r0")
    row = sch.next_card(row, "base/x", "base", 3, T0 + timedelta(days=2), "r1")
    now = T0 + timedelta(days=2 + days_later)
    recall = sch.recall_at(now)
    assert recall(row.last_review, row.stability) == sch.retrievability(row, now)
    assert recall(None, None) == 0.0


def test_the_rollover_hour_comes_from_the_config(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    from quizzer import studyday
    from quizzer.config import load

    path = tmp_path / "config.toml"
    path.write_text("[study]\nday_rollover_hour = 6\n")
    config = load(path)
    monkeypatch.setattr(studyday, "_rollover_hour", studyday.DEFAULT_ROLLOVER_HOUR)
    tz = ZoneInfo("Europe/Berlin")
    late = datetime(2026, 3, 2, 5, 0, tzinfo=tz)
    assert studyday.study_day(late, tz).day == 2  # 05:00 is past the default 04:00
    studyday.set_rollover_hour(config.rollover_hour)
    assert studyday.study_day(late, tz).day == 1  # but before 06:00
    assert studyday.day_end(late, tz) == datetime(2026, 3, 2, 6, 0, tzinfo=tz).astimezone(UTC)
    with pytest.raises(ValueError):
        studyday.set_rollover_hour(24)
