"""One unit of work (one transaction) per handled update or command."""

from __future__ import annotations

from types import TracebackType
from typing import Self
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from storage.audit import AuditLog
from storage.buttons import ButtonStore
from storage.crypto import FieldCipher
from storage.database import Database
from storage.dialect import forget_connection
from storage.dialogues import DialogueStore
from storage.people import PeopleRepository
from storage.personal import PersonalDetailsStore
from storage.reference import ReferenceData
from storage.referrals import ReferralRepository


class Storage:
    """What the layers above are given: the database plus the clock, cipher and time zone."""

    def __init__(self, db: Database, clock: Clock, cipher: FieldCipher, tz: ZoneInfo) -> None:
        self.db = db
        self.clock = clock
        self.cipher = cipher
        self.tz = tz
        self.reference = ReferenceData()

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)


class UnitOfWork:
    """`async with storage.unit_of_work() as uow:` commits on success, rolls back on error."""

    session: AsyncSession
    audit: AuditLog
    referrals: ReferralRepository
    personal: PersonalDetailsStore
    people: PeopleRepository
    buttons: ButtonStore
    dialogues: DialogueStore

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def __aenter__(self) -> Self:
        s = self._storage
        self.session = s.db.session()
        await self.session.begin()
        self.audit = AuditLog(self.session, s.clock)
        self.referrals = ReferralRepository(self.session, s.clock, s.tz, self.audit)
        self.personal = PersonalDetailsStore(self.session, s.clock, s.cipher, self.audit)
        self.people = PeopleRepository(self.session, s.clock, self.audit, s.reference)
        self.buttons = ButtonStore(self.session)
        self.dialogues = DialogueStore(self.session, s.clock)
        self.clock = s.clock
        self.tz = s.tz
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if exc_type is None:
                await self.buttons.save()
                await self.dialogues.save()
                await self.audit.save()
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            forget_connection(self.session)
            await self.session.close()
