"""Injected failures: flood control (429) and server errors, with Telegram's error bodies."""

from __future__ import annotations

import time
from dataclasses import dataclass
from http import HTTPStatus

from .state import ApiError


def api_error(status: int, retry_after: int = 1, description: str | None = None) -> ApiError:
    """The error Telegram returns for `status`: 429 carries parameters.retry_after."""
    if status == 429:
        return ApiError(
            429,
            description or f"Too Many Requests: retry after {retry_after}",
            {"retry_after": retry_after},
        )
    return ApiError(status, description or HTTPStatus(status).phrase)


@dataclass
class Fault:
    """One failure rule; `method` is lower-case, "*" matches every method."""

    method: str
    error: ApiError
    remaining: int | None = None
    every: int | None = None
    until: float | None = None
    seen: int = 0

    def fires(self, method: str, now: float) -> bool:
        """Whether this call fails; also counts the call."""
        if self.method not in ("*", method):
            return False
        if self.until is not None:
            return now < self.until
        if self.every is not None:
            self.seen += 1
            return self.seen % self.every == 0
        if self.remaining:
            self.remaining -= 1
            return True
        return False

    def spent(self, now: float) -> bool:
        """Whether the rule can never fire again."""
        if self.until is not None:
            return now >= self.until
        return self.every is None and not self.remaining


class Faults:
    """The active failure rules, consulted before a method runs."""

    def __init__(self) -> None:
        self.rules: list[Fault] = []

    def add(self, rule: Fault) -> None:
        """Activate a rule."""
        self.rules.append(rule)

    def clear(self) -> None:
        """Remove all rules."""
        self.rules.clear()

    def check(self, method: str) -> ApiError | None:
        """The error to return for this call, if any rule fires."""
        now = time.monotonic()
        error = next((r.error for r in self.rules if r.fires(method.lower(), now)), None)
        self.rules = [r for r in self.rules if not r.spent(now)]
        return error
