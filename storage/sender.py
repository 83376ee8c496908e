"""Who sent an update and where their conversation is, in one statement.

Every update needs both, and on PostgreSQL each statement is a round trip: the user, their
LAs and their dialogue come back together (one row per LA, at least one).
"""

from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import execute
from storage.dialogues import DialogueState
from storage.models import Dialogue, User
from storage.people import PROFILE_COLUMNS, Profile

_USERS = User.metadata.tables["users"]
_USER_LAS = User.metadata.tables["user_las"]
_DIALOGUES = Dialogue.metadata.tables["dialogues"]
_DIALOGUE_COLUMNS = ("kind", "step", "answers", "referral_id", "updated_at")
_SENDER = (
    select(
        *(_USERS.c[name] for name in PROFILE_COLUMNS),
        _USER_LAS.c.la_code,
        *(_DIALOGUES.c[name].label(f"d_{name}") for name in _DIALOGUE_COLUMNS),
    )
    .select_from(
        _USERS.outerjoin(_USER_LAS, _USER_LAS.c.user_id == _USERS.c.id).outerjoin(
            _DIALOGUES, _DIALOGUES.c.user_id == _USERS.c.id
        )
    )
    .where(_USERS.c.telegram_id == bindparam("telegram_id"))
    .order_by(_USER_LAS.c.la_code)
)


async def read_sender(
    session: AsyncSession, telegram_id: int
) -> tuple[Profile, DialogueState | None] | None:
    rows = (await execute(session, _SENDER, {"telegram_id": telegram_id})).all()
    if not rows:
        return None
    first: Any = rows[0]
    profile = Profile(
        first.id, first.telegram_id, first.display_name, first.role, first.force_code,
        first.national, first.language, first.active,
        tuple(row.la_code for row in rows if row.la_code is not None),
    )  # fmt: skip
    dialogue = None
    if first.d_kind is not None:
        dialogue = DialogueState(first.id, first.d_kind, first.d_step, first.d_answers,
                                 first.d_referral_id, first.d_updated_at)  # fmt: skip
    return profile, dialogue
