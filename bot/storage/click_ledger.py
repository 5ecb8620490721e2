"""SqlClickLedger: a pulse click counted in the fewest statements, on one pooled connection.

What a click writes is what pulse_windows.py and pulse_periods.py describe: the person's
markers in the window, one more in the level's counter, their period marker for the week.
The SQL is built once per window (PostgreSQL) or per number of secrets (SQLite) and sent
through the driver itself: SQLAlchemy's execution machinery cost more CPU than the click.

PostgreSQL: one statement, outside any transaction block, so it costs one round trip and is
committed before it answers. It checks that the check-in is open, inserts the markers unless
one is there, and only when all of them went in bumps the counter and writes the period
marker. The close takes the window's tables first (ACCESS EXCLUSIVE, `OwnTables.close`), and
the statement takes them when it is parsed: a click either finishes before the close reads
the counts, or waits and then finds the tables gone (undefined table, which means closed).
Markers go in sorted, so two clicks never wait on each other in a circle.

SQLite: one transaction, its first statement a write (so it holds the write lock before
it reads anything): the markers, then the counter and the period marker, then the commit.
"""

import contextlib
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import URL, Dialect
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.util import greenlet_spawn

from bot.domain.clicks import Answer, Outcome
from bot.storage.engine import create_engine
from bot.storage.pulse_periods import period_marker_params, period_marker_sql
from bot.storage.pulse_windows import window_tables

UNDEFINED_TABLE = "42P01"


def click_engine(engine: AsyncEngine) -> AsyncEngine:
    """A pool of the clicks' own beside `engine`: no ping at checkout (SqlClickLedger tries
    again once on a connection found dead) and no rollback at checkin (each click ends its
    transaction itself); on PostgreSQL in autocommit. A private in-memory SQLite database
    exists on its one connection only: its clicks share `engine`."""
    if _private_memory(engine.url):
        return engine
    return create_engine(engine.url.render_as_string(hide_password=False), for_clicks=True)


def _private_memory(url: URL) -> bool:
    """An in-memory SQLite database without a shared cache: each connection has its own."""
    if url.get_backend_name() != "sqlite":
        return False
    name, text = url.database or "", url.render_as_string()
    in_memory = name in ("", ":memory:") or name.startswith("file::memory:")
    return (in_memory or "mode=memory" in text) and "cache=shared" not in text


class SqlClickLedger:
    def __init__(self, engine: AsyncEngine) -> None:
        self._engine = engine
        self._dialect = engine.dialect
        self._postgres = engine.dialect.name == "postgresql"  # pragma: no mutate (PostgreSQL only)

    async def count_answer(self, answer: Answer) -> Outcome:
        if self._postgres:
            return await self._in_one_statement(answer)
        return await self._in_one_transaction(answer)

    async def _in_one_statement(self, answer: Answer) -> Outcome:
        sql, names = _postgres_click(answer.checkin_id, len(answer.periods), self._dialect)
        params = _params(answer) | {"markers": sorted(answer.markers)}
        values = [params[name] for name in names]
        for attempt in (1, 2):
            # asyncpg's own call on a pooled connection: a third of the CPU SQLAlchemy's
            # execution takes; outside a transaction block, so committed when it answers.
            pooled = await self._engine.raw_connection()
            asyncpg: Any = pooled.driver_connection
            try:
                row = await asyncpg.fetchrow(sql, *values)
                break
            except Exception as error:
                if getattr(error, "sqlstate", None) == UNDEFINED_TABLE:
                    return Outcome.CLOSED  # dropped by the close this click waited for
                # No ping at checkout: a pooled connection found dead is replaced once. Had
                # it counted before dying, the second try finds the marker: ALREADY.
                if attempt == 2 or not asyncpg.is_closed():
                    raise
                pooled.invalidate()
            except BaseException:
                pooled.invalidate()  # cancelled mid-statement: the connection is not reusable
                raise
            finally:
                pooled.close()
        is_open, counted = row
        if counted:
            return Outcome.COUNTED
        return Outcome.ALREADY if is_open else Outcome.CLOSED

    async def _in_one_transaction(self, answer: Answer) -> Outcome:
        given = len(answer.markers)
        params = _params(answer)
        params |= {f"m{n}": marker for n, marker in enumerate(sorted(answer.markers))}
        # aiosqlite's own calls: one hop to its thread per statement (SQLAlchemy's cursors
        # take three, and its connection as much again). sqlite3 begins the transaction at
        # the first write; it is committed or rolled back here, so the pool resets nothing.
        pooled = await self._engine.raw_connection()
        sqlite: Any = pooled.driver_connection
        try:
            marked = await sqlite.execute(_sqlite_mark(given), params)
            if marked.rowcount != given:
                is_open = await (await sqlite.execute(_SQLITE_OPEN, params)).fetchone()
                await sqlite.rollback()
                return Outcome.ALREADY if is_open else Outcome.CLOSED
            await sqlite.execute(_SQLITE_COUNT, params)
            await sqlite.execute(period_marker_sql(len(answer.periods)), params)
            await sqlite.commit()
        except BaseException:
            with contextlib.suppress(Exception):
                await sqlite.rollback()
            raise
        finally:
            await greenlet_spawn(pooled.close)  # a shared pool may reset it: in a greenlet
        return Outcome.COUNTED


