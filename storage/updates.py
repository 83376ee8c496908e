"""Telegram update ids already taken: the same update is acted on once, across restarts."""

from datetime import datetime
from functools import cache
from typing import Any

from sqlalchemy import bindparam, delete
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import execute, insert_for
from storage.models import ProcessedUpdate

_TABLE = ProcessedUpdate.metadata.tables["processed_updates"]


def claim_statement(insert: Any) -> Any:
    """INSERT ... ON CONFLICT DO NOTHING of the update's id (storage/sender.py folds it into
    the sender's read on PostgreSQL)."""
    return (
        insert(_TABLE)
        .values(update_id=bindparam("update_id"), processed_at=bindparam("at"))
        .on_conflict_do_nothing(index_elements=["update_id"])
    )


_claim = cache(claim_statement)  # built once per database kind: every update starts with it


async def claim_update(session: AsyncSession, update_id: int, at: datetime) -> bool:
    """True for the first claim of `update_id`; False for a repeat (any instance, any time)."""
    result = await execute(session, _claim(insert_for(session)), {"update_id": update_id, "at": at})
    return bool(result.rowcount)


async def forget_updates_before(session: AsyncSession, before: datetime) -> None:
    """Telegram never re-delivers an update after 24 hours; older ids need not be kept."""
    await session.execute(delete(ProcessedUpdate).where(ProcessedUpdate.processed_at < before))
