"""A parenting worker asks the police for more time, on a phone, through the real bot and the
fake Bot API, in English and in Welsh, with the clock moved: the referring officer gets the
request (reference and initials, never the reason unless they ask) with Approve and Decline;
an approval, confirmed first, moves the delivery date through the lifecycle and tells the
worker the new date; a decline asks its reason and tells the worker it; one request is open
at a time; an unanswered one reminds the officer after a working day; a stale or crafted
Approve (answered already, another force) gets the stale answer; the reasons are stored
encrypted."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.jobs import nudge_job
from conversations.cases.words import short_day
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import ExtensionRequest, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import run_job, running_bot
from tests.screening_script import enrol
from tests.test_cases_e2e import press_edit, press_new

WHY = "Osian's mother was in hospital for three weeks; two sessions are still to come"
CARDIFF = {"en": "Cardiff", "cy": "Caerdydd"}
NO = "The disposal's conditions end in March: support must end by then"


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="6464:EXTENSIONS", bot_username="oocps_test_bot") as server:
        yield server


def day(value: object) -> str:
    return value.strftime("%d/%m/%Y")  # type: ignore[attr-defined]


async def support_due(storage: Storage) -> object:
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        return referral.support_due


async def ask(user: SimUser, lang: str, case: str) -> str:
    """From the card: ask for an extension, up to the reason's question; its text."""
    asked = await press_new(user, t(lang, "case.ask_extension"))
    assert t(lang, "extension.q.until", case=case, due="|", earliest="|", latest="|",
             example="|").split("|")[0] in asked  # fmt: skip
    return asked


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_an_extension_approved_then_one_declined(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    sergeant = api.user(140, "Sgt Rees", language_code=lang)
    worker = api.user(240, "Mair", language_code=lang)
    other_force = api.user(141, "Sgt Owen", language_code="en")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, worker, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, other_force, InviteSpec("police", "Sgt Owen", "gwent"))
        await script.run(sergeant, script.whole(lang))
        (offer,) = await worker.wait_for_reply()
        found = re.search(r"R-[0-9A-Z]{6}", offer.text or "")
        assert found is not None
        reference = found.group()
        case = f"{reference} (SDJ)"
        accepted = t(lang, "notify.accepted", reference=reference, first_session_due="",
                     support_due="")[:12]  # fmt: skip
        await press_edit(worker, t(lang, "notify.accept"), accepted)
        due = await support_due(storage)
        clock.advance(days=2)  # Wednesday 25 November
        await worker.send("/cases")
        await worker.wait_for_reply()
        await press_edit(worker, case, case)

        # 1. Four weeks more, by a button; the reason typed; the review; Send.
        await ask(worker, lang, case)
        until = due + timedelta(weeks=4)  # type: ignore[operator]
        await press_new(worker, t(lang, "extension.weeks_later", weeks=4,
                                  day=short_day(lang, until)))  # fmt: skip
        await worker.send(WHY)
        (review,) = await worker.wait_for_reply()
        assert (review.text or "").startswith(t(lang, "extension.review.title", case=case))
        assert WHY in (review.text or "")
        card = await press_new(worker, t(lang, "extension.submit"))
        assert t(lang, "extension.sent", case=case, until=day(until)) in (
            worker.messages[-2].text or ""
        )
        assert t(lang, "case.extension_waiting", day="25/11/2026", until=day(until)) in card

        # The officer: reference and initials, the dates, Approve / Decline; no reason.
        (notice,) = await sergeant.wait_for_reply()
        assert notice.text == t(lang, "extension.notice", reference=reference, initials="SDJ",
                                la=CARDIFF[lang], due=day(due), until=day(until))  # fmt: skip
        assert WHY not in (notice.text or "") and "Osian" not in (notice.text or "")
        # One request at a time: asking again while it waits is refused politely.
        again = await press_new(worker, t(lang, "case.ask_extension"))
        assert again == t(lang, "extension.already_open")

        # Another force's officer, with the sergeant's Approve crafted into their chat.
        approve = notice.button_data(t(lang, "extension.approve"))
        assert approve is not None
        await other_force.send("/help")
        (theirs,) = await other_force.wait_for_reply()
        await other_force.press_data(theirs.message_id, approve)
        (stale,) = await other_force.wait_for_reply()
        assert stale.text == t("en", "button.stale")

        # The reason on request; Approve, confirmed first.
        shown = await press_new(sergeant, t(lang, "extension.show_reason"))
        assert shown == t(lang, "extension.reason_shown", case=case, reason=WHY)
        sure = await press_new(sergeant, t(lang, "extension.approve"))
        assert sure == t(lang, "extension.approve_sure", case=case, due=day(due),
                         until=day(until))  # fmt: skip
        approved = t(lang, "extension.approved", case=case, until=day(until))
        await press_edit(sergeant, t(lang, "extension.approve_yes"), approved)
        (told,) = await worker.wait_for_reply()
        assert told.text == t(lang, "extension.approved_told", reference=reference,
                              initials="SDJ", until=day(until))  # fmt: skip
        # Pressed again (the old notice's Approve): answered already, stale.
        await sergeant.press_data(notice.message_id, approve)
        (stale,) = await sergeant.wait_for_reply()
        assert stale.text == t(lang, "button.stale")

        # 2. Two weeks more again, typed as a date; not answered for a working day.
        clock.advance(days=1)  # Thursday 26 November
        await worker.send("/cases")
        await worker.wait_for_reply()
        opened = await press_edit(worker, case, case)
        assert t(lang, "case.extension_agreed", until=day(until)) in opened
        await ask(worker, lang, case)
        later = until + timedelta(days=14)
        await worker.send(day(later))
        await worker.wait_for_reply()
        await worker.send(WHY)
        await worker.wait_for_reply()
        await press_new(worker, t(lang, "extension.submit"))
        (second,) = await sergeant.wait_for_reply()
        assert day(later) in (second.text or "")
        clock.advance(days=1, hours=1)  # Friday 27 November, a working day later
        await run_job(app, nudge_job)
        (reminder,) = await sergeant.wait_for_reply()
        assert (reminder.text or "").startswith(
            t(lang, "nudge.extension_answered.reminder", reference=reference, initials="SDJ",
              la="|", since="|").split("|")[0]
        )  # fmt: skip
        assert reminder.button_data(t(lang, "extension.decline")) is not None

        # Decline, from the reminder: the reason asked, a review, then the worker told.
        asked = await press_new(sergeant, t(lang, "extension.decline"))
        assert asked.endswith(t(lang, "extension_decline.q.reason", case=case))
        await sergeant.send(NO)
        (review,) = await sergeant.wait_for_reply()
        assert NO in (review.text or "")
        declined = t(lang, "extension.declined", case=case)
        await press_edit(sergeant, t(lang, "extension_decline.submit"), declined)
        (told,) = await worker.wait_for_reply()
        assert told.text == t(lang, "extension.declined_told", reference=reference,
                              initials="SDJ", until=day(later), reason=NO)  # fmt: skip
        await sergeant.press_data(second.message_id, second.button_data(
            t(lang, "extension.approve")) or "")  # fmt: skip
        (stale,) = await sergeant.wait_for_reply()
        assert stale.text == t(lang, "button.stale")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        assert referral.support_due == until and referral.extension_until == until
        assert referral.extension_requested_at is None
        rows = list(await uow.session.scalars(select(ExtensionRequest)
                                              .order_by(ExtensionRequest.id)))  # fmt: skip
        assert [(r.status, r.proposed_until) for r in rows] == [
            ("approved", until),
            ("declined", later),
        ]
        assert rows[0].answered_by is not None and rows[0].requested_by is not None
        for row in rows:
            assert row.reason is not None and b"Osian" not in row.reason
        assert rows[1].decline_reason is not None and b"March" not in rows[1].decline_reason
        actions = [e.action for e in await uow.audit.trail(referral.id)]
        for name in ("extension.requested", "extension.approved", "extension.declined",
                     "extension_words.read"):  # fmt: skip
            assert name in actions, name
        # Both people and when: the officer's transition, the worker's request in it.
        (extend,) = [e for e in await uow.audit.trail(referral.id)
                     if e.action == "transition.extend"]  # fmt: skip
        assert extend.actor == f"user:{rows[0].answered_by}"
        assert extend.details["requested_by"] == str(rows[0].requested_by)
        assert extend.reason == "agreed_with_police" and "Osian" not in str(extend.details)
