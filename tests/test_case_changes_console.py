"""The console does what Telegram does for an extension: a worker at a console asks for
one by numbers in Welsh, the police user at theirs approves it, confirmed first, and the
worker's console shows the answer."""

from __future__ import annotations

from bot.console import console_actor, run_console
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive
from tests.test_console_and_admin_cli import Terminal


async def test_an_extension_asked_and_approved_at_consoles(storage: Storage) -> None:
    assistant = Assistant(storage, "oocps_bot")
    nia = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "cy")
    sergeant = await console_actor(storage, InviteSpec("police", "Sgt", "gwent"), "cy")
    await drive(assistant, sergeant, script.whole("cy"))
    # Accept; Open the case; Ask police for an extension; +2 weeks; the reason; Send.
    term = Terminal("1", "2", "7", "1", "Mae angen dwy sesiwn arall", "2", "/quit")
    await run_console(assistant, nia, term.ask, term.say)
    case = next(line.split(" · ")[0] for line in term.shown if " · Caerdydd" in line)
    assert f"  [7] {t('cy', 'case.ask_extension')}" in term.shown
    sent = t("cy", "extension.sent", case=case, until="|").split("|")[0]
    assert any(line.startswith(sent) for line in term.shown), term.text
    # At the sergeant's console: the request, Approve, Yes.
    police = Terminal("1", "1", "/quit")
    await run_console(assistant, sergeant, police.ask, police.say)
    assert f"  [1] {t('cy', 'extension.approve')}" in police.shown
    approved = t("cy", "extension.approved", case=case, until="|").split("|")[0]
    assert any(line.startswith(approved) for line in police.shown), police.text
    told = Terminal("/quit")
    await run_console(assistant, nia, told.ask, told.say)
    reference = case.split(" ")[0]
    assert any(line.startswith(t("cy", "extension.approved_told", reference=reference,
                                 initials="SDJ", until="|").split("|")[0])
               for line in told.shown), told.text  # fmt: skip
