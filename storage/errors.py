"""Storage errors."""

from state_machine.errors import DomainError


class StateWriteRefused(RuntimeError):
    """Code tried to set a referral's state without the lifecycle machine: a programming error."""


class NotFound(DomainError):
    """The thing asked for does not exist (or is not visible to the one asking)."""
