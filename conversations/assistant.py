"""The one entry point every channel uses: identify, then command, button press or text.

Each call is one unit of work. Role is checked here, on the server, for every command and
every button, whatever the channel showed the user.
"""

from __future__ import annotations

from conversations import account, invite_dialogue
from conversations.access import Actor
from conversations.enrolment import Enrolment
from conversations.i18n import both, t
from conversations.reply import Outcome, Reply
from conversations.screening import handover, submit
from conversations.screening import service as screening
from storage.uow import Storage, UnitOfWork
from storage.updates import claim_update

MAX_TEXT = 4000  # one Telegram message; anything longer is refused, not cut


class Assistant:
    def __init__(self, storage: Storage, bot_username: str) -> None:
        self.storage = storage
        self.bot_username = bot_username
        self.enrolment = Enrolment(storage)

    async def receive(self, delivery_id: int, telegram_id: int) -> tuple[bool, Actor | None]:
        """Claim a delivery (False if it was seen before) and say who sent it, in one go."""
        async with self.storage.unit_of_work() as uow:
            if not await claim_update(uow.session, delivery_id, uow.clock.now()):
                return False, None
            user = await uow.people.profile(telegram_id)
            return True, Actor.of(user) if user is not None and user.active else None

    async def identify(self, telegram_id: int) -> Actor | None:
        """The enrolled, active user behind a Telegram account, or None for anyone else."""
        async with self.storage.unit_of_work() as uow:
            user = await uow.people.profile(telegram_id)
            return Actor.of(user) if user is not None and user.active else None

    async def identify_actor(self, user_id: int) -> Actor | None:
        """The same, by our own user id (the console channel has no Telegram id)."""
        async with self.storage.unit_of_work() as uow:
            user = await uow.people.get(user_id)
            return Actor.of(user) if user is not None and user.active else None

    @staticmethod
    def stranger() -> Outcome:
        """All anyone not enrolled ever hears: the same for every message, command or button."""
        return Outcome([Reply(both("stranger.closed_service"))])

    async def start(self, telegram_id: int, payload: str, language_hint: str | None) -> Outcome:
        return await self.enrolment.start(telegram_id, payload, language_hint)

    async def command(self, actor: Actor, name: str, args: str = "") -> Outcome:
        lang = actor.language
        if not actor.may(name):
            return Outcome([Reply(t(lang, "command.unknown"))])
        async with self.storage.unit_of_work() as uow:
            if name == "help":
                return Outcome([account.help_reply(actor)])
            if name == "whoami":
                return Outcome([await account.whoami(uow, actor)])
            if name == "language":
                return Outcome([account.choose_language(uow, actor)])
            if name == "cancel":
                return Outcome([await account.cancel(uow, actor)])
            if name == "invite":
                return Outcome([await invite_dialogue.begin(uow, actor)])
            if name == "users":
                return Outcome([await _users(uow, actor)])
            if name == "screen":
                return await screening.begin(uow, actor)
        return Outcome([Reply(t(lang, "command.unknown"))])  # pragma: no cover

    async def press(self, actor: Actor, token: str) -> Outcome:
        async with self.storage.unit_of_work() as uow:
            pressed = await uow.buttons.resolve(token, actor.user_id)
            if pressed is None:
                return Outcome([Reply(t(actor.language, "button.stale"))])
            action, payload = pressed.action, dict(pressed.payload)
            if action == "language.set":
                return await account.set_language(uow, actor, str(payload["language"]))
            if action == "cancel.confirm":
                return Outcome([await account.cancel_confirmed(uow, actor)])
            if action == "cancel.keep":
                return Outcome([Reply(t(actor.language, "cancel.kept"), edit=True)])
            if action == "referral.accept":
                return Outcome([await submit.accept(uow, actor, int(payload["referral_id"]))])
            if action == "referral.take":
                return await handover.take(uow, actor, int(payload["referral_id"]))
            if action == "referral.details":
                return Outcome([await submit.details(uow, actor, int(payload["referral_id"]))])
            dialogue = await uow.dialogues.current(actor.user_id)
            kind = action.split(".")[0]
            if dialogue is None or dialogue.kind != kind or not actor.may(_COMMAND_OF[kind]):
                return Outcome([Reply(t(actor.language, "button.stale"))])
            if kind == screening.KIND:
                return await screening.on_button(uow, actor, dialogue, action, payload)
            reply = await invite_dialogue.on_button(
                uow, actor, dialogue, action, payload, bot_username=self.bot_username
            )
            return Outcome([reply])

    @staticmethod
    async def unsupported(actor: Actor) -> Outcome:
        return Outcome([Reply(t(actor.language, "text.unsupported"))])

    async def text(self, actor: Actor, text: str) -> Outcome:
        lang = actor.language
        if len(text) > MAX_TEXT:
            return Outcome([Reply(t(lang, "text.too_long", limit=MAX_TEXT))])
        async with self.storage.unit_of_work() as uow:
            dialogue = await uow.dialogues.current(actor.user_id)
            if dialogue is None:
                return Outcome([Reply(t(lang, "text.not_expected"))])
            if dialogue.kind == invite_dialogue.KIND and actor.may("invite"):
                return Outcome([await invite_dialogue.on_text(uow, actor, dialogue, text)])
            if dialogue.kind == screening.KIND and actor.may("screen"):
                return await screening.on_text(uow, actor, dialogue, text)
            return Outcome([Reply(t(lang, "text.not_expected"))])


# The command that starts each kind of dialogue: its role check guards the dialogue's buttons.
_COMMAND_OF = {invite_dialogue.KIND: "invite", screening.KIND: "screen"}


async def _users(uow: UnitOfWork, actor: Actor) -> Reply:
    """Admins see who is enrolled, by role: names and counts, nothing about cases."""
    lang = actor.language
    users = await uow.people.all()
    lines = [t(lang, "users.title", count=sum(u.active for u in users))]
    for user in users:
        state = t(lang, "users.active") if user.active else t(lang, "users.revoked")
        lines.append(f"• {user.display_name} – {t(lang, f'role.{user.role}')} ({state})")
    return Reply("\n".join(lines))
