"""Adversary: one person counted as two by period markers during a secret rotation.

README, *The pulse secret*: "To rotate it, set PULSE_SECRET=NEW,OLD; people who already
answered an open check-in are still recognised", and *Why a number is hidden*: "A week's
number shows once at least PULSE_MIN_RESPONSES + 1 (6) *different* people answered in that
week; one person answering all three check-ins counts once."

A rotation on more than one replica is a rolling change: for a while one replica runs with
`NEW,OLD` and another still with `OLD`. A click's period marker looked only for an *older*
marker (markers[1:]); a replica that knows only OLD never looks for the NEW marker another
replica already wrote, and the settle step only distrusts keys that are *no longer*
configured. Both keys are configured when the week settles, so one person is two people.
"""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.periods import key_names, period_markers
from bot.domain.reports import State, build_report
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.integration.test_pulse_periods import HERE, MINIMUM, NOVEMBER, WEEKS, Team
from tests.support.ledger import write_period_marker

NEW = b"adversary-new-secret-0123456789abcdef"
OLD = b"adversary-old-secret-0123456789abcdef"
ROTATING = (NEW, OLD)  # the replica already rotated
NOT_YET = (OLD,)  # the replica not yet restarted


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    try:
        yield engine
    finally:
        await engine.dispose()


async def _mark(team: Team, person: str, secrets: tuple[bytes, ...]) -> None:
    markers = period_markers(secrets, HERE.key, team.team, NOVEMBER, person)
    async with team.sessions() as session:
        await write_period_marker(session, HERE, team.team, WEEKS[0], markers, key_names(secrets))
        await session.commit()


async def test_adversary_a_rolling_secret_rotation_counts_one_person_twice_in_a_week(
    engine: AsyncEngine,
) -> None:
    team = Team(engine)
    await team.checkin(WEEKS[0], 0, [])  # the week's row; its answers are marked below
    await team.checkin(WEEKS[0], 2, [])
    people = [f"U0R{n}" for n in range(5)]  # five different people: the week must stay hidden
    for person in people[:4]:
        await _mark(team, person, ROTATING)
    # The fifth answers Monday's check-in on the rotated replica, Wednesday's on the other.
    await _mark(team, people[4], ROTATING)
    await _mark(team, people[4], NOT_YET)
    await team.settle(WEEKS[0].ends_at + timedelta(hours=1), ROTATING)
    [week] = await team.people()
    strict = MINIMUM + 1
    assert not (week.counted and (week.people or 0) >= strict), (
        f"5 different people answered, yet the week counts {week.people} and shows: "
        "one person is two markers (NEW on one replica, OLD on the other)"
    )


async def test_adversary_the_double_counted_week_is_shown_to_a_supervisor(
    engine: AsyncEngine,
) -> None:
    """The same scene through the report: the week is released with 5 people behind it."""
    team = Team(engine)
    await team.checkin(WEEKS[0], 0, [])
    people = [f"U0R{n}" for n in range(5)]
    for person in people:
        await _mark(team, person, ROTATING)
    await _mark(team, people[0], NOT_YET)
    await team.settle(WEEKS[0].ends_at + timedelta(hours=1), ROTATING)
    found = await team.people()
    report = build_report([], found, [], [team.team], MINIMUM, [WEEKS[0]], [], WEEKS[0].ends_at)
    [(_, cell)] = report.team_weeks(team.team)
    assert cell.state is not State.SHOWN, "a week of 5 different people is shown"


async def test_adversary_a_rolling_rotation_counts_one_person_twice_in_one_check_in(
    engine: AsyncEngine,
) -> None:
    """The per-check-in "already answered" markers have the same shape: the replica still on
    OLD looks for no other marker, so the answer given on the rotated replica is not seen."""
    import uuid
    from datetime import UTC, datetime

    from bot.domain.checkins import Checkin, PulseLevel
    from bot.domain.clicks import Answer, Outcome
    from bot.domain.participation import participation_markers
    from bot.storage.click_ledger import SqlClickLedger, click_engine
    from bot.storage.engine import create_session_factory

    sessions = create_session_factory(engine)
    posted = datetime.combine(WEEKS[0].monday, datetime.min.time(), UTC)
    checkin = Checkin(str(uuid.uuid4()), HERE, "C1", posted, posted + timedelta(hours=8))
    async with SqlUnitOfWork(sessions) as uow:
        await uow.checkins.add(checkin)
        await uow.commit()
    person = "U0TWICE"
    counted = []
    clicks = click_engine(engine)
    try:
        for secrets in (ROTATING, NOT_YET):  # one click through each replica
            answer = Answer(
                checkin.id,
                PulseLevel.MIDDLE,
                participation_markers(secrets, checkin.id, HERE.key, person),
                HERE.key,
                "C1",
                WEEKS[0],
                period_markers(secrets, HERE.key, "C1", NOVEMBER, person),
                key_names(secrets),
            )
            counted.append(await SqlClickLedger(clicks).count_answer(answer))
    finally:
        await clicks.dispose()
    assert counted == [Outcome.COUNTED, Outcome.ALREADY], "the second: 'already answered'"
