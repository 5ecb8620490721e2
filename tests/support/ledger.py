"""Answers counted the way a click counts them (the click ledger), for tests and benchmarks
that need answered check-ins without Slack in front."""

import uuid
from collections.abc import Sequence

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession

from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.clicks import Answer, Outcome
from bot.domain.pulses import IsoWeek
from bot.domain.workspaces import WorkspaceRef
from bot.storage.click_ledger import SqlClickLedger, click_engine
from bot.storage.pulse_periods import period_marker_params, period_marker_sql


async def answer_times(
    engine: AsyncEngine, checkin: Checkin, level: PulseLevel, times: int
) -> None:
    """`times` different people answer the (committed, open) check-in with `level`."""
    clicks = click_engine(engine)
    ledger, week = SqlClickLedger(clicks), IsoWeek.of(checkin.posted_at)
    try:
        for _ in range(times):
            person = uuid.uuid4().hex  # stands for a marker: a different person each time
            answer = Answer(
                checkin.id,
                level,
                [person],
                checkin.workspace.key,
                checkin.conversation,
                week,
                [person],
                ["test-key"],
            )
            assert await ledger.count_answer(answer) is Outcome.COUNTED
    finally:
        await clicks.dispose()


async def write_period_marker(
    session: AsyncSession,
    workspace: WorkspaceRef,
    team: str,
    week: IsoWeek,
    markers: Sequence[str],
    keys: Sequence[str],
) -> None:
    """The period marker a click writes (click_ledger.py), alone, in `session`'s transaction:
    for a replica's click whose check-in the test does not need."""
    params = period_marker_params(workspace.key, team, week, markers, keys)
    await session.execute(text(period_marker_sql(len(markers))), params)
