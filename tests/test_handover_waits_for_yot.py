"""A parent under 18 when no YOT officer of the force is enrolled (issue 10, dead ends): the
sergeant is told it is waiting for the YOT team, not "recorded as not eligible"; the admins
are told (the reference and the force, nothing personal); the first YOT officer who enrols
is offered it; and the idle sweep keeps it, telling the admins, instead of discarding it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.console import console_actor, run_console
from bot.jobs import sweep_job
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.housekeeping import sweep
from conversations.i18n import t
from state_machine.clock import FixedClock
from state_machine.lifecycle import ReferralState
from storage.models import Notification, Referral
from storage.uow import Storage
from tests import screening_script as script
from tests.fakeapi import FakeBotApi
from tests.harness import running_bot
from tests.screening_script import enrol, q, reference_in

FORCE = {"en": "Dyfed-Powys Police", "cy": "Heddlu Dyfed-Powys"}


@pytest.fixture
async def api() -> AsyncIterator[FakeBotApi]:
    async with FakeBotApi(token="5454:YOT", bot_username="oocps_test_bot") as server:
        yield server


def to_age(lang: str, age: str) -> list[script.Step]:
    """/screen to the age question of the common path, answered with `age`."""
    steps = script.to_consent(lang)
    return [("say", "/screen"), *steps[: steps.index(("say", "34"))], ("say", age)]


async def the_referral(storage: Storage) -> Referral | None:
    async with storage.unit_of_work() as uow:
        return await uow.session.scalar(select(Referral))


async def kinds_told(storage: Storage) -> list[str]:
    async with storage.unit_of_work() as uow:
        return list(await uow.session.scalars(select(Notification.kind).order_by(Notification.id)))


@pytest.mark.parametrize("lang", ["en", "cy"])
async def test_it_waits_for_the_yot_the_admins_are_told_and_the_first_yot_officer_gets_it(
    storage: Storage, api: FakeBotApi, lang: str
) -> None:
    sergeant = api.user(120, "Sgt", language_code=lang)
    admin, yot = api.user(121, "Ada", language_code=lang), api.user(122, "Yvonne")
    async with running_bot(storage, api):
        await enrol(storage, admin, InviteSpec("admin", "Ada"))
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "dyfed-powys"))
        said = await script.run(sergeant, to_age(lang, "16"))
        reference = reference_in(said)
        assert said == "\n".join(
            [t(lang, "handover.waiting", reference=reference),
             t(lang, "screen.submitted_admins_told")]
        )  # fmt: skip
        assert t(lang, "screen.ineligible.recorded", reference=reference) not in said
        assert sergeant.last is not None and sergeant.last.buttons == []  # nothing to confirm
        (told,) = await admin.wait_for_reply()
        assert told.text == t(lang, "handover.nobody", reference=reference, force=FORCE[lang])
        # A YOT officer of the force enrols: the hand-over is offered to them with the welcome.
        invite = InviteSpec("yot", "Yvonne", "dyfed-powys")
        await yot.send(f"/start {await create_invite(storage, invite, actor='test')}")
        _welcome, offer = await yot.wait_for_reply(2)
        assert offer.text == t("en", "handover.notice", reference=reference)
        await yot.press(t("en", "handover.take"))
        (question,) = await yot.wait_for_reply()
        assert q("en", "social_services") in (question.text or "")
    referral = await the_referral(storage)
    assert referral is not None and referral.lifecycle_state is ReferralState.SCREENING
    assert await kinds_told(storage) == ["handed_to_yot_nobody", "handed_to_yot"]


async def test_with_no_admin_either_the_sergeant_is_asked_to_tell_whoever_runs_it(
    storage: Storage, api: FakeBotApi
) -> None:
    sergeant, other_force_yot = api.user(123, "Sgt"), api.user(124, "Yann")
    async with running_bot(storage, api):
        await enrol(storage, other_force_yot, InviteSpec("yot", "Yann", "gwent"))
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "dyfed-powys"))
        said = await script.run(sergeant, to_age("en", "17"))
        assert said.startswith(t("en", "handover.waiting", reference=reference_in(said)))
        assert said.endswith(t("en", "screen.submitted_no_admin"))
    assert len(other_force_yot.messages) == 1  # their welcome: another force hears nothing
    assert await kinds_told(storage) == []


async def test_the_idle_sweep_keeps_a_hand_over_waiting_and_tells_the_admins_once(
    storage: Storage, api: FakeBotApi, clock: FixedClock
) -> None:
    sergeant, admin, yot = api.user(125, "Sgt"), api.user(126, "Ada"), api.user(127, "Yvonne")
    async with running_bot(storage, api) as app:
        await enrol(storage, sergeant, InviteSpec("police", "Sgt", "south-wales"))
        await enrol(storage, yot, InviteSpec("yot", "Yvonne", "south-wales"))
        reference = reference_in(await script.run(sergeant, to_age("en", "17")))
        (offer,) = await yot.wait_for_reply()  # offered, and not taken up
        assert offer.text == t("en", "handover.notice", reference=reference)
        await enrol(storage, admin, InviteSpec("admin", "Ada"))
        clock.advance(hours=13)  # past the 12 hours after which a screening counts as idle
        assert app.job_queue is not None
        app.job_queue.run_once(sweep_job, when=0)
        (told,) = await admin.wait_for_reply()
        assert told.text == t(
            "en", "handover.unattended", reference=reference, force="South Wales Police"
        )
        clock.advance(hours=13)
        again = await sweep(storage, dialogue_idle=timedelta(hours=12))
        assert again.notices == [] and await the_referral(storage) is not None
        await yot.press(t("en", "handover.take"))  # still there to take up
        (question,) = await yot.wait_for_reply()
        assert q("en", "social_services") in (question.text or "")
    assert len(admin.messages) == 2  # the welcome and one notice: told once
    assert await kinds_told(storage) == ["handed_to_yot", "handed_to_yot_unattended"]


async def test_at_the_console_too_the_sergeant_is_told_and_a_yot_officer_gets_it(
    storage: Storage,
) -> None:
    assistant = Assistant(storage, "oocps_bot")
    sergeant = await console_actor(storage, InviteSpec("police", "Sgt", "dyfed-powys"), "cy")
    typed = Terminal(*[value for _how, value in to_age("cy", "16")], "/quit")  # words, not numbers
    await run_console(assistant, sergeant, typed.ask, typed.say)
    reference = reference_in(typed.shown[-1])
    assert typed.shown[-1] == "\n".join(
        [t("cy", "handover.waiting", reference=reference), t("cy", "screen.submitted_no_admin")]
    )
    yvonne = await console_actor(storage, InviteSpec("yot", "Yvonne", "dyfed-powys"), "en")
    term = Terminal("1", "/quit")  # "Complete it", numbered on the notice shown at the prompt
    await run_console(assistant, yvonne, term.ask, term.say)
    assert t("en", "handover.notice", reference=reference) in term.shown
    assert any(q("en", "social_services") in line for line in term.shown)


class Terminal:
    def __init__(self, *lines: str) -> None:
        self._lines = iter(lines)
        self.shown: list[str] = []

    async def ask(self, _prompt: str) -> str | None:
        return next(self._lines, None)

    def say(self, text: str) -> None:
        self.shown.append(text)
