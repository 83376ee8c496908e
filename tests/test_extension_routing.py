"""Where an extension request goes when its officer has left, as the outcome notice goes:
the force's other police users; with none, the admins (reference and force only), and the
first police user of the force to enrol is sent it. A crafted date press is read as words."""

from __future__ import annotations

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from conversations.reply import Outcome
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol
from tests.test_access_table import issue, latest_referral, revoke, texts


def token(outcome: Outcome | None, label: str) -> str:
    assert outcome is not None
    for reply in reversed(outcome.replies):
        for row in reply.buttons:
            for b in row:
                if b.label.startswith(label):
                    return b.token
    raise AssertionError(f"no button {label!r} in {texts(outcome)}")


async def ask_extension(storage: Storage, assistant: Assistant) -> Outcome:
    mair = await enrol(assistant, 2, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
    referral_id = await latest_referral(storage)
    accept = await issue(storage, mair, "referral.accept", {"referral_id": referral_id})
    await assistant.press(mair, accept)
    opened = await assistant.press(
        mair, await issue(storage, mair, "case.extension", {"referral_id": referral_id})
    )
    # A crafted press at the date: read as typed words, refused politely, nothing lost.
    crafted = await issue(storage, mair, "extension_request.answer", {"q": "until", "v": "x"})
    refused = texts(await assistant.press(mair, crafted))
    assert refused and t("en", "button.stale") not in refused
    await assistant.press(mair, token(opened, "+4"))
    review = await assistant.text(mair, "Two more sessions are needed")
    said = await assistant.press(mair, token(review, t("en", "extension.submit")))
    assert said is not None
    return said


async def test_an_officer_who_left_the_force_others_get_it(storage: Storage) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await enrol(assistant, 11, InviteSpec("police", "Sgt Owen", "gwent"))
    await enrol(assistant, 7, InviteSpec("police", "Sgt Rees", "south-wales"))
    await drive(assistant, sergeant, script.whole("en"))
    await revoke(storage, 1)
    said = await ask_extension(storage, assistant)
    assert [n.telegram_id for n in said.notices] == [11]
    assert t("en", "extension.approve") in str(said.notices[0].reply.buttons)


async def test_with_no_police_of_the_force_the_admins_are_told_and_a_new_one_gets_it(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await enrol(assistant, 10, InviteSpec("admin", "Ada"))
    await drive(assistant, sergeant, script.whole("en"))
    await revoke(storage, 1)
    said = await ask_extension(storage, assistant)
    (notice,) = said.notices
    assert notice.telegram_id == 10 and notice.reply.buttons == ()
    assert notice.reply.text.startswith("An extension request on referral R-")
    assert "Gwent" in notice.reply.text and "SDJ" not in notice.reply.text
    assert any(t("en", "extension.sent_admins", case="|", until="|").split("|")[-1] in x
               for x in texts(said))  # fmt: skip
    newcomer = await enrol(assistant, 12, InviteSpec("police", "Sgt Pugh", "gwent"))
    async with storage.unit_of_work() as uow:
        rows = await uow.notifications.owed_to(newcomer.user_id)
        assert [r.kind for r in rows] == ["extension_request"]


async def test_a_transfer_withdraws_the_open_request_and_the_officers_approve_is_stale(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await drive(assistant, sergeant, script.whole("en"))
    said = await ask_extension(storage, assistant)
    (notice,) = said.notices
    approve = next(b.token for row in notice.reply.buttons for b in row
                   if b.label == t("en", "extension.approve"))  # fmt: skip
    mair = await assistant.identify(2)
    assert mair is not None
    referral_id = await latest_referral(storage)
    opened = await assistant.press(
        mair, await issue(storage, mair, "case.transfer", {"referral_id": referral_id})
    )
    await assistant.press(mair, token(opened, "Newport"))
    review = await assistant.text(mair, "They moved house")
    done = texts(await assistant.press(mair, token(review, t("en", "transfer.submit"))))
    assert "Newport" in done[0]
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(referral_id)
        assert referral.la_code == "newport" and referral.extension_requested_at is None
        assert await uow.extensions.open_for(referral) is None
        assert "extension.withdrawn" in [e.action for e in await uow.audit.trail(referral_id)]
    pressed = texts(await assistant.press(sergeant, approve))
    assert pressed == [t("en", "button.stale")]


async def test_an_answer_after_a_reallocation_goes_to_the_worker_who_holds_the_case(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await drive(assistant, sergeant, script.whole("en"))
    said = await ask_extension(storage, assistant)
    ifan = await enrol(assistant, 3, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
    referral_id = await latest_referral(storage)
    async with storage.unit_of_work() as uow:
        referral = await uow.referrals.get_by_id(referral_id)
        await uow.referrals.transition(referral, "reallocate", actor="user:9",
                                       reason="manager", worker_id=ifan.user_id)  # fmt: skip
    (notice,) = said.notices
    approve = next(b.token for row in notice.reply.buttons for b in row
                   if b.label == t("en", "extension.approve"))  # fmt: skip
    sure = await assistant.press(sergeant, approve)
    assert sure is not None
    approved = await assistant.press(sergeant, token(sure, t("en", "extension.approve_yes")))
    assert approved is not None
    assert [n.telegram_id for n in approved.notices] == [3]  # Ifan, not Mair
