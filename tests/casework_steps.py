"""A parenting worker's steps on a case, on a phone, through the real bot and the fake Bot
API: the presses and typed answers the end-to-end stories share (take a case, record a contact
attempt, log a session, a questionnaire's score, a concern, the outcome), and the checks they
share (the referral form's PDF read back, buttons crafted into another user's chat)."""

from __future__ import annotations

import io
import re
from typing import NamedTuple

from pypdf import PdfReader

from conversations.enrolment import InviteSpec
from conversations.i18n import t
from storage.distance_tools import read_tools
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.fakeapi.users import BotMessage
from tests.screening_script import Step, enrol

TOOLS = read_tools()
WELL = "Kept calm when Osian threw his cup"
STEPS = "Practise the bedtime routine with Osian"


class Cast(NamedTuple):
    """Who a case story needs, enrolled: the referring officer (South Wales), the Cardiff
    worker, a worker of Newport and a police user of Gwent (neither may see the case)."""

    sergeant: SimUser
    worker: SimUser
    newport: SimUser
    gwent: SimUser


async def cast(
    storage: Storage, api: FakeBotApi, lang: str, *, officer: str = "Sgt Rees",
    officer_lang: str = "en",
) -> Cast:  # fmt: skip
    """The officer in `officer_lang`, the worker in `lang`, the others in English."""
    people = Cast(
        api.user(100, officer, language_code=officer_lang),
        api.user(200, "Mair", language_code=lang),
        api.user(201, "Nia", language_code="en"),
        api.user(101, "Sgt Evans", language_code="en"),
    )
    for user, spec in zip(people, (
        InviteSpec("police", officer, "south-wales"),
        InviteSpec("worker", "Mair", la_codes=("cardiff",)),
        InviteSpec("worker", "Nia", la_codes=("newport",)),
        InviteSpec("police", "Sgt Evans", "gwent"),
    ), strict=True):  # fmt: skip
        await enrol(storage, user, spec)
    return people


async def managers(storage: Storage, api: FakeBotApi, lang: str) -> tuple[SimUser, SimUser]:
    """A manager of Cardiff, in `lang`, and one of Newport, in English, enrolled."""
    gwen = api.user(300, "Gwen", language_code=lang)
    huw = api.user(301, "Huw", language_code="en")
    await enrol(storage, gwen, InviteSpec("manager", "Gwen", la_codes=("cardiff",)))
    await enrol(storage, huw, InviteSpec("manager", "Huw", la_codes=("newport",)))
    return gwen, huw


async def press_new(user: SimUser, label: str, count: int = 1) -> str:
    """Press a button that brings `count` new messages; the last one's text."""
    await user.press(label)
    replies = await user.wait_for_reply(count)
    return replies[-1].text or ""


async def press_edit(user: SimUser, label: str, starts: str) -> str:
    """Press a button whose answer replaces the message it was on."""
    await user.press(label)
    await user.wait_until(lambda u: (u.last_text or "").startswith(starts), what=starts)
    return user.last_text or ""


async def send_new(user: SimUser, text: str) -> str:
    """Type a message that brings one new message; its text."""
    await user.send(text)
    (reply,) = await user.wait_for_reply()
    return reply.text or ""


def shown(user: SimUser) -> str:
    """The labels of the buttons under the latest message."""
    return str(user.last.buttons if user.last is not None else "")


def reference_in(message: BotMessage) -> str:
    found = re.search(r"R-[0-9A-Z]{6}", message.text or "")
    assert found is not None, message.text
    return found.group()


async def offered(sergeant: SimUser, worker: SimUser) -> BotMessage:
    """The sergeant's screening, in their language: the offer the worker gets."""
    await script.run(sergeant, script.whole(sergeant.language_code))
    (offer,) = await worker.wait_for_reply()
    return offer


async def accept(worker: SimUser, lang: str, offer: BotMessage) -> str:
    """Accept pressed on the offer (which the answer replaces): the case's reference."""
    reference = reference_in(offer)
    accepted = t(lang, "notify.accepted", reference=reference, first_session_due="",
                 support_due="")[:12]  # fmt: skip
    await press_edit(worker, t(lang, "notify.accept"), accepted)
    return reference


async def referred_and_accepted(sergeant: SimUser, worker: SimUser, lang: str) -> str:
    """The sergeant's referral, offered to the worker, who accepts it: its reference."""
    return await accept(worker, lang, await offered(sergeant, worker))


async def open_from_list(user: SimUser, case: str) -> str:
    """/cases, then the case: its card (in place of the list)."""
    await user.send("/cases")
    await user.wait_for_reply()
    return await press_edit(user, case, case)


def attempt_steps(lang: str, when: str, how: str, result: str, note: str) -> list[Step]:
    """A contact attempt from the card: when, how, what happened, the note; Save."""
    return [
        ("press", t(lang, "case.record_contact")),
        ("press", t(lang, f"contact.a.on.{when}")),
        ("press", t(lang, f"contact.a.method.{how}")),
        ("press", t(lang, f"contact.a.result.{result}")),
        ("say", note) if note else ("press", t(lang, "contact.a.note.no_note")),
        ("press", t(lang, "contact.submit")),
    ]


