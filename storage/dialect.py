"""What differs between the two databases, and the short path for statements built once."""

from collections.abc import Mapping, Sequence
from typing import Any

from sqlalchemy import ARRAY, JSON, CursorResult, Executable, Select, any_, bindparam, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.sql.visitors import InternalTraversal


def is_postgresql(session: AsyncSession) -> bool:
    return session.get_bind().dialect.name == "postgresql"


def insert_for(session: AsyncSession) -> Any:
    """`insert` with ON CONFLICT for the session's database (both spell it the same way)."""
    return pg_insert if is_postgresql(session) else sqlite_insert


def one_of(column: ColumnElement[Any], name: str, postgresql: bool) -> ColumnElement[bool]:
    """`column` is one of the list given as the one parameter `name`: on PostgreSQL an array
    (`= ANY(:name)`), on SQLite a JSON array read by `json_each`. As an expanding IN (a
    parameter each), 2,000 ids cost the compiler a parameter each (docs/performance.md)."""
    if postgresql:
        return column == any_(bindparam(name, type_=ARRAY(column.type)))
    listed = func.json_each(bindparam(name, type_=JSON)).table_valued("value")
    return column.in_(select(listed.c.value))


async def execute(
    session: AsyncSession,
    statement: Executable,
    params: Mapping[str, Any] | Sequence[Mapping[str, Any]],
) -> CursorResult[Any]:
    """A table-level statement on the session's connection, in its transaction.

    Skips the ORM's per-statement work (autoflush, ORM compile state), which costs more than
    the statement itself on the hot path. Only for tables the ORM does not hold changes for
    in the same unit of work (tokens, update ids, answers, the sender's profile).
    """
    connection = session.info.get(_CONNECTION)
    if connection is None:  # one look-up per unit of work, not one per statement
        connection = session.info[_CONNECTION] = await session.connection()
    return await connection.execute(statement, params)


_CONNECTION = "storage.dialect.connection"


def forget_connection(session: AsyncSession) -> None:
    """At the end of a unit of work: the connection goes back to the pool."""
    session.info.pop(_CONNECTION, None)


class InSet(ColumnElement[bool]):
    """`column IN (subquery)`, spelt `column = ANY(ARRAY(subquery))` on PostgreSQL, whose
    planner then reads the set once and looks each row up by `column`'s index. Asked for
    `IN (...)` over a union it cannot estimate (the return's touched referrals: 81,438,
    estimated 473,048), it joined by scanning all 1,000,000 referrals (docs/performance.md)."""

    inherit_cache = True  # no `type = Boolean()`: SQLite would then be given "... = 1"
    _traverse_internals = [  # noqa: RUF012 - SQLAlchemy's own idiom (the cache key)
        ("column", InternalTraversal.dp_clauseelement),
        ("subquery", InternalTraversal.dp_clauseelement),
    ]

    def __init__(self, column: ColumnElement[Any], subquery: Select[Any]) -> None:
        self.column, self.subquery = column, subquery


@compiles(InSet)
def _in_set(element: InSet, compiler: SQLCompiler, **kw: Any) -> str:
    column, subquery = (
        compiler.process(element.column, **kw),
        compiler.process(element.subquery, **kw),
    )
    return f"{column} IN ({subquery})"


@compiles(InSet, "postgresql")
def _any_of_array(element: InSet, compiler: SQLCompiler, **kw: Any) -> str:
    column, subquery = (
        compiler.process(element.column, **kw),
        compiler.process(element.subquery, **kw),
    )
    return f"{column} = ANY(ARRAY({subquery}))"
