"""The clock the domain is given. The system clock lives in bot/; tests move a FixedClock."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = _utc(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _utc(at)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        """Move on by `delta` and/or timedelta keywords (`hours=2`); returns the new time."""
        self._at += (delta or timedelta()) + timedelta(**parts)
        return self._at


def _utc(at: datetime) -> datetime:
    if at.utcoffset() is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    # Held in UTC so that advancing is elapsed time, not wall-clock time across a DST change.
    return at.astimezone(UTC)
