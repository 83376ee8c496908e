"""The words of a parenting session as the worker logs it (guidance §7): how it was delivered,
in which language, whether it took place, the topics §7 expects the sessions to cover, and
whether the individual engaged appropriately (§8 i). Storage checks its columns against these;
the session form offers them as buttons; the outcome and the monitoring return read them."""

from __future__ import annotations

# 'planned' is a session booked and not yet logged (the next session date); the others are
# what the log says happened. 'missed': the parent did not attend.
PLANNED, ATTENDED, MISSED, CANCELLED = "planned", "attended", "missed", "cancelled"
SESSION_STATUSES: tuple[str, ...] = (PLANNED, ATTENDED, MISSED, CANCELLED)
LOGGED_STATUSES: tuple[str, ...] = (ATTENDED, MISSED, CANCELLED)
CANCELLED_BY: tuple[str, ...] = ("parent", "service")

# §7: "virtually (live in real time and not recorded content) or traditional face-to-face".
DELIVERIES: tuple[str, ...] = ("face_to_face", "online")
# The session's language; Welsh is what the monitoring return counts (§8 ii).
WELSH = "cy"
SESSION_LANGUAGES: tuple[str, ...] = (WELSH, "en", "other", "bsl")

# §7, "it is expected that the sessions should cover the following topics", in its order.
SESSION_TOPICS: tuple[str, ...] = (
    "law_changed",  # awareness that the law has changed and why
    "reasons",  # reasons why the parent has used physical punishment
    "impact",  # why it isn't good for children to be physically punished, and its impact
    "relationship",  # building a positive parent-child relationship
    "anger",  # managing anger: identifying triggers, developing coping strategies
    "development",  # information about child development
    "behaviour",  # strategies for positive ways to manage behaviour
)

# §8 i: the worker's professional judgement; a 'completed' outcome needs an attended session
# judged 'appropriate'.
APPROPRIATE, NOT_APPROPRIATE = "appropriate", "not_appropriate"
ENGAGEMENTS: tuple[str, ...] = (APPROPRIATE, NOT_APPROPRIATE)

HELPFUL_SCORES: tuple[int, ...] = (1, 2, 3, 4, 5)  # the parent's feedback (§6): 5 is most


def welsh_medium(language: str | None) -> bool:
    """A session through the medium of Welsh (§8 ii's monitoring counts)."""
    return language == WELSH
