"""Inline buttons: the callback data is an opaque token; its meaning stays on the server."""

import re
import secrets
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import bindparam, delete, insert, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import execute
from storage.models import ButtonToken

_TABLE = ButtonToken.metadata.tables["button_tokens"]  # the Table, typed as one
# Built once: a press is the most frequent thing the bot handles.
_RESOLVE = select(_TABLE.c.action, _TABLE.c.payload).where(
    _TABLE.c.token == bindparam("token"), _TABLE.c.user_id == bindparam("user_id")
)
_ISSUE = insert(_TABLE)


_TOKEN = re.compile(r"[A-Za-z0-9_-]{1,24}")


def well_formed(token: str) -> bool:
    """Whether callback data could be one of our tokens: anything else (a NUL byte, which
    PostgreSQL refuses in text, or a forged long string) is never looked up."""
    return _TOKEN.fullmatch(token) is not None


class Pressed(NamedTuple):
    action: str
    payload: dict[str, Any]


class ButtonStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._issued: list[dict[str, Any]] = []
        self._known: dict[tuple[str, int], Pressed | None] = {}  # read with the sender

    def issue(self, user_id: int, action: str, payload: dict[str, Any], at: datetime) -> str:
        """A token for one button; written with the others of its unit of work (`save`)."""
        token = secrets.token_urlsafe(12)  # 16 characters, far inside the 64-byte limit
        self._issued.append(
            {"token": token, "user_id": user_id, "action": action, "payload": payload,
             "created_at": at}
        )  # fmt: skip
        return token

    async def save(self) -> None:
        """Write the tokens issued so far, in one statement (a question has several buttons)."""
        if self._issued:
            rows, self._issued = self._issued, []
            await execute(self._session, _ISSUE, rows)

    def remember(self, token: str, user_id: int, pressed: Pressed | None) -> None:
        """What another statement of this unit of work read (see storage/sender.py)."""
        self._known[token, user_id] = pressed

    async def resolve(self, token: str, user_id: int) -> Pressed | None:
        """The button, only for the user it was issued to; None for anything else."""
        if not well_formed(token):
            return None
        if (token, user_id) in self._known:
            return self._known[token, user_id]
        row = (await execute(self._session, _RESOLVE, {"token": token, "user_id": user_id})).first()
        return None if row is None else Pressed(row.action, row.payload)

    async def forget_before(self, before: datetime) -> None:
        await self._session.execute(delete(ButtonToken).where(ButtonToken.created_at < before))
