"""Period markers on SQLite and PostgreSQL: distinct people per week, a month's remainder,
and no marker left on any page of the database once its month settled."""

import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.clicks import Answer, Outcome
from bot.domain.participation import participation_markers
from bot.domain.periods import Month, key_names, period_markers
from bot.domain.pulses import IsoWeek
from bot.domain.reports import MonthRest, WeekPeople
from bot.domain.workspaces import WorkspaceRef
from bot.storage.click_ledger import SqlClickLedger, click_engine
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.erasure import SqlHistoryEraser
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.support.ledger import write_period_marker
from tests.support.raw_pages import found, raw_pages

HERE = WorkspaceRef("slack", "T0HERE")
NOVEMBER = Month(2026, 11)
WEEKS = NOVEMBER.weeks
SECRETS = (b"period-test-secret-0123456789abcdef",)
OLD_SECRET = b"period-test-old-secret-0123456789abcd"
MINIMUM = 5


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    try:
        yield engine
    finally:
        await engine.dispose()


class Team:
    def __init__(self, engine: AsyncEngine, team: str = "C1") -> None:
        self.engine = engine
        self.sessions = create_session_factory(engine)
        self.team = team
        self.markers: set[str] = set()

    async def checkin(self, week: IsoWeek, day: int, answers: list[str]) -> None:
        """A check-in that `answers` click (each counted once for it), then closes."""
        posted = datetime.combine(week.monday, datetime.min.time(), UTC) + timedelta(days=day)
        checkin = Checkin(str(uuid.uuid4()), HERE, self.team, posted, posted + timedelta(hours=8))
        async with SqlUnitOfWork(self.sessions) as uow:
            await uow.checkins.add(checkin)
            await uow.commit()
        clicks = click_engine(self.engine)
        try:
            for person in answers:
                markers = period_markers(SECRETS, HERE.key, self.team, Month.of(week), person)
                self.markers.update(markers)
                answer = Answer(
                    checkin.id,
                    PulseLevel.MIDDLE,
                    participation_markers(SECRETS, checkin.id, HERE.key, person),
                    HERE.key,
                    self.team,
                    week,
                    markers,
                    key_names(SECRETS),
                )
                assert await SqlClickLedger(clicks).count_answer(answer) is Outcome.COUNTED
        finally:
            await clicks.dispose()
        async with SqlUnitOfWork(self.sessions) as uow:
            await uow.checkins.close(checkin.id)
            await uow.commit()

    async def settle(self, now: datetime, secrets: tuple[bytes, ...] = SECRETS) -> bool:
        async with SqlUnitOfWork(self.sessions) as uow:
            wiped = await uow.periods.settle(now, MINIMUM, key_names(secrets))
            await uow.commit()
        return wiped

    async def people(self) -> list[WeekPeople]:
        async with SqlUnitOfWork(self.sessions) as uow:
            return sorted(await uow.periods.people(HERE, [self.team], WEEKS), key=lambda p: p.week)

    async def rests(self) -> list[MonthRest]:
        async with SqlUnitOfWork(self.sessions) as uow:
            return await uow.periods.rests(HERE, [self.team], [NOVEMBER])


PEOPLE = [f"U0P{n}" for n in range(8)]


async def test_a_week_counts_each_person_once_however_many_check_ins_they_answered(
    engine: AsyncEngine,
) -> None:
    team = Team(engine)
    for day in (0, 2, 4):
        await team.checkin(WEEKS[0], day, PEOPLE[:5])  # 15 answers from 5 people
    await team.checkin(WEEKS[1], 0, PEOPLE[:6])
    await team.settle(WEEKS[1].ends_at)
    assert await team.people() == [
        WeekPeople("C1", WEEKS[0], True, 5),
        WeekPeople("C1", WEEKS[1], True, 6),
    ]


async def test_a_week_is_counted_only_once_over_with_every_check_in_closed(
    engine: AsyncEngine,
) -> None:
    team = Team(engine)
    await team.checkin(WEEKS[0], 0, PEOPLE[:6])
    await team.settle(WEEKS[0].ends_at - timedelta(hours=1))
    assert await team.people() == [WeekPeople("C1", WEEKS[0], True, None)]


