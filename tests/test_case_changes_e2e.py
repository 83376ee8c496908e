"""A case changes hands or ends early, on a phone, through the real bot and the fake Bot API,
in English and in Welsh, with the clock moved: a transfer to another LA (confirmed first; the
new LA's worker gets the offer and accepts it; the referring officer is told; the old worker
loses it), a withdrawal (confirmed first; it ends the case, the card says why, the officer is
told), and a re-allocation by a manager from /workload (both workers told). Crafted buttons
from another LA do nothing. The worker's words are stored encrypted."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from datetime import date

import pytest
from sqlalchemy import select

from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi, SimUser
from tests.harness import running_bot
from tests.screening_script import enrol
from tests.test_cases_e2e import press_edit, press_new

MOVED = "Moved to her sister's in Newport with Osian"
WITHDRAWN = "PC Jones rang: the caution for Osian's father was withdrawn"
NEWPORT = {"en": "Newport", "cy": "Casnewydd"}


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="6565:CHANGES", bot_username="oocps_test_bot") as server:
        yield server


async def referred_and_accepted(sergeant: SimUser, worker: SimUser, lang: str) -> str:
    """The sergeant refers to Cardiff; the worker accepts; the reference."""
    await script.run(sergeant, script.whole("en"))
    (offer,) = await worker.wait_for_reply()
    found = re.search(r"R-[0-9A-Z]{6}", offer.text or "")
    assert found is not None
    accepted = t(lang, "notify.accepted", reference=found.group(), first_session_due="",
                 support_due="")[:12]  # fmt: skip
    await press_edit(worker, t(lang, "notify.accept"), accepted)
    return found.group()


async def open_card(user: SimUser, case: str) -> str:
    await user.send("/cases")
    await user.wait_for_reply()
    return await press_edit(user, case, case)


async def the_referral(storage: Storage) -> Referral:
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        return referral


async def actions(storage: Storage, referral_id: int) -> list[str]:
    async with storage.unit_of_work() as uow:
        return [e.action for e in await uow.audit.trail(referral_id)]


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_transfer_to_another_la_offers_it_there_and_tells_the_officer(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    sergeant = api.user(150, "Sgt Rees", language_code="en")
    mair = api.user(250, "Mair", language_code=lang)
    nia = api.user(251, "Nia", language_code=lang)
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, nia, InviteSpec("worker", "Nia", la_codes=("newport",)))
        reference = await referred_and_accepted(sergeant, mair, lang)
        case = f"{reference} (SDJ)"
        clock.advance(days=9)  # Wednesday 2 December
        await open_card(mair, case)
        # Newport's worker, with Mair's Transfer crafted into her chat: nothing.
        crafted = mair.last.button_data(t(lang, "case.transfer")) if mair.last else None
        assert crafted is not None
        await nia.send("/cases")
        (empty,) = await nia.wait_for_reply()
        await nia.press_data(empty.message_id, crafted)
        (stale,) = await nia.wait_for_reply()
        assert stale.text == t(lang, "button.stale")

        asked = await press_new(mair, t(lang, "case.transfer"))
        assert t(lang, "transfer.q.la", case=case) in asked
        await press_new(mair, NEWPORT[lang])
        await mair.send(MOVED)
        (review,) = await mair.wait_for_reply()
        assert (review.text or "").startswith(t(lang, "transfer.review.title", case=case))
        assert NEWPORT[lang] in (review.text or "") and MOVED in (review.text or "")
        done = t(lang, "transfer.done", case=case, la=NEWPORT[lang])
        await press_edit(mair, t(lang, "transfer.submit"), done)

        # Newport's worker is offered it, and accepts; the officer is told.
        (offer,) = await nia.wait_for_reply()
        assert (offer.text or "").startswith(
            t(
                lang,
                "notify.new_referral",
                reference=reference,
                initials="SDJ",
                la="|",
                first_session_due="",
                support_due="",
                language="",
            ).split("|")[0]
        )
        assert "23/12/2026" in (offer.text or "")  # the new LA's own 21 days, from today
        await press_edit(
            nia,
            t(lang, "notify.accept"),
            t(lang, "notify.accepted", reference=reference, first_session_due="", support_due="")[
                :12
            ],
        )
        (told,) = await sergeant.wait_for_reply()
        assert told.text == t("en", "transfer.police_told", reference=reference,
                              initials="SDJ", la="Newport")  # fmt: skip
        assert MOVED not in (told.text or "")
        # Mair no longer has it.
        await mair.send("/cases")
        (mine,) = await mair.wait_for_reply()
        assert mine.text == t(lang, "cases.none.worker")
    referral = await the_referral(storage)
    assert (referral.la_code, referral.referred_la_code) == ("newport", "cardiff")
    assert referral.state == "allocated" and referral.first_session_due == date(2026, 12, 23)
    assert referral.transfer_reason is not None and b"Osian" not in referral.transfer_reason
    assert "referral.transferred" in await actions(storage, referral.id)


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_withdrawal_ends_the_case_and_tells_the_officer(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    sergeant = api.user(160, "Sgt Rees", language_code="en")
    mair = api.user(260, "Mair", language_code=lang)
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        reference = await referred_and_accepted(sergeant, mair, lang)
        case = f"{reference} (SDJ)"
        clock.advance(days=3)  # Thursday 26 November
        await open_card(mair, case)
        asked = await press_new(mair, t(lang, "case.withdraw"))
        assert t(lang, "withdraw.q.why", case=case) in asked
        await press_new(mair, t(lang, "withdraw.a.why.disposal_withdrawn"))
        await mair.send(WITHDRAWN)
        (review,) = await mair.wait_for_reply()
        assert (review.text or "").startswith(t(lang, "withdraw.review.title", case=case))
        card = await press_new(mair, t(lang, "withdraw.submit"))
        assert mair.messages[-2].text == t(lang, "withdraw.done", case=case)
        why = t(lang, "withdraw.a.why.disposal_withdrawn")
        assert t(lang, "case.withdrawn", day="26/11/2026", why=why) in card
        assert t(lang, "case.state.closed_withdrawn") in card and WITHDRAWN not in card
        (told,) = await sergeant.wait_for_reply()
        assert told.text == t("en", "withdraw.police_told", reference=reference,
                              initials="SDJ", la="Cardiff",
                              why=t("en", "withdraw.a.why.disposal_withdrawn"))  # fmt: skip
    referral = await the_referral(storage)
    assert referral.state == "closed_withdrawn" and referral.closed_reason == "disposal_withdrawn"
    assert referral.withdrawal_reason is not None and b"Osian" not in referral.withdrawal_reason
    assert "referral.withdrawn" in await actions(storage, referral.id)


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_a_manager_reallocates_from_workload_and_both_workers_are_told(
    storage: Storage, api: FakeBotApi, clock: FixedClock, lang: str
) -> None:
    sergeant = api.user(170, "Sgt Rees", language_code="en")
    mair = api.user(270, "Mair", language_code=lang)
    ifan = api.user(271, "Ifan", language_code=lang)
    gwen = api.user(370, "Gwen", language_code=lang)
    huw = api.user(371, "Huw", language_code="en")
    async with running_bot(storage, api):
        await enrol(storage, sergeant, InviteSpec("police", "Sgt Rees", "south-wales"))
        await enrol(storage, mair, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
        await enrol(storage, ifan, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
        await enrol(storage, gwen, InviteSpec("manager", "Gwen", la_codes=("cardiff",)))
        await enrol(storage, huw, InviteSpec("manager", "Huw", la_codes=("newport",)))
        reference = await referred_and_accepted(sergeant, mair, lang)
        case = f"{reference} (SDJ)"
        clock.advance(days=2)
        ifan_before = len(ifan.messages)
        await ifan.wait_until(lambda u: len(u.messages) >= ifan_before)

        await gwen.send("/workload")
        (load,) = await gwen.wait_for_reply()
        assert "Mair" in (load.text or "")
        listed = await press_new(gwen, t(lang, "workload.reallocate", who="Mair"))
        assert listed == t(lang, "reallocate.cases_of", worker="Mair", n=1)
        await press_edit(gwen, case, t(lang, "reallocate.choose", case=case, worker="Mair"))
        sure = t(lang, "reallocate.sure", case=case, old="Mair", new="Ifan")
        await press_edit(gwen, "Ifan", sure)
        # Newport's manager, with Gwen's Yes crafted into his chat: nothing.
        yes = gwen.last.button_data(t(lang, "reallocate.yes")) if gwen.last else None
        assert yes is not None
        await huw.send("/workload")
        (theirs,) = await huw.wait_for_reply()
        await huw.press_data(theirs.message_id, yes)
        (stale,) = await huw.wait_for_reply()
        assert stale.text == t("en", "button.stale")
        done = t(lang, "reallocate.done", case=case, old="Mair", new="Ifan")
        await press_edit(gwen, t(lang, "reallocate.yes"), done)
        given = t(lang, "reallocate.given", reference=reference, initials="SDJ")
        await ifan.wait_until(lambda u: u.last_text == given, what=given)
        taken = t(lang, "reallocate.taken", reference=reference, initials="SDJ")
        await mair.wait_until(lambda u: u.last_text == taken, what=taken)
        # Ifan works on it now; Gwen's Yes pressed again is stale (it changed hands).
        card = await open_card(ifan, case)
        assert t(lang, "case.state.allocated") in card
        await gwen.press_data(gwen.last.message_id if gwen.last else 0, yes)
        await gwen.wait_until(lambda u: u.last_text == t(lang, "button.stale"))
    referral = await the_referral(storage)
    assert "referral.reallocated" in await actions(storage, referral.id)
    assert "transition.reallocate" in await actions(storage, referral.id)
