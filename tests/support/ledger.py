"""Answers counted the way a click counts them (the click ledger), for tests and benchmarks
that need answered check-ins without Slack in front."""

import uuid

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.clicks import Answer, Outcome
from bot.domain.pulses import IsoWeek
from bot.storage.click_ledger import SqlClickLedger, click_engine


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
