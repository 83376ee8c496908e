"""A referral to an LA where nobody is enrolled yet is not lost: the sergeant is told plainly,
the admins are told, and it is offered to the first worker or manager who enrols there
(issue 10 item 6)."""

from __future__ import annotations

from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.i18n import t
from conversations.reply import Outcome
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol


async def start(assistant: Assistant, telegram_id: int, spec: InviteSpec) -> Outcome:
    token = await create_invite(assistant.storage, spec, actor="test")
    outcome = await assistant.start(telegram_id, token, "en")
    assert outcome is not None
    return outcome


async def referred_to_an_empty_la(assistant: Assistant) -> Outcome:
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    return await drive(assistant, sergeant, script.whole("en"))


async def test_the_sergeant_and_the_admins_are_told_and_the_first_worker_is_offered_it(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    await enrol(assistant, 9, InviteSpec("admin", "Ada"))
    submitted = await referred_to_an_empty_la(assistant)
    (told,) = [r.text for r in submitted.replies]
    assert "nobody there can be told yet" in told and "worker will contact" not in told
    assert told.endswith(t("en", "screen.submitted_admins_told"))
    (admin,) = submitted.notices
    assert admin.telegram_id == 9 and "has nobody to receive it" in admin.reply.text
    welcome = await start(assistant, 2, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
    (offer,) = welcome.notices
    assert offer.telegram_id == 2 and offer.reply.text.startswith("New referral R-")
    mair = await assistant.identify(2)
    assert mair is not None
    accepted = await assistant.press(mair, offer.reply.buttons[0][0].token)
    assert accepted is not None and accepted.replies[0].text.startswith("You accepted")
    later = await start(assistant, 3, InviteSpec("worker", "Ifan", la_codes=("cardiff",)))
    assert later.notices == []  # accepted: no longer waiting


async def test_with_no_admin_either_a_manager_then_a_worker_is_offered_it(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "bot")
    submitted = await referred_to_an_empty_la(assistant)
    assert submitted.notices == []
    assert submitted.replies[0].text.endswith(t("en", "screen.submitted_no_admin"))
    elsewhere = await start(assistant, 4, InviteSpec("worker", "Bryn", la_codes=("newport",)))
    assert elsewhere.notices == []
    manager = await start(assistant, 5, InviteSpec("manager", "Mari", la_codes=("cardiff",)))
    (to_manager,) = manager.notices
    assert to_manager.reply.buttons == ()  # managers are told, workers accept
    await start(assistant, 2, InviteSpec("worker", "Mair", la_codes=("cardiff",)))
    national = await start(assistant, 6, InviteSpec("manager", "Nia", national=True))
    assert national.notices == []  # a worker now has it
