"""The study day: the local date, rolling over at 04:00 (or the configured hour) so that a late-night session
counts for the day before.

Kept apart from the scheduler so that commands which only count (stats, sync) never load fsrs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

DEFAULT_ROLLOVER_HOUR = 4  # the study day starts at 04:00 local time, as in Anki
# The hour set by the config file (`[study] day_rollover_hour`), once per process at start-up: every
# count, queue and streak must agree on where a day ends, so it is one setting, not an argument.
_rollover_hour = DEFAULT_ROLLOVER_HOUR


def set_rollover_hour(hour: int) -> None:
    global _rollover_hour
    if not 0 <= hour <= 23:
        raise ValueError(f"the study day rolls over at an hour from 0 to 23, not {hour}")
    _rollover_hour = hour


def study_day(now: datetime, tz: tzinfo | None = None) -> date:
    """The study day `now` falls in: the local date, rolling over at the configured hour."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    return (local - timedelta(hours=_rollover_hour)).date()


def day_end(now: datetime, tz: tzinfo | None = None) -> datetime:
    """When the current study day ends (the next rollover hour, local), in UTC."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    start = (local - timedelta(hours=_rollover_hour)).replace(hour=_rollover_hour, minute=0, second=0,
                                                              microsecond=0)
    return (start + timedelta(days=1)).astimezone(UTC)


def utc_now() -> datetime:
    """The wall clock, UTC-aware: the one the faces pass to the core (tests pass their own)."""
    return datetime.now(UTC)
