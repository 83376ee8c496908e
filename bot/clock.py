"""The real clock. Only bot/ reads the system time; everything below is given this object."""

from datetime import UTC, datetime


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)
