"""An admin invites people from the phone, one choice per message, each replacing the last."""

from __future__ import annotations

from datetime import timedelta

from conversations.access import Actor
from conversations.assistant import Assistant
from conversations.enrolment import InviteSpec, create_invite
from conversations.i18n import t
from conversations.reply import Outcome, Reply
from storage.models import Invite
from storage.uow import Storage


class Admin:
    def __init__(self, assistant: Assistant, actor: Actor) -> None:
        self.assistant, self.actor = assistant, actor
        self.last = Reply("")

    def _seen(self, outcome: Outcome | None) -> Reply:
        assert outcome is not None and len(outcome.replies) == 1  # one message at a time
        self.last = outcome.replies[0]
        return self.last

    async def command(self, name: str) -> Reply:
        return self._seen(await self.assistant.command(self.actor, name))

    async def press(self, label: str) -> Reply:
        token = next(b.token for row in self.last.buttons for b in row if b.label == label)
        return self._seen(await self.assistant.press(self.actor, token))

    async def say(self, text: str) -> Reply:
        return self._seen(await self.assistant.text(self.actor, text))

    @property
    def buttons(self) -> list[list[str]]:
        return [[b.label for b in row] for row in self.last.buttons]


async def admin(storage: Storage) -> Admin:
    assistant = Assistant(storage, "oocps_bot")
    token = await create_invite(storage, InviteSpec("admin", "Ada"), actor="t")
    await assistant.start(1, token, "en")
    actor = await assistant.identify(1)
    assert actor is not None
    return Admin(assistant, actor)


async def the_invite(storage: Storage, link: str) -> Invite:
    token = link.rsplit("start=", 1)[1]
    async with storage.unit_of_work() as uow:
        invite = await uow.people.invite_for(token)
    assert invite is not None
    return invite


async def test_a_manager_for_all_of_wales_is_invited_without_picking_an_la(
    storage: Storage,
) -> None:
    ada = await admin(storage)
    assert (await ada.command("invite")).text == t("en", "invite.ask_role")
    las = await ada.press(t("en", "role.manager"))
    assert las.text == t("en", "invite.ask_las") and las.edit
    assert ada.buttons[-1] == [t("en", "scope.national"), t("en", "invite.las_done")]
    keyboard = ada.buttons
    done = await ada.press(t("en", "invite.las_done"))  # nothing ticked yet
    assert done.text == t("en", "invite.pick_an_la") and not done.edit
    ada.last = Reply(las.text, buttons=las.buttons)  # still on screen above
    assert ada.buttons == keyboard
    asked = await ada.press(t("en", "scope.national"))
    assert asked.text == t("en", "invite.ask_name", limit=100) and asked.edit
    assert (await ada.say("x" * 101)).text == t("en", "invite.name_invalid", limit=100)
    expiry = await ada.say("  Mair   Jones ")
    assert expiry.text == t("en", "invite.ask_expiry") and not expiry.edit
    assert ada.buttons == [[t("en", f"invite.expiry.{k}") for k in ("24h", "72h", "7d")]]
    ready = await ada.press(t("en", "invite.expiry.7d"))
    assert ready.edit and "Mair Jones" in ready.text
    invite = await the_invite(storage, ready.text)
    assert (invite.role, invite.national, invite.la_codes) == ("manager", True, [])
    assert invite.expires_at - invite.created_at == timedelta(days=7)
    assert (await ada.say("hello")).text == t("en", "text.not_expected")  # it is over


async def test_a_police_officer_is_invited_for_a_force_typed_or_pressed(storage: Storage) -> None:
    ada = await admin(storage)
    await ada.command("invite")
    forces = await ada.press(t("en", "role.police"))
    assert forces.text == t("en", "invite.ask_force")
    assert all(len(row) == 1 for row in ada.buttons)  # one force a row
    assert (await ada.say("Gwent")).text == t("en", "invite.ask_name", limit=100)
    await ada.say("Dai")
    ready = await ada.press(t("en", "invite.expiry.24h"))
    invite = await the_invite(storage, ready.text)
    assert (invite.role, invite.force_code, invite.la_codes) == ("police", "gwent", [])


async def test_an_admin_is_invited_with_no_scope_and_old_buttons_are_stale(
    storage: Storage,
) -> None:
    ada = await admin(storage)
    await ada.command("invite")
    roles = ada.last
    assert (await ada.press(t("en", "role.admin"))).text == t("en", "invite.ask_name", limit=100)
    ada.last = roles
    stale = await ada.press(t("en", "role.worker"))  # the role was chosen already
    assert stale.text == t("en", "button.stale")
