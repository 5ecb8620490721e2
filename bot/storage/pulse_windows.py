"""Where an open check-in's markers and running counts live, which depends on the database.

SQLite: the shared tables pulse_participants and pulse_counts. `secure_delete` zeroes a
closed window's markers and the truncating WAL checkpoint drops their copies.

PostgreSQL: two tables of the window's own, dropped at the close. A DELETE and a VACUUM
only mark space free: a deleted marker, and every old version of a counter with the
transaction id that wrote it, would stay in the pages' bytes. A DROP removes the files.
The final tally goes into pulse_counts once, in one statement and in level order, so its
four rows share one transaction id, their places say nothing, and no version per click
ever exists there.
"""

import re
import uuid
from typing import Protocol

from sqlalchemy import delete, func, select, text
from sqlalchemy.dialects import postgresql
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncSession

from bot.domain.checkins import PulseLevel
from bot.storage.tables import checkins, pulse_counts, pulse_participants

# Every window table's name: this, the check-in's id as 32 hex digits, then what it holds.
PREFIX = "pulse_window_"
WINDOW_TABLE = re.compile(r"pulse_window_[0-9a-f]{32}_(markers|counts)")


class PulseWindows(Protocol):
    """A click writes into the window with click_ledger.py; this opens and closes it."""

    async def open(self, checkin_id: str) -> None:
        """Room for the check-in's markers, and its counts at zero for every level."""
        ...

    async def close(self, checkin_id: str) -> None:
        """Keep the final counts in pulse_counts; remove everything else of the window."""
        ...

    async def discard(self, checkin_id: str) -> None:
        """Remove the window of a check-in that was never posted (after its row)."""
        ...


def pulse_windows(session: AsyncSession) -> PulseWindows:
    if session.get_bind().dialect.name == "postgresql":
        return OwnTables(session)
    return SharedTables(session)


class SharedTables:
    """SQLite: every window's rows in pulse_participants and pulse_counts."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open(self, checkin_id: str) -> None:
        # Every level's row exists from the start, so no row's existence or place
        # says anything about when, or in what order, answers came in.
        await self._session.execute(
            pulse_counts.insert(),
            [{"checkin_id": checkin_id, "level": lv.value, "responses": 0} for lv in PulseLevel],
        )

    async def close(self, checkin_id: str) -> None:
        await self._session.execute(
            delete(pulse_participants).where(pulse_participants.c.checkin_id == checkin_id)
        )

    async def discard(self, checkin_id: str) -> None:
        """Nothing to do: the check-in's rows went with it (ON DELETE CASCADE)."""


class OwnTables:
    """PostgreSQL: `pulse_window_<id>_markers` and `..._counts` for each open check-in.

    Neither gets a TOAST table (no value can be that long), autovacuum or statistics: an
    ANALYZE would copy sampled markers into pg_statistic, which outlives the DROP.
    """

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def open(self, checkin_id: str) -> None:
        # One statement, one round trip, in the transaction that adds the check-in.
        await self._session.execute(text(create_window_sql(checkin_id)))

    async def close(self, checkin_id: str) -> None:
        markers, counts = window_tables(checkin_id)
        present = func.to_regclass(markers).is_not(None)
        if await self._session.scalar(select(present)):
            # A click takes the tables when its statement is parsed (click_ledger.py): wait
            # for those under way, so their answers are in the tally; later ones wait here,
            # then find the tables gone.
            await self._session.execute(
                text(f"LOCK TABLE {markers}, {counts} IN ACCESS EXCLUSIVE MODE")
            )
            tally = text(
                "INSERT INTO pulse_counts (checkin_id, level, responses)"
                f" SELECT :checkin_id, level, responses FROM {counts} ORDER BY level"
            )
            await self._session.execute(tally, {"checkin_id": checkin_id})
        else:
            # No tables: lost (a restore without them: nothing was counted), or opened by
            # release 0.2.0, which counted into pulse_counts itself: kept as counted.
            zeros = [
                {"checkin_id": checkin_id, "level": lv.value, "responses": 0} for lv in PulseLevel
            ]
            await self._session.execute(
                postgresql.insert(pulse_counts).values(zeros).on_conflict_do_nothing()
            )
        await self._session.execute(text(f"DROP TABLE IF EXISTS {markers}, {counts}"))

    async def discard(self, checkin_id: str) -> None:
        await self._session.execute(
            text("DROP TABLE IF EXISTS {}, {}".format(*window_tables(checkin_id)))
        )


def window_tables(checkin_id: str) -> tuple[str, str]:
    """The window's markers and counts tables; the id must be a UUID (ValueError if not)."""
    name = PREFIX + uuid.UUID(checkin_id).hex
    return f"{name}_markers", f"{name}_counts"


def create_window_sql(checkin_id: str) -> str:
    """One statement: the window's two tables, and its counts at zero for every level.

    Every column's statistics target is 0, so no ANALYZE, not even a database-wide one run
    by hand, copies a marker or a counter into pg_statistic, which outlives the DROP.
    """
    markers, counts = window_tables(checkin_id)
    zeros = ", ".join(f"('{level.value}', 0)" for level in PulseLevel)
    options = "WITH (autovacuum_enabled = off)"
    return (
        "DO $$ BEGIN"
        f" CREATE TABLE {markers} (marker varchar(64) PRIMARY KEY) {options};"
        f" ALTER TABLE {markers} ALTER COLUMN marker SET STATISTICS 0;"
        f" CREATE TABLE {counts} (level varchar(16) NOT NULL, responses integer NOT NULL)"
        f" {options};"
        f" ALTER TABLE {counts} ALTER COLUMN level SET STATISTICS 0,"
        " ALTER COLUMN responses SET STATISTICS 0;"
        f" INSERT INTO {counts} (level, responses) VALUES {zeros};"
        " END $$"
    )


async def drop_orphan_windows(connection: AsyncConnection) -> None:
    """Drop every window table whose check-in is not open (PostgreSQL)."""
    if connection.dialect.name != "postgresql":
        return
    names = await connection.scalars(
        text(
            "SELECT relname FROM pg_class WHERE relkind = 'r'"
            " AND relnamespace = current_schema()::regnamespace AND relname LIKE :prefix"
        ),
        {"prefix": PREFIX.replace("_", r"\_") + "%"},
    )
    # Tables first: a window committed after this read is not a candidate, even if its
    # check-in is committed by the time the open ones are read.
    open_ids = await connection.scalars(select(checkins.c.id).where(checkins.c.closed.is_(False)))
    kept = {name for checkin_id in open_ids for name in window_tables(checkin_id)}
    orphans = [n for n in names if WINDOW_TABLE.fullmatch(n) and n not in kept]
    if orphans:
        await connection.execute(text(f"DROP TABLE IF EXISTS {', '.join(orphans)}"))
