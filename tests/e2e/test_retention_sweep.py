"""The daily retention sweep: in each table it covers, an old row goes and a fresh one stays;
and every table has a retention entry (in code, which the sweep uses, and in the inventory)."""

import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import MetaData, Table, inspect, select
from sqlalchemy.ext.asyncio import AsyncConnection

from bootstrap import SWEEP_JOB, Wellspring, retention_rules, start_wellspring
from bot.domain.pulses import IsoWeek
from bot.storage.retention import WINDOW_TABLE_PREFIX
from bot.storage.tables import (
    admin_actions,
    agency_holidays,
    debrief_months,
    digest_runs,
    rotations,
    schedule_runs,
    schedules,
)
from tests.e2e.conftest import MovableClock, make_settings
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

WS = "slack:T0SWEEP"
INVENTORY = Path(__file__).parents[2] / "docs" / "data-inventory.md"
STATES = AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table(
    MetaData(), AsyncSQLAlchemyOAuthStateStore.default_table_name
)


@pytest.fixture
async def wellspring(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    """The real app on each kind of database (defaults: PULSE and AUDIT_RETENTION_DAYS 730)."""
    ws = await start_wellspring(make_settings(fake_slack, database_url), clock)
    await ws.scheduler.run_now(SWEEP_JOB)
    try:
        yield ws
    finally:
        await ws.stop()


Rows = Callable[[AsyncConnection, datetime, bool], Awaitable[None]]


async def a_schedule_run(conn: AsyncConnection, now: datetime, old: bool) -> None:
    schedule = str(uuid.uuid4())
    await conn.execute(
        schedules.insert().values(
            id=schedule, workspace=WS, conversation="C0T", owner="U0A", kind="checkin",
            days="mon", at="09:00", timezone="UTC", skip_dates="", paused=False, created_at=now,
        )
    )  # fmt: skip
    fire_at = now - (timedelta(days=31) if old else timedelta(days=29))
    await conn.execute(schedule_runs.insert().values(
        schedule_id=schedule, fire_at=fire_at, status="posted", claimed_at=fire_at
    ))  # fmt: skip


async def a_digest_claim(conn: AsyncConnection, now: datetime, old: bool) -> None:
    week = IsoWeek.of(now - timedelta(weeks=9 if old else 7)).label
    await conn.execute(digest_runs.insert().values(workspace=WS, supervisor="U0S", week=week))


async def a_rotation(conn: AsyncConnection, now: datetime, old: bool) -> None:
    used = now.date() - timedelta(days=181 if old else 179)
    await conn.execute(rotations.insert().values(
        workspace=WS, audience=f"U0{used:%j}", deck="reminders", cycle=0, position=1, used_on=used
    ))  # fmt: skip


async def a_debrief_month(conn: AsyncConnection, now: datetime, old: bool) -> None:
    month = (now - timedelta(days=760 if old else 700)).strftime("%Y-%m")
    await conn.execute(debrief_months.insert().values(
        workspace=WS, month=month, matched=True, wait_minutes=15, requests=3
    ))  # fmt: skip


async def a_holiday(conn: AsyncConnection, now: datetime, old: bool) -> None:
    day = now.date() - timedelta(days=367 if old else 365)
    await conn.execute(agency_holidays.insert().values(workspace=WS, day=day))


async def an_admin_action(conn: AsyncConnection, now: datetime, old: bool) -> None:
    at = now - timedelta(days=731 if old else 729)
    await conn.execute(admin_actions.insert().values(
        id=str(uuid.uuid4()), workspace=WS, actor="U0ADMIN", kind="holidays_set", acted_at=at
    ))  # fmt: skip


async def an_oauth_state(conn: AsyncConnection, now: datetime, old: bool) -> None:
    """As slack_sdk writes it: naive UTC, ten minutes after the install began."""
    expire_at = now - (timedelta(days=1, minutes=1) if old else timedelta(hours=23))
    await conn.execute(
        STATES.insert().values(state=uuid.uuid4().hex, expire_at=expire_at.replace(tzinfo=None))
    )


SWEPT: dict[Table, Rows] = {
    schedule_runs: a_schedule_run,
    digest_runs: a_digest_claim,
    rotations: a_rotation,
    debrief_months: a_debrief_month,
    agency_holidays: a_holiday,
    admin_actions: an_admin_action,
    STATES: an_oauth_state,
}


async def count(conn: AsyncConnection, table: Table) -> int:
    return len((await conn.execute(select(table))).all())


@pytest.mark.parametrize("table", list(SWEPT), ids=lambda table: table.name)
async def test_the_daily_sweep_deletes_the_old_row_and_keeps_the_fresh_one(
    wellspring: Wellspring, clock: MovableClock, table: Table
) -> None:
    now = clock.now()
    async with wellspring.engine.begin() as conn:
        await SWEPT[table](conn, now, False)
        fresh = [dict(row._mapping) for row in (await conn.execute(select(table))).all()]
        await SWEPT[table](conn, now, True)
        assert await count(conn, table) == 2

    await wellspring.scheduler.run_now("retention-sweep")

    async with wellspring.engine.connect() as conn:
        left = [dict(row._mapping) for row in (await conn.execute(select(table))).all()]
    assert left == fresh, "the fresh row stays, the old one is gone"


async def test_unfinished_runs_and_future_holidays_stay(
    wellspring: Wellspring, clock: MovableClock
) -> None:
    now = clock.now()
    async with wellspring.engine.begin() as conn:
        await a_schedule_run(conn, now, old=True)
        await conn.execute(schedule_runs.update().values(status="claimed"))
        await conn.execute(agency_holidays.insert().values(workspace=WS, day=date(2030, 1, 1)))
    await wellspring.scheduler.run_now("retention-sweep")
    async with wellspring.engine.connect() as conn:
        assert await count(conn, schedule_runs) == 1, "a claim left by a replica is taken over"
        assert await count(conn, agency_holidays) == 1


async def test_a_deck_drawn_from_is_dated_so_the_sweep_can_tell_when_it_was_used(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members["C0TEAM"] = ["U0ALICE"]
    await post_checkin(wellspring, slack, fake_slack)
    async with wellspring.engine.connect() as conn:
        used = (await conn.scalars(select(rotations.c.used_on))).all()
    assert used and all(isinstance(day, date) for day in used)


async def test_every_table_has_a_retention_entry_and_a_line_in_the_inventory(
    wellspring: Wellspring,
) -> None:
    async with wellspring.engine.connect() as conn:
        names = await conn.run_sync(lambda sync: inspect(sync).get_table_names())
    tables = {name for name in names if not name.startswith(WINDOW_TABLE_PREFIX)}
    rules = retention_rules()
    assert tables - set(rules) == set(), (
        "a table with no retention entry (bot/storage/retention.py)"
    )
    assert set(rules) - tables == set(), "a retention entry for a table that does not exist"
    inventory = INVENTORY.read_text(encoding="utf-8")
    missing = sorted(name for name in tables if f"`{name}`" not in inventory)
    assert missing == [], "tables missing from docs/data-inventory.md"
    swept = {name for name, kept in rules.items() if kept.sweep is not None}
    assert swept == {table.name for table in SWEPT}, "each swept table has its test above"
