"""Inline buttons: the callback data is an opaque token; its meaning stays on the server."""

import secrets
from datetime import datetime
from typing import Any

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ButtonToken


class ButtonStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    def issue(self, user_id: int, action: str, payload: dict[str, Any], at: datetime) -> str:
        token = secrets.token_urlsafe(12)  # 16 characters, far inside the 64-byte limit
        self._session.add(
            ButtonToken(token=token, user_id=user_id, action=action, payload=payload, created_at=at)
        )
        return token

    async def resolve(self, token: str, user_id: int) -> ButtonToken | None:
        """The button, only for the user it was issued to; None for anything else."""
        if len(token) > 24:
            return None
        return await self._session.scalar(
            select(ButtonToken).where(ButtonToken.token == token, ButtonToken.user_id == user_id)
        )

    async def forget_before(self, before: datetime) -> None:
        await self._session.execute(delete(ButtonToken).where(ButtonToken.created_at < before))
