"""The click ledger on SQLite and PostgreSQL: once per person across a secret rotation, even
for clicks at once through replicas that know different secrets, and nothing after the close."""

import asyncio
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.clicks import Answer, Outcome
from bot.domain.participation import participation_markers
from bot.domain.periods import Month, key_names, period_markers
from bot.domain.pulses import IsoWeek
from bot.domain.workspaces import WorkspaceRef
from bot.storage.click_ledger import SqlClickLedger, click_engine
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.tables import pulse_counts, pulse_period_markers
from bot.storage.unit_of_work import SqlUnitOfWork

HERE = WorkspaceRef("slack", "T0LEDGER")
TEAM = "C0LEDGER"
NOW = datetime(2026, 12, 7, 9, 0, tzinfo=UTC)
NEW = b"ledger-new-secret-0123456789abcdef-01"
OLD = b"ledger-old-secret-0123456789abcdef-01"
ROTATED, NOT_YET = (NEW, OLD), (OLD,)


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    try:
        yield engine
    finally:
        await engine.dispose()


@pytest.fixture
async def ledger(engine: AsyncEngine) -> AsyncIterator[SqlClickLedger]:
    clicks = click_engine(engine)
    try:
        yield SqlClickLedger(clicks)
    finally:
        await clicks.dispose()


async def posted(engine: AsyncEngine) -> str:
    checkin = Checkin(str(uuid.uuid4()), HERE, TEAM, NOW, NOW + timedelta(hours=8))
    async with SqlUnitOfWork(create_session_factory(engine)) as uow:
        await uow.checkins.add(checkin)
        await uow.commit()
    return checkin.id


def click(checkin_id: str, person: str, secrets: tuple[bytes, ...]) -> Answer:
    """What a replica configured with `secrets` asks of the ledger for this person's click."""
    week = IsoWeek.of(NOW)
    return Answer(
        checkin_id,
        PulseLevel.LATE,
        participation_markers(secrets, checkin_id, HERE.key, person),
        HERE.key,
        TEAM,
        week,
        period_markers(secrets, HERE.key, TEAM, Month.of(week), person),
        key_names(secrets),
    )


async def closed_late_count(engine: AsyncEngine, checkin_id: str) -> int:
    async with SqlUnitOfWork(create_session_factory(engine)) as uow:
        assert await uow.checkins.close(checkin_id)
        await uow.commit()
    async with engine.connect() as conn:
        found = await conn.scalar(
            select(pulse_counts.c.responses)
            .where(pulse_counts.c.checkin_id == checkin_id)
            .where(pulse_counts.c.level == PulseLevel.LATE.value)
        )
    return int(found or 0)


async def test_a_rotation_counts_each_person_once_whichever_replica_they_reach_first(
    engine: AsyncEngine, ledger: SqlClickLedger
) -> None:
    checkin = await posted(engine)
    assert await ledger.count_answer(click(checkin, "U0B", NOT_YET)) is Outcome.COUNTED
    assert await ledger.count_answer(click(checkin, "U0B", ROTATED)) is Outcome.ALREADY
    first = await ledger.count_answer(click(checkin, "U0A", ROTATED))
    assert first is Outcome.COUNTED
    assert await ledger.count_answer(click(checkin, "U0A", NOT_YET)) is Outcome.ALREADY
    assert await ledger.count_answer(click(checkin, "U0A", (NEW,))) is Outcome.ALREADY
    async with engine.connect() as conn:
        keys = set(await conn.scalars(select(pulse_period_markers.c.key)))
    assert keys == {key_names(NOT_YET)[0]}, "the rotated replica wrote under the month's secret"
    assert await closed_late_count(engine, checkin) == 2
    assert await ledger.count_answer(click(checkin, "U0C", ROTATED)) is Outcome.CLOSED


async def test_clicks_at_once_through_replicas_with_different_secrets_count_each_person_once(
    engine: AsyncEngine, ledger: SqlClickLedger
) -> None:
    checkin = await posted(engine)
    people = [f"U0P{n:02d}" for n in range(20)]
    outcomes = await asyncio.gather(
        *(
            ledger.count_answer(click(checkin, person, secrets))
            for person in people
            for secrets in (ROTATED, NOT_YET, ROTATED)
        )
    )
    per_person = [outcomes[n : n + 3] for n in range(0, len(outcomes), 3)]
    assert all(found.count(Outcome.COUNTED) == 1 for found in per_person), per_person
    assert await closed_late_count(engine, checkin) == len(people)


@pytest.mark.parametrize(
    ("url", "own_pool"),
    [
        ("sqlite+aiosqlite:////tmp/wellspring.db", True),
        ("sqlite+aiosqlite://", False),
        ("sqlite+aiosqlite:///:memory:", False),
        ("sqlite+aiosqlite:///file::memory:?uri=true", False),
    ],
)
async def test_clicks_get_a_pool_of_their_own_unless_the_database_lives_on_one_connection(
    url: str, own_pool: bool
) -> None:
    engine = create_engine(url)
    clicks = click_engine(engine)
    try:
        assert (clicks is not engine) is own_pool
    finally:
        await clicks.dispose()
        await engine.dispose()
