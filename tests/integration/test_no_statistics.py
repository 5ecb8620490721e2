"""PostgreSQL: ANALYZE samples no column that can hold something personal (pg_statistic).

Every table but the anonymous ones below has a statistics target of 0 on every column, the
window tables of open check-ins included; a migration that adds a table or a column without
it fails here. Migration 0020 sets the targets and removes what was sampled before.
"""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.checkins import Checkin
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.support.replicas import postgres_database

# Nothing in these is about a person: counts, the agency's settings, team check-ins (0020).
ANONYMOUS = {
    "alembic_version",
    "pulse_counts",
    "debrief_months",
    "agency_holidays",
    "send_turns",
    "checkins",
}
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
PERSON, MARKER = "U0SAMPLED", "ab" * 32

SAMPLED = text(
    "SELECT c.relname || '.' || a.attname FROM pg_class AS c"
    " JOIN pg_attribute AS a ON a.attrelid = c.oid"
    " WHERE c.relkind = 'r' AND c.relnamespace = current_schema()::regnamespace"
    " AND a.attnum > 0 AND NOT a.attisdropped AND a.attstattarget IS DISTINCT FROM 0"
    " AND NOT c.relname = ANY(:anonymous) ORDER BY 1"
)
TABLES = text(
    "SELECT relname FROM pg_class"
    " WHERE relkind = 'r' AND relnamespace = current_schema()::regnamespace"
)
STATISTICS = text(
    "SELECT tablename || '.' || attname FROM pg_stats"
    " WHERE schemaname = current_schema() AND NOT tablename = ANY(:anonymous) ORDER BY 1"
)
# What makes the tables, their indexes and their keys: unchanged by 0020.
STORAGE = text(
    "SELECT c.relname, c.relfilenode::text FROM pg_class AS c"
    " WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind IN ('r', 'i')"
    " UNION ALL SELECT conname, pg_get_constraintdef(oid) FROM pg_constraint"
    " WHERE connamespace = current_schema()::regnamespace ORDER BY 1, 2"
)


@pytest.fixture
async def engine() -> AsyncIterator[AsyncEngine]:
    async with postgres_database() as url:
        engine = create_engine(url)
        try:
            yield engine
        finally:
            await engine.dispose()


async def sampled(conn: AsyncConnection) -> list[str]:
    """Columns of non-anonymous tables that ANALYZE would sample."""
    return list((await conn.scalars(SAMPLED, {"anonymous": list(ANONYMOUS)})).all())


async def statistics(conn: AsyncConnection) -> list[str]:
    return list((await conn.scalars(STATISTICS, {"anonymous": list(ANONYMOUS)})).all())


async def window_of(conn: AsyncConnection, checkin_id: str) -> set[str]:
    hex_id = uuid.UUID(checkin_id).hex
    return {t for t in await conn.scalars(TABLES) if hex_id in t}


async def test_no_personal_column_is_sampled_by_analyze_with_a_window_open(
    engine: AsyncEngine,
) -> None:
    await upgrade(engine, MIGRATIONS)
    checkin = Checkin(str(uuid.uuid4()), WorkspaceRef.from_key("slack:T0STAT"), "C0STAT", NOW, NOW)
    async with SqlUnitOfWork(create_session_factory(engine)) as work:
        await work.checkins.add(checkin)
        await work.commit()
    async with engine.connect() as conn:
        tables = set(await conn.scalars(TABLES))
        # The check covers what it should: the window's tables and slack_sdk's among them.
        assert len(await window_of(conn, checkin.id)) == 2
        assert {"volunteers", "debrief_requests", "slack_installations"} <= tables - ANONYMOUS
        assert await sampled(conn) == []


async def _insert_people(conn: AsyncConnection, open_checkin: str) -> None:
    await conn.execute(
        text(
            "INSERT INTO checkins (id, workspace, conversation, posted_at, closes_at, closed)"
            " VALUES (:id, 'slack:T0STAT', 'C0STAT', :at, :at, false)"
        ),
        {"id": open_checkin, "at": NOW + timedelta(hours=8)},
    )
    await conn.execute(
        text(
            "INSERT INTO volunteers (workspace, person, capacity, days, timezone)"
            " VALUES ('slack:T0STAT', :p, 1, 'mon', 'UTC')"
        ),
        {"p": PERSON},
    )


async def test_the_upgrade_sets_every_target_to_zero_and_removes_what_was_sampled(
    engine: AsyncEngine,
) -> None:
    moved, opened_at_0019 = str(uuid.uuid4()), str(uuid.uuid4())
    await upgrade(engine, MIGRATIONS, "0018")
    async with engine.begin() as conn:
        await _insert_people(conn, moved)
        await conn.execute(
            text("INSERT INTO pulse_participants VALUES (:id, :m)"), {"id": moved, "m": MARKER}
        )
    await upgrade(engine, MIGRATIONS, "0019")
    async with engine.begin() as conn:
        assert await window_of(conn, moved), "0019 moved the open window into its tables"
        assert [c for c in await sampled(conn) if "pulse_window_" in c] == []
        # A window opened under 0019 before this change: a table as it made them.
        hex_id = uuid.UUID(opened_at_0019).hex
        await conn.execute(
            text(
                "INSERT INTO checkins (id, workspace, conversation, posted_at, closes_at)"
                " VALUES (:id, 'slack:T0STAT', 'C0OTHER', :at, :at)"
            ),
            {"id": opened_at_0019, "at": NOW},
        )
        await conn.execute(
            text(f"CREATE TABLE pulse_window_{hex_id}_markers (marker varchar(64) PRIMARY KEY)")
        )
        await conn.execute(
            text(f"INSERT INTO pulse_window_{hex_id}_markers VALUES (:m)"), {"m": "cd" * 32}
        )
        await conn.execute(text("ANALYZE"))
        before = await statistics(conn)
        assert {"volunteers.person", f"pulse_window_{hex_id}_markers.marker"} <= set(before)
        storage = (await conn.execute(STORAGE)).all()

    await upgrade(engine, MIGRATIONS, "0020")

    async with engine.begin() as conn:
        assert await statistics(conn) == []
        assert await sampled(conn) == []
        assert (await conn.execute(STORAGE)).all() == storage, "nothing rebuilt or re-made"
        await conn.execute(text("ANALYZE"))
        assert await statistics(conn) == []
        # The anonymous tables are left as they were.
        targets = await conn.scalar(
            text(
                "SELECT count(*) FROM pg_attribute WHERE attrelid = 'pulse_counts'::regclass"
                " AND attnum > 0 AND attstattarget = -1"
            )
        )
        assert targets == 3
