"""Who sent an update, where their conversation is, and what they pressed, in one statement.

Every update needs the sender, their scope and their dialogue, and a press needs its button;
on PostgreSQL each statement is a round trip, so they come back together (one row per LA, at
least one), and the update's claim rides along too. What a dialogue needs beyond that (a
screening's referral and answers) it reads itself: nothing here knows which dialogue runs.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import and_, bindparam, func, literal, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.buttons import Pressed
from storage.dialogues import DialogueState
from storage.models import ButtonToken, Dialogue, ProcessedUpdate, User
from storage.people import PROFILE_COLUMNS, Profile
from storage.updates import claim_statement, claim_update

_USERS = User.metadata.tables["users"]
_USER_LAS = User.metadata.tables["user_las"]
_DIALOGUES = Dialogue.metadata.tables["dialogues"]
_BUTTONS = ButtonToken.metadata.tables["button_tokens"]
_UPDATES = ProcessedUpdate.metadata.tables["processed_updates"]
_DIALOGUE_COLUMNS = ("kind", "step", "answers", "referral_id", "updated_at")


@cache
def sender_statement(dialect: str, claiming: bool) -> Any:
    """Built once per database kind. `claiming` (PostgreSQL only) also claims the update in
    the same statement, a data-modifying CTE, and returns a row even for a stranger."""
    columns: list[Any] = [
        *(_USERS.c[name] for name in PROFILE_COLUMNS),
        _USER_LAS.c.la_code,
        *(_DIALOGUES.c[name].label(f"d_{name}") for name in _DIALOGUE_COLUMNS),
        _BUTTONS.c.action.label("b_action"),
        _BUTTONS.c.payload.label("b_payload"),
    ]
    the_user = _USERS.c.telegram_id == bindparam("telegram_id")
    if claiming:
        claim = claim_statement(pg_insert).returning(_UPDATES.c.update_id).cte("claim")
        columns.append(select(func.count()).select_from(claim).scalar_subquery().label("claimed"))
        start: Any = select(literal(1).label("one")).subquery("one").outerjoin(_USERS, the_user)
    else:
        start = _USERS
    statement = select(*columns).select_from(
        start.outerjoin(_USER_LAS, _USER_LAS.c.user_id == _USERS.c.id)
        .outerjoin(_DIALOGUES, _DIALOGUES.c.user_id == _USERS.c.id)
        .outerjoin(
            _BUTTONS,
            and_(_BUTTONS.c.token == bindparam("token"), _BUTTONS.c.user_id == _USERS.c.id),
        )
    )
    return (statement if claiming else statement.where(the_user)).order_by(_USER_LAS.c.la_code)


@dataclass(frozen=True, slots=True)
class Sender:
    profile: Profile
    dialogue: DialogueState | None
    pressed: Pressed | None  # the button asked about, if it is this user's


async def read_sender(
    session: AsyncSession, telegram_id: int, token: str | None = None
) -> Sender | None:
    """The enrolled account behind `telegram_id` (active or not), or None."""
    dialect = session.get_bind().dialect.name
    params = {"telegram_id": telegram_id, "token": token}
    rows = (await session.execute(sender_statement(dialect, False), params)).all()
    return _sender_of(rows)


async def admit(
    session: AsyncSession, update_id: int, at: datetime, telegram_id: int, token: str | None
) -> tuple[bool, Sender | None]:
    """Claim the update (False: it was handled before) and read its sender: one round trip on
    PostgreSQL, where every update starts with this; two statements on SQLite, which has no
    data-modifying CTEs."""
    dialect = session.get_bind().dialect.name
    if dialect != "postgresql":
        if not await claim_update(session, update_id, at):
            return False, None
        return True, await read_sender(session, telegram_id, token)
    params = {"telegram_id": telegram_id, "token": token, "update_id": update_id, "at": at}
    rows = (await session.execute(sender_statement(dialect, True), params)).all()
    return bool(rows[0].claimed), _sender_of(rows)


def _sender_of(rows: Sequence[Any]) -> Sender | None:
    if not rows or rows[0].id is None:
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
    pressed = None if first.b_action is None else Pressed(first.b_action, first.b_payload)
    return Sender(profile, dialogue, pressed)
