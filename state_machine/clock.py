"""The clock the domain is given. The system clock lives in bot/; tests move a FixedClock."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Protocol


class Clock(Protocol):
    def now(self) -> datetime:
        """The current time, timezone-aware (UTC)."""
        ...


class FixedClock:
    """A clock that only moves when told to."""

    def __init__(self, at: datetime) -> None:
        self._at = _aware(at)

    def now(self) -> datetime:
        return self._at

    def set(self, at: datetime) -> None:
        self._at = _aware(at)

    def advance(self, delta: timedelta | None = None, **parts: float) -> datetime:
        self._at += (delta or timedelta()) + timedelta(**parts)
        return self._at


def _aware(at: datetime) -> datetime:
    if at.tzinfo is None or at.utcoffset() is None:
        raise ValueError("the clock needs a timezone-aware datetime")
    return at
