"""A parenting worker logs three sessions (one the parent did not attend) and the parent's
feedback, on a phone, through the real bot and the fake Bot API, in English and in Welsh, with
the clock moved; the card shows them; the words about the parent are not in the database in
plain text; a worker of another LA can do none of it, even with crafted callbacks."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import ParentFeedback, ParentingSession, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.screening_script import enrol
from tests.test_cases_e2e import press_edit, press_new

WELL = "Kept calm when Osian threw his cup"
STEPS = "Practise the bedtime routine with Osian"
COMMENT = "It helped me more than I thought"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="6262:SESSIONS", bot_username="oocps_test_bot") as server:
        yield server


def shown(user: SimUser) -> str:
    """The labels of the buttons under the latest message."""
    return str(user.last.buttons if user.last is not None else "")


async def send_new(user: SimUser, text: str) -> str:
    await user.send(text)
    (reply,) = await user.wait_for_reply()
    return reply.text or ""


async def attended(user: SimUser, lang: str, topics: tuple[str, ...], next_on: str) -> str:
    """An attended session, today, an hour, face to face, in Welsh, these §7 topics, engaged
    appropriately, the police not asked about the other parent; the card that follows."""
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
    await press_new(user, a("engagement", "appropriate"))
    await press_new(user, a("engagement_reason", "no_reason"))
    await press_new(user, a("police_agreed", "not_asked"))
    await send_new(user, WELL)
    await send_new(user, STEPS)
    review = await (send_new(user, next_on) if "/" in next_on else press_new(user, next_on))
    assert review.startswith(t(lang, "session.review.title", case="R-")[:10])
    return await press_new(user, t(lang, "session.submit"))


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_worker_logs_three_sessions_and_the_parents_feedback(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    sergeant = api.user(120, "Sgt Rees", language_code="en")
    worker = api.user(220, "Mair", language_code=lang)
    newport = api.user(221, "Nia", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, newport, InviteSpec("worker", "Nia", la_codes=("newport",)))
        await script.run(sergeant, script.whole("en"))
        (offer,) = await worker.wait_for_reply()
        found = re.search(r"R-[0-9A-Z]{6}", offer.text or "")
        assert found is not None
        case = f"{found.group()} (SDJ)"
        accepted = t(lang, "notify.accepted", reference=found.group(), first_session_due="",
                     support_due="")[:12]  # fmt: skip
        await press_edit(worker, t(lang, "notify.accept"), accepted)
        clock.advance(days=2)  # Wednesday 25 November
        await worker.send("/cases")
        await worker.wait_for_reply()
        card = await press_edit(worker, case, case)
        assert t(lang, "case.log_session") not in shown(worker)
        await press_new(worker, t(lang, "case.set_first_session"))
        card = await press_new(worker, t(lang, "first_session.tomorrow"), count=2)
        assert t(lang, "case.sessions_none") in card

        clock.advance(days=1)  # Thursday 26 November: the first session
        card = await attended(worker, lang, ("law_changed", "impact"), "03/12/2026")
        assert t(lang, "case.session_next", day="03/12/2026") in card

        clock.advance(days=7)  # Thursday 3 December: they did not come
        await press_new(worker, t(lang, "case.log_session"))
        await press_new(worker, t(lang, "session.a.on.today"))
        await press_new(worker, t(lang, "session.a.status.missed"))
        review = await send_new(worker, "10/12/2026")
        assert t(lang, "session.a.status.missed") in review
        card = await press_new(worker, t(lang, "session.submit"))
        missed = t(lang, "session.a.status.missed")
        assert t(lang, "case.session_last", day="03/12/2026", status=missed) in card
        assert t(lang, "case.session_next", day="10/12/2026") in card

        clock.advance(days=7)  # Thursday 10 December
        card = await attended(worker, lang, ("anger", "behaviour", "impact"),
                              t(lang, "session.a.next_on.no_date"))  # fmt: skip
        yes = t(lang, "session.a.status.attended")
        assert t(lang, "case.sessions_held", attended=2, count=3) in card
        assert t(lang, "case.session_last", day="10/12/2026", status=yes) in card
        assert t(lang, "case.topics_covered", count=4, total=7) in card
        assert t(lang, "case.session_next", day="")[:8] not in card
        assert WELL not in card and STEPS not in card

        asked = await press_new(worker, t(lang, "case.feedback_button"))
        assert case in asked
        await press_new(worker, "5")
        review = await send_new(worker, COMMENT)
        assert COMMENT in review
        card = await press_new(worker, t(lang, "feedback.submit"))
        assert t(lang, "case.feedback", helpful=5) in card and COMMENT not in card

        # A worker of another LA: Mair's buttons, crafted into her own chat, do nothing.
        await newport.send("/cases")
        (empty,) = await newport.wait_for_reply()
        mine = next(m for m in reversed(worker.messages) if m.buttons)
        for label in ("case.log_session", "case.next_session", "case.feedback_button"):
            data = mine.button_data(t(lang, label))
            assert data is not None
            await newport.press_data(empty.message_id, data)
            (refused,) = await newport.wait_for_reply()
            assert refused.text == t("en", "button.stale")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        rows = list(await uow.session.scalars(select(ParentingSession)
                                              .order_by(ParentingSession.held_on)))  # fmt: skip
        assert [(r.held_on.isoformat(), r.status, r.engagement, r.welsh_medium) for r in rows] == [
            ("2026-11-26", "attended", "appropriate", True),
            ("2026-12-03", "missed", None, False),
            ("2026-12-10", "attended", "appropriate", True),
        ]
        for row in rows[0], rows[2]:
            assert row.doing_well is not None and WELL.encode() not in row.doing_well
            assert row.next_steps is not None and STEPS.encode() not in row.next_steps
        (feedback,) = await uow.session.scalars(select(ParentFeedback))
        assert feedback.helpful == 5 and feedback.comment is not None
        assert COMMENT.encode() not in feedback.comment
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        assert actions.count("session.logged") == 3 and "feedback.recorded" in actions