async def test_a_settled_month_keeps_its_hidden_weeks_people_and_wipes_every_marker(
    engine: AsyncEngine, database_url: str
) -> None:
    team = Team(engine)
    await team.checkin(WEEKS[0], 0, PEOPLE[:7])
    await team.checkin(WEEKS[1], 0, PEOPLE[:3])  # hidden
    await team.checkin(WEEKS[2], 1, PEOPLE[3:7])  # hidden: with week 2, 7 people
    await team.checkin(WEEKS[3], 0, PEOPLE)
    assert found(sorted(team.markers), await raw_pages(database_url)), "the scan sees them"
    assert not await team.settle(NOVEMBER.ends_at - timedelta(hours=1)), "not over yet"
    assert await team.settle(NOVEMBER.ends_at)
    assert await SqlHistoryEraser(engine).wipe_periods()
    assert await team.rests() == [MonthRest("C1", NOVEMBER, frozenset(WEEKS[1:3]), 7)]
    assert found(sorted(team.markers), await raw_pages(database_url)) == []


async def test_a_person_answering_across_a_secret_rotation_is_still_one_person(
    engine: AsyncEngine,
) -> None:
    team = Team(engine)
    person = PEOPLE[0]
    old = period_markers((OLD_SECRET,), HERE.key, team.team, NOVEMBER, person)
    both = period_markers((SECRETS[0], OLD_SECRET), HERE.key, team.team, NOVEMBER, person)
    async with team.sessions() as session:
        await write_period_marker(session, HERE, team.team, WEEKS[0], old, key_names((OLD_SECRET,)))
        both_keys = key_names((SECRETS[0], OLD_SECRET))
        await write_period_marker(session, HERE, team.team, WEEKS[1], both, both_keys)
        await session.commit()
    await team.checkin(WEEKS[2], 0, [])  # a settled week to count
    for week in (WEEKS[0], WEEKS[1]):
        await team.checkin(week, 0, [])
    await team.settle(NOVEMBER.ends_at, (SECRETS[0], OLD_SECRET))
    assert await team.rests() == [MonthRest("C1", NOVEMBER, frozenset(WEEKS[:3]), 1)]


async def test_a_month_with_markers_of_a_dropped_secret_counts_no_week_settled_after_it(
    engine: AsyncEngine,
) -> None:
    """Its people may hold two markers each: their weeks fall back to the earlier rule."""
    team = Team(engine)
    async with team.sessions() as session:
        for person in PEOPLE[:3]:
            old = period_markers((OLD_SECRET,), HERE.key, team.team, NOVEMBER, person)
            keys = key_names((OLD_SECRET,))
            await write_period_marker(session, HERE, team.team, WEEKS[0], old, keys)
        await session.commit()
    await team.checkin(WEEKS[0], 2, PEOPLE[:3])  # the same three, under the new secret only
    await team.settle(WEEKS[0].ends_at)
    assert await team.people() == [WeekPeople("C1", WEEKS[0], False, 6)]


async def test_two_clicks_at_once_under_different_secrets_make_the_month_fall_back(
    engine: AsyncEngine,
) -> None:
    """Mid-rotation, two replicas that both know both secrets but put them in a different
    order: a person's two first clicks of the month at the same moment (neither sees the
    other's marker) leave two markers. The month then counts no week."""
    if engine.dialect.name != "postgresql":
        pytest.skip("SQLite takes one writer at a time: the clicks can't overlap")
    team = Team(engine)
    await team.checkin(WEEKS[0], 0, [])
    person = PEOPLE[0]
    orders = ((SECRETS[0], OLD_SECRET), (OLD_SECRET, SECRETS[0]))
    async with team.sessions() as first, team.sessions() as second:
        for session, secrets in zip((first, second), orders, strict=True):
            markers = period_markers(secrets, HERE.key, team.team, NOVEMBER, person)
            keys = key_names(secrets)
            await write_period_marker(session, HERE, team.team, WEEKS[0], markers, keys)
        await first.commit()
        await second.commit()
    await team.settle(WEEKS[0].ends_at, orders[0])
    assert await team.people() == [WeekPeople("C1", WEEKS[0], False, 2)]
