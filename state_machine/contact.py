"""The words of a contact attempt: how a parenting worker tried to reach the individual, and
what came of it. 'Did not take up' rests on these (guidance §8 i: the worker 'is unable to
make contact ... to set a date for the first 1:1 session after 3 weeks'). Storage checks its
columns against them; the contact form offers them as buttons."""

from __future__ import annotations

CONTACT_METHODS: tuple[str, ...] = ("phone", "text", "letter", "email", "home_visit", "other")
CONTACT_RESULTS: tuple[str, ...] = (
    "no_answer",
    "message_left",
    "spoke",
    "wrong_number",
    "declined",
)
DECLINED = "declined"  # the individual said no: 'did not take up' need not wait for 21 days
# They were reached: the first of these is the 'first contact' the police's form gives.
REACHED: tuple[str, ...] = ("spoke", DECLINED)
