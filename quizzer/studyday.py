"""The study day: the local date, rolling over at 04:00 so that a late-night session counts for the day before.

Kept apart from the scheduler so that commands which only count (stats, sync) never load fsrs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, tzinfo

ROLLOVER_HOUR = 4  # the study day starts at 04:00 local time, as in Anki


def study_day(now: datetime, tz: tzinfo | None = None) -> date:
    """The study day `now` falls in: local date, rolling over at 04:00."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    return (local - timedelta(hours=ROLLOVER_HOUR)).date()


def day_end(now: datetime, tz: tzinfo | None = None) -> datetime:
    """When the current study day ends (the next 04:00 local), in UTC."""
    local = now.astimezone(tz) if tz is not None else now.astimezone()
    start = (local - timedelta(hours=ROLLOVER_HOUR)).replace(hour=ROLLOVER_HOUR, minute=0, second=0, microsecond=0)
    return (start + timedelta(days=1)).astimezone(UTC)


def utc_now() -> datetime:
    """The wall clock, UTC-aware: the one the faces pass to the core (tests pass their own)."""
    return datetime.now(UTC)
