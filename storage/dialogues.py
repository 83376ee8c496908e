"""A user's conversation in progress, kept in the database so a restart loses nothing."""

from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.models import Dialogue


class DialogueStore:
    def __init__(self, session: AsyncSession, clock: Clock) -> None:
        self._session = session
        self._clock = clock

    async def current(self, user_id: int) -> Dialogue | None:
        return await self._session.scalar(select(Dialogue).where(Dialogue.user_id == user_id))

    async def begin(
        self, user_id: int, kind: str, step: str, answers: dict[str, Any] | None = None
    ) -> Dialogue:
        """Start `kind` for the user, replacing whatever they had in progress."""
        await self.end(user_id)
        now = self._clock.now()
        dialogue = Dialogue(
            user_id=user_id, kind=kind, step=step, answers=dict(answers or {}),
            started_at=now, updated_at=now,
        )  # fmt: skip
        self._session.add(dialogue)
        return dialogue

    def advance(self, dialogue: Dialogue, step: str, **answers: Any) -> None:
        # A new dict, so the JSON column sees the change.
        dialogue.answers = {**dialogue.answers, **answers}
        dialogue.step = step
        dialogue.updated_at = self._clock.now()

    async def end(self, user_id: int) -> None:
        await self._session.execute(delete(Dialogue).where(Dialogue.user_id == user_id))
        await self._session.flush()

    async def idle_since(self, before: datetime) -> list[Dialogue]:
        """Conversations nobody has touched since `before`."""
        rows = await self._session.scalars(select(Dialogue).where(Dialogue.updated_at < before))
        return list(rows)
