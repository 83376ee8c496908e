"""The invite as a form: role, then the force (police, YOT) or the LAs (workers, managers;
a manager may be national instead), the name, how long the link lasts; then the link.

It has no review: five taps and a name, each shown as it is chosen, and the link can simply
be made again. Its answers live in the dialogue row until the invite is made.
"""

from __future__ import annotations

from datetime import date, timedelta
from typing import Any

from conversations.access import ROLES
from conversations.enrolment import InviteError, InviteSpec, check_scope, invite_link, new_token
from conversations.forms.hooks import Hooks, Store, Turn
from conversations.forms.questions import Answers, Form, Question, when
from conversations.i18n import t
from conversations.parsing import Problem
from conversations.reply import Outcome, Reply
from storage.dialogues import DialogueState
from storage.uow import UnitOfWork

KIND = "invite"
EXPIRIES = {"24h": timedelta(hours=24), "72h": timedelta(hours=72), "7d": timedelta(days=7)}
MAX_NAME = 100
NATIONAL = "national"


def read_name(text: str) -> str | Problem:
    name = " ".join(text.split())
    if not name or len(name) > MAX_NAME:
        return Problem("invite.name_invalid", {"limit": MAX_NAME})
    return name


QUESTIONS = (
    Question("role", "choice", choices=ROLES),
    Question("force", "choice", applies=when("role", "police", "yot"), depends_on=("role",),
             per_row=1),
    Question("las", "multi", applies=when("role", "worker", "manager"), depends_on=("role",),
             alone=(NATIONAL,)),
    Question("name", "text", limit=MAX_NAME, parser=read_name),
    Question("expiry", "choice", choices=tuple(EXPIRIES), per_row=3),
)  # fmt: skip


class InviteStore:
    """The answers so far, kept in the dialogue row."""

    def __init__(self, uow: UnitOfWork, dialogue: DialogueState) -> None:
        self.uow, self.dialogue = uow, dialogue

    async def answers(self) -> dict[str, Any]:
        return dict(self.dialogue.answers)

    async def given(self) -> dict[str, Any]:
        return dict(self.dialogue.answers)

    async def record(self, question: Question, value: Any) -> None:
        fields = {question.key: value}
        if question.key == "las":
            national = value == [NATIONAL]
            fields = {"las": [] if national else value, "national": national}
        self.uow.dialogues.advance(self.dialogue, self.dialogue.step, **fields)


class InviteHooks(Hooks):
    async def store(self, turn: Turn) -> Store:
        return InviteStore(turn.uow, turn.dialogue)

    async def text(self, turn: Turn, question: Question, answers: Answers) -> str:
        return t(turn.lang, f"invite.ask_{question.key}", limit=MAX_NAME)

    def label(self, turn: Turn, lang: str, question: Question, value: str) -> str:
        if question.key == "role":
            return t(lang, f"role.{value}")
        return t(lang, f"invite.{question.key}.{value}")

    def done_label(self, turn: Turn, question: Question) -> str:
        return t(turn.lang, "invite.las_done")

    async def options(
        self, turn: Turn, question: Question, answers: Answers, lang: str
    ) -> list[tuple[str, str]]:
        people = turn.uow.people
        if question.key == "force":
            return [(f.code, f.name(lang)) for f in await people.forces()]
        if question.key == "las":
            las = [(la.code, la.name(lang)) for la in await people.local_authorities()]
            if answers.get("role") == "manager":
                las.append((NATIONAL, t(lang, "scope.national")))
            return las
        return await super().options(turn, question, answers, lang)

    def check(
        self, turn: Turn, question: Question, value: Any, answers: Answers, today: date
    ) -> Problem | None:
        if question.key == "las" and not value:
            return Problem("invite.pick_an_la", {})
        return None

    async def finish(self, turn: Turn) -> Outcome:
        """The link, once the scope has been checked again (an LA may have gone meanwhile)."""
        uow, actor, lang = turn.uow, turn.actor, turn.lang
        answers = turn.dialogue.answers
        spec = InviteSpec(
            role=str(answers.get("role")),
            display_name=str(answers.get("name", "")),
            force_code=answers.get("force"),
            la_codes=tuple(answers.get("las") or ()),
            national=bool(answers.get("national")),
            expires_in=EXPIRIES.get(str(answers.get("expiry")), EXPIRIES["72h"]),
        )
        await uow.dialogues.end(actor.user_id)
        try:
            await check_scope(uow, spec)
        except InviteError:
            return Outcome([Reply(t(lang, "invite.failed"), edit=True)])
        token = await new_token(uow, spec, actor=actor.audit_name)
        link = invite_link(str(turn.extra["bot_username"]), token)
        return Outcome([Reply(t(lang, "invite.ready", name=spec.display_name, link=link),
                              edit=True)])  # fmt: skip


FORM = Form(
    kind=KIND,
    prefix="invite",
    questions=QUESTIONS,
    hooks=InviteHooks(),
    progress=False,  # a short form whose every step is on screen as it is chosen
    edits=True,  # each choice replaces the message it was made on
    reask=False,  # the question and its buttons are still just above
)
