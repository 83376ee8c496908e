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
    """From the first question to the consent question: a grandparent, Community Resolution."""
    presses = [
        ("outcome", "community_resolution"), ("offence_level", "yes"), ("gravity", "2"),
        ("history", "first"),
    ]  # fmt: skip
    steps: list[Step] = [("press", a(lang, k, v)) for k, v in presses]
    steps.append(("say", "14/11/2026"))
    steps += [
        ("press", a(lang, k, v))
        for k, v in [
            ("relationship", "grandparent"), ("accepts_responsibility", "yes"),
            ("admits_guilt", "yes"), ("remorse", "yes"), ("resident_in_wales", "yes"),
        ]
    ]  # fmt: skip
    # One LA matches: taken at once, said in a message of its own before the next question.
    steps += [("pick", la_text), ("say", "34")]
    steps += [
        ("press", a(lang, k, v))
        for k, v in [
            ("social_services", "yes"), ("social_services_date", "yesterday"),
            ("needs_screened", "yes"), ("compliance_factors", "none_known"),
            ("explained_expectations", "done"), ("explained_consequences", "done"),
            ("explained_benefits", "done"), ("willing", "yes"),
        ]
    ]  # fmt: skip
    return steps


def details(lang: str, dob: str = "02/05/1992") -> list[Step]:
    """After consent: the individual's details, ending on the review screen."""
    return [
        ("say", "Siân ap Dafydd-Jones"), ("say", dob), ("say", "07400 123456"),
        ("say", "1 Heol y Frenhines, Caerdydd"), ("say", "cf10 1aa"),
        ("press", a(lang, "session_language", "cy")),
        ("press", a(lang, "contact_times", "evenings")),
        ("press", a(lang, "additional_needs", "none")),
        ("press", a(lang, "childcare", "yes")),
        ("say", "4, 7"), ("press", a(lang, "notes", "no_notes")),
    ]  # fmt: skip


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
