"""Domain errors: each carries a short code for callers and a message for people and logs."""


class DomainError(Exception):
    """A rule of the service refused an action."""

    def __init__(self, code: str, message: str) -> None:
        super().__init__(message)
        self.code = code


class LifecycleError(DomainError):
    """A referral cannot make the transition asked for."""
