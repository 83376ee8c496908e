"""Safeguarding concerns driven through the assistant: at the console by numbers in Welsh
(the manager's console shows the alert at its prompt), a worker moved to another LA cannot
carry on raising one, and purging the personal details takes the words but keeps the
concern."""

from __future__ import annotations

from sqlalchemy import select

from bot.console import console_actor, run_console
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec
from conversations.i18n import t
from state_machine.clock import FixedClock
from storage.models import Referral, SafeguardingConcern
from storage.uow import Storage
from tests import screening_script as script
from tests.assistant_script import drive, enrol
from tests.test_cases import accept, open_case, people, refer
from tests.test_console_and_admin_cli import Terminal

WORDS = "Dafydd said he was hit at home"


async def test_a_console_worker_raises_an_immediate_risk_by_numbers_in_welsh(
    storage: Storage, clock: FixedClock
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    nia = await console_actor(storage, InviteSpec("worker", "Nia", la_codes=("cardiff",)), "cy")
    gwen = await console_actor(storage, InviteSpec("manager", "Gwen", la_codes=("cardiff",)), "cy")
    sergeant = await enrol(assistant, 1, InviteSpec("police", "Sgt", "gwent"))
    await drive(assistant, sergeant, script.whole("en"))
    # Accept; Open the case; Raise a safeguarding concern: Immediate risk, the words, Referred
    # to the police, Today; Save.
    term = Terminal("1", "2", "6", "1", WORDS, "2", "1", "2", "/quit")
    await run_console(assistant, nia, term.ask, term.say)
    case = next(line.split(" · ")[0] for line in term.shown if " · Caerdydd" in line)
    assert f"  [6] {t('cy', 'case.raise_concern')}" in term.shown
    saved = t("cy", "concern.saved", case=case, day="23/11/2026")
    assert f"{t('cy', 'concern.act_now')}\n\n{saved}" in term.text
    level = t("cy", "concern.a.level.immediate_risk")
    assert t("cy", "case.concerns", count=1, day="23/11/2026", level=level) in term.text
    # Gwen's console shows the alert when she is there: reference and initials, not the words.
    seen = Terminal("/quit")
    await run_console(assistant, gwen, seen.ask, seen.say)
    reference, initials = case.split(" ")[0], "SDJ"
    police = t("cy", "concern.a.action.police")
    assert t("cy", "safeguarding.alert", reference=reference, initials=initials, level=level,
             action=police, day="23/11/2026") in seen.shown  # fmt: skip
    assert WORDS not in seen.text


async def test_a_worker_moved_to_another_la_cannot_carry_on_raising_a_concern(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    await mair.press(t("en", "case.raise_concern"))
    await mair.press(t("en", "concern.a.level.concern"))
    async with storage.unit_of_work() as uow:
        user = await uow.people.get(mair.actor.user_id)
        assert user is not None
        await uow.people.revoke(user, actor="test")
    moved = await enrol(assistant, 2, InviteSpec("worker", "Mair", la_codes=("newport",)))
    said = await assistant.text(moved, WORDS)
    assert said is not None and [r.text for r in said.replies] == [t("en", "text.not_expected")]
    async with storage.unit_of_work() as uow:
        assert await uow.dialogues.current(moved.user_id) is None
        assert list(await uow.session.scalars(select(SafeguardingConcern))) == []


async def test_purging_the_personal_details_takes_a_concerns_words_and_keeps_the_concern(
    storage: Storage, clock: FixedClock
) -> None:
    assistant, mair = await people(storage)
    reference = await refer(assistant)
    await accept(assistant, 2, reference)
    await open_case(mair, reference)
    for step in ("case.raise_concern", "concern.a.level.concern"):
        await mair.press(t("en", step))
    await mair.say(WORDS)
    for step in ("concern.a.action.safeguarding_lead", "concern.a.on.today", "concern.submit"):
        await mair.press(t("en", step))
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        (row,) = await uow.session.scalars(select(SafeguardingConcern))
        assert row.summary is not None and WORDS.encode() not in row.summary
        assert await uow.personal.purge(referral, actor="test", reason="retention")
    async with storage.unit_of_work() as uow:
        referral = await uow.session.scalar(select(Referral))
        assert referral is not None
        (row,) = await uow.session.scalars(select(SafeguardingConcern))
        assert row.summary is None and row.level == "concern"
        assert await uow.safeguarding.words(referral, actor="test", purpose="check") == []
