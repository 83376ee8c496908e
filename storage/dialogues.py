"""A user's conversation in progress, kept in the database so a restart loses nothing.

Read and written with statements built once, not through the ORM's unit of work: every
update reads the sender's dialogue and most move it on, so this is the bot's hottest row.
"""

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import Row, bindparam, delete, insert, literal, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.dialect import execute
from storage.models import ButtonToken, Dialogue

_TABLE = Dialogue.metadata.tables["dialogues"]
_COLUMNS = ("user_id", "kind", "step", "answers", "referral_id", "updated_at")
_READ = select(*(_TABLE.c[name] for name in _COLUMNS)).where(_TABLE.c.user_id == bindparam("uid"))
_INSERT = insert(_TABLE)
_UPDATE = (
    update(_TABLE)
    .where(_TABLE.c.user_id == bindparam("uid"))
    .values(step=bindparam("step"), answers=bindparam("answers"), updated_at=bindparam("at"))
)
_DELETE = delete(_TABLE).where(_TABLE.c.user_id == bindparam("uid"))
_BUTTONS = ButtonToken.metadata.tables["button_tokens"]
# A dialogue's buttons are the user's whose action its kind prefixes (`screening.answer`):
# they end with it, so an old one cannot answer the same question in the next dialogue.
_VOID_BUTTONS = delete(_BUTTONS).where(
    _BUTTONS.c.user_id == bindparam("uid"),
    _BUTTONS.c.action.like(
        select(_TABLE.c.kind + literal(".%"))
        .where(_TABLE.c.user_id == bindparam("uid"))
        .scalar_subquery()
    ),
)


@dataclass(slots=True)
class DialogueState:
    """Where one user is: the kind of conversation, its step and what it has gathered."""

    user_id: int
    kind: str
    step: str
    answers: dict[str, Any] = field(default_factory=dict)
    referral_id: int | None = None
    updated_at: datetime | None = None


def _state(row: Row[Any]) -> DialogueState:
    return DialogueState(row.user_id, row.kind, row.step, row.answers, row.referral_id,
                         row.updated_at)  # fmt: skip


class DialogueStore:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock
        self._seen: dict[int, DialogueState | None] = {}  # this unit of work's reads and writes
        self._moved: dict[int, DialogueState] = {}  # advanced, written by `save`

    async def current(self, user_id: int) -> DialogueState | None:
        if user_id not in self._seen:
            row = (await execute(self._session, _READ, {"uid": user_id})).first()
            self._seen[user_id] = None if row is None else _state(row)
        return self._seen[user_id]

    def remember(self, user_id: int, dialogue: DialogueState | None) -> None:
        """What another statement of this unit of work read (see storage/sender.py)."""
        self._seen.setdefault(user_id, dialogue)

    async def begin(
        self,
        user_id: int,
        kind: str,
        step: str,
        answers: dict[str, Any] | None = None,
        *,
        referral_id: int | None = None,
    ) -> DialogueState:
        """Start `kind` for the user, replacing whatever they had in progress."""
        await self.end(user_id)
        now = self._clock.now()
        dialogue = DialogueState(user_id, kind, step, dict(answers or {}), referral_id, now)
        await execute(
            self._session,
            _INSERT,
            {"user_id": user_id, "kind": kind, "step": step, "answers": dialogue.answers,
             "referral_id": referral_id, "started_at": now, "updated_at": now},
        )  # fmt: skip
        self._seen[user_id] = dialogue
        return dialogue

    def advance(self, dialogue: DialogueState, step: str, **answers: Any) -> None:
        dialogue.answers = {**dialogue.answers, **answers}
        dialogue.step = step
        dialogue.updated_at = self._clock.now()
        self._moved[dialogue.user_id] = dialogue

    async def save(self) -> None:
        """Write the dialogues advanced in this unit of work (once each, however often)."""
        moved, self._moved = self._moved, {}
        for d in moved.values():
            await execute(
                self._session,
                _UPDATE,
                {"uid": d.user_id, "step": d.step, "answers": d.answers, "at": d.updated_at},
            )

    async def end(self, user_id: int) -> None:
        """The dialogue ends, and every button it showed with it."""
        await execute(self._session, _VOID_BUTTONS, {"uid": user_id})
        await execute(self._session, _DELETE, {"uid": user_id})
        self._moved.pop(user_id, None)
        self._seen[user_id] = None

    async def idle_since(self, before: datetime) -> list[DialogueState]:
        """Conversations nobody has touched since `before`."""
        rows = await execute(
            self._session,
            select(*(_TABLE.c[name] for name in _COLUMNS)).where(_TABLE.c.updated_at < before),
            {},
        )
        return [_state(row) for row in rows]
