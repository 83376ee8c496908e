"""The individual's personal details: encrypted at rest, every read audited, purgeable.

Written as the screening goes (one answer at a time), so read and written with statements
built once rather than through the ORM's unit of work.
"""

from collections.abc import Iterable, Sequence
from functools import cache
from typing import Any

from sqlalchemy import bindparam, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.audit import AuditLog
from storage.crypto import FieldCipher
from storage.dialect import execute, insert_for
from storage.live import Live
from storage.models import (
    ContactAttempt,
    ExtensionRequest,
    ParentFeedback,
    ParentingSession,
    PersonalDetails,
    Referral,
    SafeguardingConcern,
)

_TABLE = PersonalDetails.metadata.tables["personal_details"]
_READ = select(_TABLE.c.payload).where(_TABLE.c.referral_id == bindparam("rid"))
_READ_MANY = select(_TABLE.c.referral_id, _TABLE.c.payload).where(
    _TABLE.c.referral_id.in_(bindparam("rids", expanding=True))
)
_PURGE = (
    update(_TABLE)
    .where(_TABLE.c.referral_id == bindparam("rid"), _TABLE.c.payload.is_not(None))
    .values(payload=None, purged_at=bindparam("at"))
)

# The workers' notes on contact attempts are about the individual too: they go with the rest.
_NOTES = ContactAttempt.metadata.tables["contact_attempts"]
_PURGE_NOTES = (
    update(_NOTES)
    .where(_NOTES.c.referral_id == bindparam("rid"), _NOTES.c.note.is_not(None))
    .values(note=None)
)
# So are the worker's words in the session log, and the parent's comment on the support.
_SESSIONS = ParentingSession.metadata.tables["parenting_sessions"]
_WORDS = ("engagement_reason", "doing_well", "next_steps")
_PURGE_SESSION_WORDS = (
    update(_SESSIONS)
    .where(
        _SESSIONS.c.referral_id == bindparam("rid"),
        or_(*(_SESSIONS.c[w].is_not(None) for w in _WORDS)),
    )
    .values(**dict.fromkeys(_WORDS))
)
_FEEDBACK = ParentFeedback.metadata.tables["parent_feedback"]
_PURGE_COMMENT = (
    update(_FEEDBACK)
    .where(_FEEDBACK.c.referral_id == bindparam("rid"), _FEEDBACK.c.comment.is_not(None))
    .values(comment=None)
)
# So is the worker's reason for 'did not engage appropriately'.
_REFERRALS = Referral.metadata.tables["referrals"]
_PURGE_REASON = (
    update(_REFERRALS)
    .where(_REFERRALS.c.id == bindparam("rid"), _REFERRALS.c.outcome_reason.is_not(None))
    .values(outcome_reason=None)
)
# And what the worker wrote about a safeguarding concern (the concern itself is kept).
_CONCERNS = SafeguardingConcern.metadata.tables["safeguarding_concerns"]
_PURGE_CONCERN_WORDS = (
    update(_CONCERNS)
    .where(_CONCERNS.c.referral_id == bindparam("rid"), _CONCERNS.c.summary.is_not(None))
    .values(summary=None)
)
# And the reasons given for an extension, a transfer and a withdrawal (the facts are kept).
_EXTENSIONS = ExtensionRequest.metadata.tables["extension_requests"]
_PURGE_EXTENSION_WORDS = (
    update(_EXTENSIONS)
    .where(
        _EXTENSIONS.c.referral_id == bindparam("rid"),
        or_(_EXTENSIONS.c.reason.is_not(None), _EXTENSIONS.c.decline_reason.is_not(None)),
    )
    .values(reason=None, decline_reason=None)
)
_PURGE_CASE_CHANGE_WORDS = (
    update(_REFERRALS)
    .where(
        _REFERRALS.c.id == bindparam("rid"),
        or_(_REFERRALS.c.transfer_reason.is_not(None), _REFERRALS.c.withdrawal_reason.is_not(None)),
    )
    .values(transfer_reason=None, withdrawal_reason=None)
)
_PURGE_WORDS = (
    _PURGE_NOTES,
    _PURGE_SESSION_WORDS,
    _PURGE_COMMENT,
    _PURGE_REASON,
    _PURGE_CONCERN_WORDS,
    _PURGE_EXTENSION_WORDS,
    _PURGE_CASE_CHANGE_WORDS,
)


