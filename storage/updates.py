"""Telegram update ids already taken: the same update is acted on once, across restarts."""

from datetime import datetime

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import ProcessedUpdate


async def claim_update(session: AsyncSession, update_id: int, at: datetime) -> bool:
    """True for the first claim of `update_id`; False for a repeat (any instance, any time)."""
    insert = pg_insert if session.get_bind().dialect.name == "postgresql" else sqlite_insert
    statement = (
        insert(ProcessedUpdate)
        .values(update_id=update_id, processed_at=at)
        .on_conflict_do_nothing(index_elements=["update_id"])
    )
    result = await session.execute(statement)
    return bool(result.rowcount)  # type: ignore[attr-defined]


async def forget_updates_before(session: AsyncSession, before: datetime) -> None:
    """Telegram never re-delivers an update after 24 hours; older ids need not be kept."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before))
