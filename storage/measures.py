"""Distance-travelled measures on a case (guidance §8 ii): a standardised questionnaire's
score at the start or at the end of support. An end measure carries whether it shows a
positive outcome against the earliest start measure of the same tool (the tools file's
direction), the `positive` flag the monitoring return falls back on."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from state_machine.clock import Clock
from state_machine.distance_tools import DistanceTool, positive
from storage.audit import AuditLog
from storage.models import DistanceMeasure, Referral


@dataclass(frozen=True)
class Measure:
    id: int
    tool: str  # a tool's key in the tools file
    phase: str  # start | end
    on: date
    score: str
    positive: bool | None  # an end measure's outcome against the start; None for a start


def _measure(row: DistanceMeasure) -> Measure:
    return Measure(row.id, row.tool, row.phase, row.measured_on, row.score, row.positive)


class MeasureRepository:
    def __init__(self, session: AsyncSession, clock: Clock, audit: AuditLog) -> None:
        self._session = session
        self._clock = clock
        self._audit = audit

    async def measures(self, referral: Referral) -> list[Measure]:
        """The case's measures, in the order they were taken."""
        rows = await self._session.scalars(
            select(DistanceMeasure)
            .where(DistanceMeasure.referral_id == referral.id)
            .order_by(DistanceMeasure.measured_on, DistanceMeasure.id)
        )
        return [_measure(row) for row in rows]

    async def record(
        self, referral: Referral, tool: DistanceTool, *, phase: str, on: date, score: str,
        recorded_by: int, actor: str,
    ) -> Measure:  # fmt: skip
        starts = [m for m in await self.measures(referral) if m.tool == tool.key
                  and m.phase == "start"]  # fmt: skip
        better = positive(tool, starts[0].score, score) if phase == "end" and starts else None
        row = DistanceMeasure(
            referral_id=referral.id, tool=tool.key, phase=phase, score=score, positive=better,
            measured_on=on, recorded_by=recorded_by, recorded_at=self._clock.now(),
        )  # fmt: skip
        self._session.add(row)
        await self._session.flush()
        self._audit.record(
            actor, "distance_measure.recorded", referral_id=referral.id,
            details={"tool": tool.key, "phase": phase, "on": on.isoformat(), "score": score,
                     "positive": better},
        )  # fmt: skip
        return _measure(row)