@cache
def _save(insert: Any) -> Any:
    """Insert, or replace the payload (and undo a purge), built once per database kind."""
    statement = insert(_TABLE).values(
        referral_id=bindparam("rid"), payload=bindparam("payload"),
        recorded_at=bindparam("at"), purged_at=None,
    )  # fmt: skip
    return statement.on_conflict_do_update(
        index_elements=["referral_id"],
        set_={"payload": statement.excluded.payload, "recorded_at": statement.excluded.recorded_at,
              "purged_at": None},
    )  # fmt: skip


class PersonalDetailsStore:
    def __init__(
        self, session: AsyncSession, clock: Clock, cipher: FieldCipher, audit: AuditLog
    ) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher
        self._audit = audit
        self._plain: dict[int, dict[str, Any] | None] = {}  # decrypted once per unit of work

    async def save(self, referral: Referral, details: dict[str, Any], *, actor: str) -> None:
        payload = self._cipher.encrypt_json(details)
        params = {"rid": referral.id, "payload": payload, "at": self._clock.now()}
        await execute(self._session, _save(insert_for(self._session)), params)
        self._plain[referral.id] = dict(details)
        self._audit.record(
            actor, "personal_details.saved", referral_id=referral.id,
            details={"fields": sorted(details)},
        )  # fmt: skip

    async def merge(self, referral: Referral, fields: dict[str, Any], *, actor: str) -> None:
        """Add or replace some fields (a screening records details one answer at a time)."""
        current = await self._decrypted(referral) or {}
        await self.save(referral, {**current, **fields}, actor=actor)

    async def forget(self, referral: Referral, keys: Iterable[str], *, actor: str) -> None:
        """Drop fields that no longer apply (an interpreter's language once the session
        language changed), so nobody is shown them later."""
        dropped = set(keys)
        current = await self._decrypted(referral)
        if current and dropped & current.keys():
            kept = {k: v for k, v in current.items() if k not in dropped}
            await self.save(referral, kept, actor=actor)

    async def read(self, referral: Referral, *, actor: str, purpose: str) -> dict[str, Any] | None:
        """The details, or None once purged; the read itself is audited (who and why)."""
        details = await self._decrypted(referral)
        if details is None:
            return None
        self._audit.record(
            actor, "personal_details.read", referral_id=referral.id, details={"purpose": purpose}
        )
        return details

    async def preload(self, referrals: Sequence[Referral]) -> None:
        """Read and decrypt many referrals' details in one statement (a batch of notices
        shows each one's initials); `initials` then reads nothing more."""
        unread = sorted({r.id for r in referrals} - self._plain.keys())
        if not unread:
            return
        rows = await execute(self._session, _READ_MANY, {"rids": unread})
        found: dict[int, Any] = {row.referral_id: row.payload for row in rows}
        for rid in unread:
            payload = found.get(rid)
            self._plain[rid] = None if payload is None else self._cipher.decrypt_json(payload)

    async def initials(self, referral: Referral | Live) -> str | None:
        """Initials for notifications (not audited as a read of full details)."""
        details = await self._decrypted(referral)
        value = details.get("initials") if details else None
        return str(value) if value else None

    async def purge(self, referral: Referral, *, actor: str, reason: str) -> bool:
        """Erase the details (retention ended, or consent refused); the row marks when."""
        params = {"rid": referral.id, "at": self._clock.now()}
        self._plain[referral.id] = None
        notes = 0
        for statement in _PURGE_WORDS:
            notes += (await execute(self._session, statement, {"rid": referral.id})).rowcount
        if not (await execute(self._session, _PURGE, params)).rowcount and not notes:
            return False
        self._audit.record(actor, "personal_details.purged", referral_id=referral.id, reason=reason)
        return True

    async def _decrypted(self, referral: Referral | Live) -> dict[str, Any] | None:
        """A copy: callers may change what they are given."""
        if referral.id not in self._plain:
            payload = (await execute(self._session, _READ, {"rid": referral.id})).scalar()
            self._plain[referral.id] = (
                None if payload is None else self._cipher.decrypt_json(payload)
            )
        found = self._plain[referral.id]
        return None if found is None else dict(found)