def _params(answer: Answer) -> dict[str, Any]:
    return {
        "checkin_id": answer.checkin_id,
        "level": answer.level.value,
        **period_marker_params(
            answer.workspace, answer.team, answer.week, answer.periods, answer.keys
        ),
    }


@lru_cache(maxsize=1024)  # as many windows as are likely open at once
def _postgres_click(checkin_id: str, offered: int, dialect: Dialect) -> tuple[str, list[str]]:
    """The whole click for one window (its tables' names are in the text), as asyncpg takes
    it: the SQL with $1, $2... and the parameters' names in that order."""
    markers, counts = window_tables(checkin_id)
    given = "CAST(:markers AS varchar[])"
    statement = text(
        "WITH open AS (SELECT 1 FROM checkins WHERE id = :checkin_id AND NOT closed),"
        f" marked AS (INSERT INTO {markers} (marker) SELECT unnest({given})"
        " WHERE EXISTS (SELECT 1 FROM open)"
        f" AND NOT EXISTS (SELECT 1 FROM {markers} WHERE marker = ANY({given}))"
        " ON CONFLICT DO NOTHING RETURNING 1),"
        # Counted only if every marker went in: a concurrent click of the same person under
        # a secret this replica shares took at least one of them.
        f" fresh AS (SELECT 1 FROM marked HAVING count(*) = cardinality({given})),"
        f" counted AS (UPDATE {counts} SET responses = responses + 1"
        " WHERE level = :level AND EXISTS (SELECT 1 FROM fresh)),"
        f" period AS ({period_marker_sql(offered, 'EXISTS (SELECT 1 FROM fresh)')})"
        " SELECT EXISTS (SELECT 1 FROM open), EXISTS (SELECT 1 FROM fresh)"
    )
    compiled = statement.compile(dialect=dialect)
    return compiled.string, list(compiled.positiontup or ())


@cache
def _sqlite_mark(given: int) -> str:
    names = ", ".join(f":m{n}" for n in range(given))
    rows = " UNION ALL ".join(f"SELECT :m{n} AS marker" for n in range(given))
    return (
        "INSERT INTO pulse_participants (checkin_id, marker)"
        f" SELECT :checkin_id, marker FROM ({rows})"
        " WHERE EXISTS (SELECT 1 FROM checkins WHERE id = :checkin_id AND NOT closed)"
        " AND NOT EXISTS (SELECT 1 FROM pulse_participants"
        f" WHERE checkin_id = :checkin_id AND marker IN ({names}))"
        " ON CONFLICT DO NOTHING"
    )


_SQLITE_OPEN = "SELECT 1 FROM checkins WHERE id = :checkin_id AND NOT closed"
_SQLITE_COUNT = (
    "UPDATE pulse_counts SET responses = responses + 1"
    " WHERE checkin_id = :checkin_id AND level = :level"
)
