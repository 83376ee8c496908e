"""The dialogue registry: every command, button and kind of dialogue is declared once, and
anything it does not know (a kind from an older release, a made-up action) gets the same
polite answer, never an error."""

from __future__ import annotations

from datetime import timedelta

import pytest

from conversations import registry
from conversations.access import ROLE_COMMANDS, ROLES, Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.housekeeping import sweep
from conversations.i18n import t
from conversations.reply import Outcome
from state_machine.clock import FixedClock
from storage.uow import Storage

STALE = t("en", "button.stale")


async def enrolled(
    storage: Storage, role: str = "admin", **scope: object
) -> tuple[Assistant, Actor]:
    assistant = Assistant(storage, "oocps_test_bot")
    spec = InviteSpec(role, f"Test {role}", **scope)  # type: ignore[arg-type]
    await assistant.start(900, await create_invite(storage, spec, actor="test"), "en")
    actor = await assistant.identify(900)
    assert actor is not None
    return assistant, actor


async def issue(storage: Storage, actor: Actor, action: str, **payload: object) -> str:
    async with storage.unit_of_work() as uow:
        return uow.buttons.issue(actor.user_id, action, dict(payload), uow.clock.now())


async def in_dialogue(storage: Storage, actor: Actor, kind: str, step: str = "x") -> None:
    async with storage.unit_of_work() as uow:
        await uow.dialogues.begin(actor.user_id, kind, step)


def texts(outcome: Outcome | None) -> list[str]:
    assert outcome is not None
    return [reply.text for reply in outcome.replies]


def test_every_command_a_role_is_given_has_one_handler() -> None:
    given = {name for names in ROLE_COMMANDS.values() for name in names}
    assert given == set(registry.COMMANDS)
    for kind in registry.DIALOGUES.values():
        assert kind.command in registry.COMMANDS
        assert kind.kind not in {a.split(".")[0] for a in registry.ACTIONS}
    assert all(set(a.roles) <= set(ROLES) and a.roles for a in registry.ACTIONS.values())


async def test_a_button_of_a_kind_nobody_knows_gets_the_stale_answer(storage: Storage) -> None:
    assistant, admin = await enrolled(storage)
    await in_dialogue(storage, admin, "survey")  # left by an older release, say
    for action in ("survey.answer", "nothing", "referral.unknown", "invite"):
        token = await issue(storage, admin, action, q="x")
        assert texts(await assistant.press(admin, token)) == [STALE]
    assert texts(await assistant.text(admin, "hello")) == [t("en", "text.not_expected")]


async def test_a_dialogue_button_works_only_inside_that_dialogue(storage: Storage) -> None:
    assistant, admin = await enrolled(storage)
    token = await issue(storage, admin, "invite.role", role="worker")
    assert texts(await assistant.press(admin, token)) == [STALE]  # no dialogue under way
    await in_dialogue(storage, admin, "screening")  # another kind of dialogue
    assert texts(await assistant.press(admin, token)) == [STALE]


async def test_a_role_that_may_not_use_an_action_is_refused_at_use(storage: Storage) -> None:
    assistant, worker = await enrolled(storage, "worker", la_codes=("cardiff",))
    take = await issue(storage, worker, "referral.take", referral_id=1)
    assert texts(await assistant.press(worker, take)) == [STALE]
    await in_dialogue(storage, worker, "invite", "role")  # a worker cannot be inviting
    pick = await issue(storage, worker, "invite.role", role="admin")
    assert texts(await assistant.press(worker, pick)) == [STALE]
    assert texts(await assistant.text(worker, "Ann")) == [t("en", "text.not_expected")]


async def test_an_unknown_command_is_politely_unknown(storage: Storage) -> None:
    assistant, worker = await enrolled(storage, "worker", la_codes=("cardiff",))
    for name in ("screen", "invite", "frobnicate"):
        assert texts(await assistant.command(worker, name)) == [t("en", "command.unknown")]


@pytest.mark.parametrize("kind", ["survey", "invite"])
async def test_cancel_and_the_idle_sweep_end_any_kind_through_the_registry(
    storage: Storage, clock: FixedClock, kind: str
) -> None:
    assistant, admin = await enrolled(storage)
    await in_dialogue(storage, admin, kind)
    asked = await assistant.command(admin, "cancel")
    assert asked is not None
    assert texts(await assistant.press(admin, asked.replies[0].buttons[0][0].token)) == [
        t("en", "cancel.done")
    ]
    assert texts(await assistant.command(admin, "cancel")) == [t("en", "cancel.nothing")]
    await in_dialogue(storage, admin, kind)
    clock.advance(hours=13)
    assert (await sweep(storage, dialogue_idle=timedelta(hours=12))).dialogues == 1
    assert texts(await assistant.command(admin, "cancel")) == [t("en", "cancel.nothing")]
