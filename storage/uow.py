"""One unit of work (one transaction) per handled update or command."""

from __future__ import annotations

from types import TracebackType
from typing import Self
from zoneinfo import ZoneInfo

from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.distance_tools import DistanceTools
from state_machine.nudge_rules import NudgeRules
from state_machine.working_time import WorkingCalendar
from storage.audit import AuditLog
from storage.buttons import ButtonStore
from storage.casework import CaseworkRepository
from storage.crypto import FieldCipher
from storage.database import Database
from storage.dialect import forget_connection
from storage.dialogues import DialogueStore
from storage.distance_tools import read_tools
from storage.extensions import ExtensionRepository
from storage.measures import MeasureRepository
from storage.monitoring import MonitoringStore
from storage.notifications import NotificationStore
from storage.nudges import NudgeLedger, Nudging, read_rules
from storage.people import PeopleRepository, Profile
from storage.personal import PersonalDetailsStore
from storage.reference import ReferenceData
from storage.referrals import ReferralRepository
from storage.replies import ReplyStore
from storage.safeguarding import SafeguardingRepository
from storage.sender import Sender, admit, read_sender
from storage.summary import SummaryStore


class Storage:
    """What the layers above are given: the database plus the clock, cipher and time zone,
    and the deadline nudges' rules (the shipped ones unless others are given)."""

    def __init__(
        self,
        db: Database,
        clock: Clock,
        cipher: FieldCipher,
        tz: ZoneInfo,
        nudge_rules: NudgeRules | None = None,
        distance_tools: DistanceTools | None = None,
    ) -> None:
        self.db = db
        self.clock = clock
        self.cipher = cipher
        self.tz = tz
        self.reference = ReferenceData()
        rules = read_rules() if nudge_rules is None else nudge_rules
        self.nudging = Nudging(rules, WorkingCalendar(tz))
        # The distance-travelled questionnaires (the shipped list unless others are given).
        self.distance_tools = read_tools() if distance_tools is None else distance_tools

    def unit_of_work(self) -> UnitOfWork:
        return UnitOfWork(self)


class UnitOfWork:
    """`async with storage.unit_of_work() as uow:` commits on success, rolls back on error.
    On SQLite this process's units of work take turns (`Database.turns`)."""

    session: AsyncSession
    audit: AuditLog
    referrals: ReferralRepository
    personal: PersonalDetailsStore
    people: PeopleRepository
    buttons: ButtonStore
    casework: CaseworkRepository
    safeguarding: SafeguardingRepository
    extensions: ExtensionRepository
    measures: MeasureRepository
    dialogues: DialogueStore
    notifications: NotificationStore
    nudges: NudgeLedger
    replies: ReplyStore
    monitoring: MonitoringStore
    summary: SummaryStore

    def __init__(self, storage: Storage) -> None:
        self._storage = storage

    async def __aenter__(self) -> Self:
        s = self._storage
        self._turns = s.db.turns
        if self._turns is not None:
            await self._turns.take()
        self.session = s.db.session()
        try:
            await self.session.begin()
        except BaseException:
            if self._turns is not None:
                self._turns.give_back()
            raise
        self.audit = AuditLog(self.session, s.clock)
        self.referrals = ReferralRepository(self.session, s.clock, s.tz, self.audit, s.nudging)
        self.personal = PersonalDetailsStore(self.session, s.clock, s.cipher, self.audit)
        self.people = PeopleRepository(self.session, s.clock, self.audit, s.reference)
        self.buttons = ButtonStore(self.session)
        self.casework = CaseworkRepository(
            self.session, s.clock, s.cipher, self.audit, self.referrals
        )
        self.safeguarding = SafeguardingRepository(self.session, s.clock, s.cipher, self.audit)
        self.extensions = ExtensionRepository(
            self.session, s.clock, s.cipher, self.audit, self.referrals
        )
        self.measures = MeasureRepository(self.session, s.clock, self.audit)
        self.dialogues = DialogueStore(self.session, s.clock)
        self.notifications = NotificationStore(self.session)
        self.nudges = NudgeLedger(self.session)
        self.nudging = s.nudging
        self.distance_tools = s.distance_tools
        self.replies = ReplyStore(self.session, s.cipher)
        self.monitoring = MonitoringStore(self.session, s.clock, self.audit)
        self.summary = SummaryStore(self.session)
        self.clock = s.clock
        self.tz = s.tz
        self.cipher = s.cipher  # a dialogue's personal answers are kept sealed until saved
        return self

    async def admit(
        self, update_id: int, telegram_id: int, *, button: str | None = None
    ) -> tuple[bool, Profile | None]:
        """Claim a Telegram update (False: handled before) and read its sender, with what
        `sender` reads."""
        claimed, found = await admit(self.session, update_id, self.clock.now(), telegram_id, button)
        return claimed, self._keep(found, button)

    async def sender(self, telegram_id: int, *, button: str | None = None) -> Profile | None:
        """The enrolled account behind an update; its dialogue and the button pressed (if
        any) are read in the same statement and kept for this unit of work."""
        return self._keep(await read_sender(self.session, telegram_id, button), button)

    def _keep(self, found: Sender | None, button: str | None) -> Profile | None:
        if found is None:
            return None
        self.dialogues.remember(found.profile.id, found.dialogue)
        if button is not None:
            self.buttons.remember(button, found.profile.id, found.pressed)
        return found.profile

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
            try:
                await self.session.close()
            finally:
                if self._turns is not None:
                    self._turns.give_back()
