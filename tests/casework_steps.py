"""A parenting worker's steps on a case, on a phone, through the real bot and the fake Bot
API: the presses and typed answers the end-to-end stories share (take a case, record a contact
attempt, log a session, a questionnaire's score, a concern, the outcome), and the checks they
share (the referral form's PDF read back, buttons crafted into another user's chat)."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader

from conversations.i18n import t
from storage.distance_tools import read_tools
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.fakeapi.users import BotMessage

TOOLS = read_tools()
WELL = "Kept calm when Osian threw his cup"
STEPS = "Practise the bedtime routine with Osian"


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


async def attempt(user: SimUser, lang: str, when: str, how: str, result: str, note: str) -> str:
    """A contact attempt from the card: when, how, what happened, the note; Save. The card
    that follows."""
    await press_new(user, t(lang, "case.record_contact"))
    await press_new(user, t(lang, f"contact.a.on.{when}"))
    await press_new(user, t(lang, f"contact.a.method.{how}"))
    await press_new(user, t(lang, f"contact.a.result.{result}"))
    if note:
        await user.send(note)
    else:
        await user.press(t(lang, "contact.a.note.no_note"))
    (review,) = await user.wait_for_reply()
    assert (review.text or "").startswith(t(lang, "contact.review.title", case="R-")[:12])
    return await press_new(user, t(lang, "contact.submit"))  # saved (in place), then the card


async def first_session(user: SimUser, lang: str, day_label: str) -> str:
    """Set (or move) the first-session date from the card by a day's button: the
    confirmation, then the card; the card's text."""
    key = "case.set_first_session"
    if t(lang, key) not in shown(user):
        key = "case.move_first_session"
    asked = await press_new(user, t(lang, key))
    assert asked.startswith("R-")
    return await press_new(user, day_label, count=2)


async def attended(
    user: SimUser,
    lang: str,
    topics: tuple[str, ...],
    next_on: str,
    *,
    engagement: str = "appropriate",
    reason: str = "",
) -> str:
    """An attended session, today, an hour, face to face, in Welsh, these §7 topics, the
    engagement judged (with `reason`, or none), the police not asked about the other parent;
    the card that follows. `next_on`: a date typed, or a button's label."""
    a = lambda key, value: t(lang, f"session.a.{key}.{value}")  # noqa: E731
    await press_new(user, t(lang, "case.log_session"))
    for key, value in (("on", "today"), ("status", "attended"), ("minutes", "60"),
                       ("delivery", "face_to_face"), ("language", "cy")):  # fmt: skip
        await press_new(user, a(key, value))
    for topic in topics:  # each press redraws the checklist in place
        ticked = f"☑ {a('topics', f'topic_{topic}')}"
        await user.press(f"☐ {a('topics', f'topic_{topic}')}")
        await user.wait_until(lambda u, ticked=ticked: ticked in shown(u), what=ticked)
    await press_new(user, a("topics", "done"))
    await press_new(user, a("engagement", engagement))
    if reason:
        await send_new(user, reason)
    else:
        await press_new(user, a("engagement_reason", "no_reason"))
    await press_new(user, a("police_agreed", "not_asked"))
    await send_new(user, WELL)
    await send_new(user, STEPS)
    review = await (send_new(user, next_on) if "/" in next_on else press_new(user, next_on))
    assert review.startswith(t(lang, "session.review.title", case="R-")[:10])
    return await press_new(user, t(lang, "session.submit"))


async def missed(user: SimUser, lang: str, next_on: str) -> str:
    """A session today the parent did not come to, the next one typed; the card."""
    await press_new(user, t(lang, "case.log_session"))
    await press_new(user, t(lang, "session.a.on.today"))
    await press_new(user, t(lang, "session.a.status.missed"))
    review = await send_new(user, next_on)
    assert t(lang, "session.a.status.missed") in review
    return await press_new(user, t(lang, "session.submit"))


async def measure(user: SimUser, lang: str, tool: str, phase: str, score: str) -> str:
    """A questionnaire's score from the card, taken today; Save. The card that follows."""
    named = TOOLS.named(tool)
    assert named is not None
    await press_new(user, t(lang, "case.record_measure"))
    await press_new(user, named.name(lang))
    await press_new(user, t(lang, f"measure.a.phase.{phase}"))
    asked = await press_new(user, t(lang, "measure.a.on.today"))
    assert named.measures(lang) in asked
    await user.send(score)
    (review,) = await user.wait_for_reply()
    assert (review.text or "").startswith(t(lang, "measure.review.title", case="|")[:6])
    return await press_new(user, t(lang, "measure.submit"))


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
