"""Send turns reserved in the database: replicas together keep one rate."""

from datetime import UTC, datetime, timedelta

import pytest

from bootstrap import MIGRATIONS
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from bot.storage.send_turns import SqlSendTurns
from tests.support.clocks import FixedClock

INTERVAL = 0.02  # 50 a second


async def test_turns_taken_by_two_replicas_follow_one_another(database_url: str) -> None:
    engine, other = create_engine(database_url), create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    clock = FixedClock(datetime(2026, 11, 30, 9, tzinfo=UTC))
    first, second = SqlSendTurns(engine, clock), SqlSendTurns(other, clock)
    try:
        waits = [await turns.take("posts:T1", INTERVAL) for turns in (first, second, first)]
        assert waits == pytest.approx([0.0, 0.02, 0.04])
        assert await second.take("posts:T2", INTERVAL) == 0.0, "each key has its own turns"
        clock.current += timedelta(seconds=1)
        assert await first.take("posts:T1", INTERVAL) == 0.0, "turns gone by are not owed"
        assert await second.take("posts:T1", INTERVAL) == pytest.approx(0.02)
    finally:
        await engine.dispose()
        await other.dispose()