def session_steps(
    lang: str,
    topics: tuple[str, ...],
    next_on: str,
    *,
    engagement: str = "appropriate",
    reason: str = "",
) -> list[Step]:
    """An attended session, today, an hour, face to face, in Welsh, these §7 topics ticked,
    the engagement judged (with `reason`, or none), the police not asked about the other
    parent; the next one: a date typed, or a button's label; Save."""
    a = lambda key, value: t(lang, f"session.a.{key}.{value}")  # noqa: E731
    steps: list[Step] = [("press", t(lang, "case.log_session"))]
    steps += [("press", a(key, value)) for key, value in (
        ("on", "today"), ("status", "attended"), ("minutes", "60"),
        ("delivery", "face_to_face"), ("language", "cy"),
    )]  # fmt: skip
    steps += [("press", f"☐ {a('topics', f'topic_{topic}')}") for topic in topics]
    steps += [("press", a("topics", "done")), ("press", a("engagement", engagement))]
    steps.append(("say", reason) if reason else ("press", a("engagement_reason", "no_reason")))
    steps += [("press", a("police_agreed", "not_asked")), ("say", WELL), ("say", STEPS)]
    steps.append(("say", next_on) if "/" in next_on else ("press", next_on))
    return [*steps, ("press", t(lang, "session.submit"))]


def missed_steps(lang: str, next_on: str) -> list[Step]:
    """A session today the parent did not come to, the next one typed; Save."""
    return [
        ("press", t(lang, "case.log_session")), ("press", t(lang, "session.a.on.today")),
        ("press", t(lang, "session.a.status.missed")), ("say", next_on),
        ("press", t(lang, "session.submit")),
    ]  # fmt: skip


def measure_steps(lang: str, tool: str, phase: str, score: str) -> list[Step]:
    """A questionnaire's score from the card, taken today; Save."""
    named = TOOLS.named(tool)
    assert named is not None
    return [
        ("press", t(lang, "case.record_measure")), ("press", named.name(lang)),
        ("press", t(lang, f"measure.a.phase.{phase}")), ("press", t(lang, "measure.a.on.today")),
        ("say", score), ("press", t(lang, "measure.submit")),
    ]  # fmt: skip


async def play(user: SimUser, steps: list[Step]) -> list[str]:
    """Each step on the phone, waiting for its answer: a new message, or for a checklist's
    box the message redrawn with it ticked. The texts of what each step brought."""
    texts = []
    for how, what in steps:
        if how == "press" and what.startswith("☐ "):
            ticked = f"☑ {what[2:]}"
            await user.press(what)
            await user.wait_until(lambda u, ticked=ticked: ticked in shown(u), what=ticked)
            texts.append(user.last_text or "")
            continue
        texts.append(await (press_new(user, what) if how == "press" else send_new(user, what)))
    return texts


async def attempt(user: SimUser, lang: str, when: str, how: str, result: str, note: str) -> str:
    """A contact attempt from the card; the card that follows."""
    *_asked, review, card = await play(user, attempt_steps(lang, when, how, result, note))
    assert review.startswith(t(lang, "contact.review.title", case="R-")[:12])
    return card  # (the review is replaced by what was saved)


async def attended(
    user: SimUser,
    lang: str,
    topics: tuple[str, ...],
    next_on: str,
    *,
    engagement: str = "appropriate",
    reason: str = "",
) -> str:
    """An attended session (`session_steps`); the card that follows."""
    steps = session_steps(lang, topics, next_on, engagement=engagement, reason=reason)
    *_asked, review, card = await play(user, steps)
    assert review.startswith(t(lang, "session.review.title", case="R-")[:10])
    return card


async def missed(user: SimUser, lang: str, next_on: str) -> str:
    """A session the parent did not come to; the card."""
    *_asked, review, card = await play(user, missed_steps(lang, next_on))
    assert t(lang, "session.a.status.missed") in review
    return card


async def measure(user: SimUser, lang: str, tool: str, phase: str, score: str) -> str:
    """A questionnaire's score from the card; the card that follows."""
    *_asked, when, review, card = await play(user, measure_steps(lang, tool, phase, score))
    named = TOOLS.named(tool)
    assert named is not None and named.measures(lang) in when
    assert review.startswith(t(lang, "measure.review.title", case="|")[:6])
    return card


async def first_session(user: SimUser, lang: str, day_label: str) -> str:
    """Set (or move) the first-session date from the card by a day's button: the
    confirmation, then the card; the card's text."""
    key = "case.set_first_session"
    if t(lang, key) not in shown(user):
        key = "case.move_first_session"
    asked = await press_new(user, t(lang, key))
    assert asked.startswith("R-")
    return await press_new(user, day_label, count=2)


async def concern(user: SimUser, lang: str, level: str, words: str, action: str) -> str:
    """Raise a concern from the card, up to the question of when; its text."""
    asked = await press_new(user, t(lang, "case.raise_concern"))
    assert "R-" in asked and "(SDJ)" in asked  # the case named by reference and initials
    await press_new(user, t(lang, f"concern.a.level.{level}"))
    await send_new(user, words)
    return await press_new(user, t(lang, f"concern.a.action.{action}"))


def pdf_text(api: FakeBotApi, message: BotMessage) -> str:
    """The referral (notification) form a message carries, read back as text."""
    document = message.document
    assert document is not None and document["file_name"].endswith("-outcome.pdf")
    data = api.state.files[document["file_id"]].data
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def callbacks(message: BotMessage) -> dict[str, str]:
    """Every inline button under a message: label -> callback data."""
    rows = (message.data.get("reply_markup") or {}).get("inline_keyboard", [])
    return {b["text"]: b["callback_data"] for row in rows for b in row if "callback_data" in b}


async def crafted_are_refused(intruder: SimUser, data: dict[str, str]) -> None:
    """Each callback, crafted into the intruder's own chat (on its latest message), is
    answered as a stale button, and nothing else is sent."""
    assert intruder.last is not None
    on = intruder.last.message_id
    for label, value in data.items():
        await intruder.press_data(on, value)
        replies = await intruder.wait_for_reply()
        assert [r.text for r in replies] == [t("en", "button.stale")], label
