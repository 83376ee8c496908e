"""The seeded reference data (22 LAs, the forces), read once per process: it never changes
while the service runs, and nearly every screen shows some of it."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import LocalAuthority, PoliceForce


@dataclass(frozen=True)
class Place:
    """A local authority or a police force, named in both languages."""

    code: str
    name_en: str
    name_cy: str
    police_force: str | None = None  # the force covering an LA

    def name(self, language: str) -> str:
        return self.name_cy if language == "cy" else self.name_en


class ReferenceData:
    def __init__(self) -> None:
        self._las: tuple[Place, ...] = ()
        self._forces: tuple[Place, ...] = ()

    async def local_authorities(self, session: AsyncSession) -> tuple[Place, ...]:
        if not self._las:
            rows = await session.scalars(select(LocalAuthority).order_by(LocalAuthority.name_en))
            self._las = tuple(Place(r.code, r.name_en, r.name_cy, r.police_force) for r in rows)
        return self._las

    async def forces(self, session: AsyncSession) -> tuple[Place, ...]:
        if not self._forces:
            rows = await session.scalars(select(PoliceForce).order_by(PoliceForce.code))
            self._forces = tuple(Place(r.code, r.name_en, r.name_cy) for r in rows)
        return self._forces
