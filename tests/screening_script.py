"""A complete eligible screening as button presses and typed answers, for tests and benchmarks."""

from __future__ import annotations

import time
from collections.abc import Callable

from conversations.enrolment import InviteSpec, create_invite
from conversations.i18n import t
from storage.uow import Storage
from tests.fakeapi import SimUser

# ("press", button label), ("say", typed text), or ("pick", typed text that one button's
# label matches, so it is taken at once: two messages back, the choice and the next question)
Step = tuple[str, str]


def a(lang: str, key: str, value: str) -> str:
    return t(lang, f"screen.a.{key}.{value}")


def to_consent(lang: str, la_text: str = "caerdydd") -> list[Step]:
    """From the first question to the consent question: a grandparent, Community Resolution.
    Each message answers every check it asks about (the offence and that it is a first one,
    all three of responsibility, Social Services and when, needs and compliance, all three
    things explained), each recorded on its own."""
    steps: list[Step] = [
        ("press", a(lang, k, v))
        for k, v in [("outcome", "community_resolution"), ("offence", "first"), ("gravity", "2")]
    ]
    steps.append(("say", "14/11/2026"))
    steps += [
        ("press", a(lang, "relationship", "grandparent")),
        ("press", a(lang, "responsibility", "all")),
    ]
    # One LA matches: taken at once, said in a message of its own before the next question.
    steps += [("pick", la_text), ("say", "34")]
    steps += [
        ("press", a(lang, k, v))
        for k, v in [
            ("social_services_when", "yesterday"), ("needs", "nothing_known"),
            ("explained", "all"), ("willing", "yes"),
        ]
    ]  # fmt: skip
    return steps


def details(lang: str, dob: str = "02/05/1992") -> list[Step]:
    """After consent: the individual's details, ending on the review screen. The address is
    typed with its postcode, which answers the postcode question too."""
    return [
        ("say", "Siân ap Dafydd-Jones"), ("say", dob), ("say", "07400 123456"),
        ("say", "1 Heol y Frenhines, Caerdydd cf10 1aa"),
        ("press", a(lang, "session_language", "cy")),
        ("press", a(lang, "contact_times", "evenings")),
        ("press", a(lang, "additional_needs", "none")),
        ("press", a(lang, "childcare", "yes")),
        ("say", "4, 7"), ("press", a(lang, "notes", "no_notes")),
    ]  # fmt: skip


# The common eligible path, counted as the README counts it: every message the officer sends
# or button they press, /screen and Submit included.
COMMON_PATH_STEPS = 25


def whole(lang: str) -> list[Step]:
    """/screen to submitted."""
    return [
        ("say", "/screen"), *to_consent(lang), ("press", a(lang, "consent", "given")),
        *details(lang), ("press", t(lang, "screen.submit")),
    ]  # fmt: skip


async def run(
    user: SimUser, steps: list[Step], timed: Callable[[float], None] | None = None
) -> str:
    """Do each step, wait for its reply; returns the last reply's text."""
    text = ""
    for kind, value in steps:
        started = time.perf_counter()
        if kind == "press":
            await user.press(value)
        else:
            await user.send(value)
        replies = await user.wait_for_reply(2 if value == "/screen" or kind == "pick" else 1,
                                            timeout=60)  # fmt: skip
        if timed is not None:
            timed(time.perf_counter() - started)
        text = replies[-1].text or ""
    return text


async def enrol(storage: Storage, user: SimUser, spec: InviteSpec) -> None:
    await user.send(f"/start {await create_invite(storage, spec, actor='test')}")
    await user.wait_for_reply()


def q(lang: str, key: str) -> str:
    """The start of a question's text, enough to recognise it in a reply."""
    return t(lang, f"screen.q.{key}").split("{")[0][:40]


async def press(user: SimUser, label: str) -> str:
    await user.press(label)
    (reply,) = await user.wait_for_reply()
    return reply.text or ""


async def confirm_end(user: SimUser, confirm: str, lang: str = "en") -> str:
    """An answer that ends the screening is asked about first (`confirm`): yes, end it."""
    assert user.last is not None and user.last.text == confirm
    assert user.last.buttons == [[t(lang, "screen.end.yes")], [t(lang, "screen.end.no")]]
    return await press(user, t(lang, "screen.end.yes"))


async def tick(user: SimUser, label: str) -> None:
    """Tick one part of a checklist: the message is redrawn in place, the part ticked."""
    await user.press(f"☐ {label}")
    await user.wait_until(
        lambda u: u.last is not None and [f"☑ {label}"] in u.last.buttons, what=f"☑ {label}"
    )


async def say(user: SimUser, text: str) -> str:
    await user.send(text)
    (reply,) = await user.wait_for_reply()
    return reply.text or ""


async def screen_to_consent(user: SimUser, lang: str) -> str:
    return await run(user, [("say", "/screen"), *to_consent(lang)])


async def give_details(user: SimUser, lang: str) -> str:
    return await run(user, details(lang))


def reference_in(text: str) -> str:
    """The reference a message gives in brackets: "… ({reference}) …"."""
    return next(word.strip("().,:") for word in text.split() if word.startswith("(R-"))
