"""The individual's personal details: encrypted at rest, every read audited, purgeable."""

from typing import Any

from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.audit import AuditLog
from storage.crypto import FieldCipher
from storage.models import PersonalDetails, Referral


class PersonalDetailsStore:
    def __init__(
        self, session: AsyncSession, clock: Clock, cipher: FieldCipher, audit: AuditLog
    ) -> None:
        self._session = session
        self._clock = clock
        self._cipher = cipher
        self._audit = audit

    async def save(self, referral: Referral, details: dict[str, Any], *, actor: str) -> None:
        row = await self._session.get(PersonalDetails, referral.id)
        payload = self._cipher.encrypt_json(details)
        if row is None:
            row = PersonalDetails(
                referral_id=referral.id, payload=payload, recorded_at=self._clock.now()
            )
            self._session.add(row)
        else:
            row.payload, row.recorded_at, row.purged_at = payload, self._clock.now(), None
        self._audit.record(
            actor, "personal_details.saved", referral_id=referral.id,
            details={"fields": sorted(details)},
        )  # fmt: skip

    async def merge(self, referral: Referral, fields: dict[str, Any], *, actor: str) -> None:
        """Add or replace some fields (a screening records details one answer at a time)."""
        row = await self._session.get(PersonalDetails, referral.id)
        current = self._cipher.decrypt_json(row.payload) if row and row.payload else {}
        await self.save(referral, {**current, **fields}, actor=actor)

    async def read(self, referral: Referral, *, actor: str, purpose: str) -> dict[str, Any] | None:
        """The details, or None once purged; the read itself is audited (who and why)."""
        row = await self._session.get(PersonalDetails, referral.id)
        if row is None or row.payload is None:
            return None
        self._audit.record(
            actor, "personal_details.read", referral_id=referral.id, details={"purpose": purpose}
        )
        return self._cipher.decrypt_json(row.payload)

    async def initials(self, referral: Referral) -> str | None:
        """Initials for notifications (not audited as a read of full details)."""
        row = await self._session.get(PersonalDetails, referral.id)
        if row is None or row.payload is None:
            return None
        value = self._cipher.decrypt_json(row.payload).get("initials")
        return str(value) if value else None

    async def purge(self, referral: Referral, *, actor: str, reason: str) -> bool:
        """Erase the details (retention ended, or consent refused); the row marks when."""
        row = await self._session.get(PersonalDetails, referral.id)
        if row is None or row.payload is None:
            return False
        row.payload, row.purged_at = None, self._clock.now()
        self._audit.record(actor, "personal_details.purged", referral_id=referral.id, reason=reason)
        return True
