"""Who sent an update, where their conversation is, and what they pressed, in one statement.

Every update needs the sender and their dialogue, a press needs its button, and a step of a
screening needs its referral and answers; on PostgreSQL each statement is a round trip: the
user, their LAs, their dialogue, the button, the referral and its answers come back together
(one row per LA, at least one). The referral comes as an ORM object, so the unit of work can
change it.
"""

from dataclasses import dataclass
from functools import cache
from typing import Any

from sqlalchemy import JSON, and_, bindparam, func, select, type_coerce
from sqlalchemy.ext.asyncio import AsyncSession

from storage.buttons import Pressed
from storage.dialogues import DialogueState
from storage.models import ButtonToken, Dialogue, Referral, ScreeningAnswer, User
from storage.people import PROFILE_COLUMNS, Profile

_USERS = User.metadata.tables["users"]
_USER_LAS = User.metadata.tables["user_las"]
_DIALOGUES = Dialogue.metadata.tables["dialogues"]
_BUTTONS = ButtonToken.metadata.tables["button_tokens"]
_ANSWERS = ScreeningAnswer.metadata.tables["screening_answers"]
_DIALOGUE_COLUMNS = ("kind", "step", "answers", "referral_id", "updated_at")


@cache
def _sender(dialect: str) -> Any:
    """Built once per database kind: the screening's answers come as one JSON object, which
    the two databases spell differently."""
    if dialect == "postgresql":
        answers = func.json_object_agg(_ANSWERS.c.question, _ANSWERS.c.value)
    else:
        answers = func.json_group_object(_ANSWERS.c.question, func.json(_ANSWERS.c.value))
    answers_of_referral = (
        select(answers).where(_ANSWERS.c.referral_id == _DIALOGUES.c.referral_id).scalar_subquery()
    )
    return (
        select(
            *(_USERS.c[name] for name in PROFILE_COLUMNS),
            _USER_LAS.c.la_code,
            *(_DIALOGUES.c[name].label(f"d_{name}") for name in _DIALOGUE_COLUMNS),
            _BUTTONS.c.action.label("b_action"),
            _BUTTONS.c.payload.label("b_payload"),
            type_coerce(answers_of_referral, JSON).label("r_answers"),
            Referral,
        )
        .select_from(
            _USERS.outerjoin(_USER_LAS, _USER_LAS.c.user_id == _USERS.c.id)
            .outerjoin(_DIALOGUES, _DIALOGUES.c.user_id == _USERS.c.id)
            .outerjoin(
                _BUTTONS,
                and_(_BUTTONS.c.token == bindparam("token"), _BUTTONS.c.user_id == _USERS.c.id),
            )
            .outerjoin(Referral, Referral.id == _DIALOGUES.c.referral_id)
        )
        .where(_USERS.c.telegram_id == bindparam("telegram_id"))
        .order_by(_USER_LAS.c.la_code)
    )


@dataclass(frozen=True, slots=True)
class Sender:
    profile: Profile
    dialogue: DialogueState | None
    pressed: Pressed | None  # the button asked about, if it is this user's
    referral: Referral | None  # the one the dialogue is about, if any
    answers: dict[str, Any]  # that referral's screening answers


async def read_sender(
    session: AsyncSession, telegram_id: int, token: str | None = None
) -> Sender | None:
    params = {"telegram_id": telegram_id, "token": token}
    statement = _sender(session.get_bind().dialect.name)
    rows = (await session.execute(statement, params)).all()
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
    pressed = None if first.b_action is None else Pressed(first.b_action, first.b_payload)
    return Sender(profile, dialogue, pressed, first.Referral, dict(first.r_answers or {}))
