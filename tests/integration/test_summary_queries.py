"""The summary queries on SQLite and PostgreSQL: exact counts, only closed check-ins of the
asked-for teams, weeks and workspace, written the way the app writes them."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import async_sessionmaker

from bootstrap import MIGRATIONS
from bot.domain.checkins import Checkin
from bot.domain.pulses import LEVELS, Tally, last_weeks
from bot.domain.reports import PulseView, ViewKind, WeekSums
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.support.ledger import answer_times

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WEEKS = last_weeks(NOW, 3)
HERE = WorkspaceRef("slack", "T0HERE")
ELSEWHERE = WorkspaceRef("slack", "T0ELSEWHERE")


def at(week: int, day: int, hour: int = 9) -> datetime:
    monday = datetime.combine(WEEKS[0].monday, datetime.min.time(), tzinfo=UTC)
    return monday + timedelta(weeks=week, days=day, hours=hour)


@pytest.fixture
async def sessions(database_url: str) -> AsyncIterator[async_sessionmaker]:  # type: ignore[type-arg]
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    try:
        yield create_session_factory(engine)
    finally:
        await engine.dispose()


async def answered(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    team: str,
    posted_at: datetime,
    counts: tuple[int, ...],
    closed: bool = True,
    workspace: WorkspaceRef = HERE,
) -> str:
    """A check-in posted, answered `counts` times per level and (by default) closed."""
    checkin_id = str(uuid.uuid4())
    checkin = Checkin(checkin_id, workspace, team, posted_at, posted_at + timedelta(hours=8))
    async with SqlUnitOfWork(sessions) as uow:
        await uow.checkins.add(checkin)
        await uow.commit()
    for level, count in zip(LEVELS, counts, strict=True):
        await answer_times(sessions.kw["bind"], checkin, level, count)
    if closed:
        async with SqlUnitOfWork(sessions) as uow:
            await uow.checkins.close(checkin_id)
            await uow.commit()
    return checkin_id


@pytest.fixture
async def made(sessions: async_sessionmaker) -> dict[str, str]:  # type: ignore[type-arg]
    """Check-ins in and out of what the tests ask for, by name."""
    return {
        "a": await answered(sessions, "C1", at(0, 0), (3, 2, 1, 1)),
        "b": await answered(sessions, "C1", at(0, 2), (1, 0, 1, 0)),
        "c": await answered(sessions, "C1", at(1, 4), (0, 0, 3, 3)),
        "d": await answered(sessions, "C2", at(1, 0), (0, 0, 0, 0)),
        "e": await answered(sessions, "C2", at(2, 6, 23), (2, 2, 2, 2)),
        "still open": await answered(sessions, "C2", at(2, 1), (3, 3, 0, 0), closed=False),
        "too old": await answered(sessions, "C1", at(-1, 6, 23), (3, 3, 3, 0)),
        "not asked for": await answered(sessions, "C3", at(1, 1), (2, 2, 2, 0)),
        "elsewhere": await answered(sessions, "C1", at(1, 1), (2, 2, 2, 0), workspace=ELSEWHERE),
    }


async def test_week_sums_add_up_shown_and_hidden_checkins_per_team_and_week(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    made: dict[str, str],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        found = await uow.checkins.week_sums(HERE, ["C1", "C2"], WEEKS, at_least=6)
    none = Tally()
    assert sorted(found, key=lambda s: (s.team, s.week)) == [
        WeekSums("C1", WEEKS[0], Tally((3, 2, 1, 1)), Tally((1, 0, 1, 0))),
        WeekSums("C1", WEEKS[1], Tally((0, 0, 3, 3)), none),
        WeekSums("C2", WEEKS[1], none, none),
        WeekSums("C2", WEEKS[2], Tally((2, 2, 2, 2)), none),
    ]


async def test_week_sums_follow_the_threshold_they_are_given(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    made: dict[str, str],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        found = await uow.checkins.week_sums(HERE, ["C1"], WEEKS[:1], at_least=8)
    assert found == [WeekSums("C1", WEEKS[0], Tally(), Tally((4, 2, 2, 1)))]


async def test_teams_are_every_conversation_with_checkins_in_this_workspace_in_order(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
    made: dict[str, str],
) -> None:
    async with SqlUnitOfWork(sessions) as uow:
        assert await uow.checkins.teams(HERE) == ["C1", "C2", "C3"]
        assert await uow.checkins.teams(ELSEWHERE) == ["C1"]
        assert await uow.checkins.teams(WorkspaceRef("slack", "T0NONE")) == []


async def test_one_look_at_many_teams_writes_one_audit_line_per_team(
    sessions: async_sessionmaker,  # type: ignore[type-arg]
) -> None:
    looks = [
        PulseView(str(uuid.uuid4()), HERE, "U0SUPER", team, ViewKind.OVERVIEW, NOW)
        for team in ("C1", "C2", "C3")
    ]
    async with SqlUnitOfWork(sessions) as uow:
        await uow.views.record(*looks)
        await uow.commit()
    async with SqlUnitOfWork(sessions) as uow:
        found = await uow.views.recent(HERE, ["C1", "C2", "C3"], 10)
    assert sorted(found, key=lambda view: view.team) == looks
