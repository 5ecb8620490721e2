"""Adversary: clicks that reach the database while the check-in closes.

README, *Anonymous by design*: a click is counted once, and a person told "counted" has their
answer in the kept numbers. Here the database is held (a DBA's lock, a backup), clicks pile
up behind it, the deadline sweep closes the check-in behind them, and more clicks arrive
behind the close (their time check passed just before the deadline). Once the database lets
go, every click told "counted" must be in the closed check-in's totals, and no other: an
acknowledged answer lost, or a refused one counted, is what this attack looks for.
"""

import asyncio
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import timedelta
from pathlib import Path

import asyncpg
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bootstrap import start_wellspring
from bot.process.scheduling import DEADLINE_JOB
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import LEVELS, WINDOW, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import level_buttons

CATALOG = load_catalog()
REFUSALS = {
    CATALOG.text(key): key
    for key in ("pulse.closed", "pulse.already_answered", "pulse.not_counted", "pulse.try_again")
}
# Answers before the hold: the click pool's connections have the click's statement prepared.
WARM = [f"U0WARM{i}" for i in range(6)]
BEFORE_THE_CLOSE = [f"U0EARLY{i}" for i in range(6)]
BEHIND_THE_CLOSE = [f"U0BEHIND{i}" for i in range(6)]


@asynccontextmanager
async def database_held(url: str, checkin: str) -> AsyncIterator[Callable[[int], Awaitable[None]]]:
    """The database held from outside as long as this lasts; yields a wait for `n` sessions
    queued behind the hold (PostgreSQL; SQLite: a short pause, it has no queue to read)."""
    if url.startswith("sqlite"):
        import sqlite3

        holder = sqlite3.connect(make_url(url).database or "", isolation_level=None)
        holder.execute("BEGIN IMMEDIATE")

        async def pause(_n: int) -> None:
            await asyncio.sleep(1.0)

        try:
            yield pause
        finally:
            holder.execute("COMMIT")
            holder.close()
        return
    dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
    holder, watcher = await asyncpg.connect(dsn), await asyncpg.connect(dsn)
    markers = f"pulse_window_{checkin.replace('-', '')}_markers"

    async def queued(n: int) -> None:
        for _ in range(200):
            waiting = await watcher.fetchval(
                "SELECT count(*) FROM pg_locks WHERE NOT granted AND relation = $1::regclass",
                markers,
            )
            if waiting >= n:
                return
            await asyncio.sleep(0.05)
        raise AssertionError(f"fewer than {n} sessions queued behind the hold")

    transaction = holder.transaction()
    await transaction.start()
    await holder.execute(f"LOCK TABLE {markers} IN SHARE MODE")  # clicks write: they wait
    try:
        yield queued
    finally:
        await transaction.rollback()
        await holder.close()
        await watcher.close()


async def test_every_click_told_counted_is_in_the_closed_totals_and_no_other(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock, tmp_path: Path
) -> None:
    ws = await start_wellspring(make_settings(fake_slack, database_url), clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        post = await post_checkin(ws, slack, fake_slack)
        fake_slack.members["C0TEAM"] = WARM + BEFORE_THE_CLOSE + BEHIND_THE_CLOSE
        buttons, ts = level_buttons(post), post.response["ts"]
        async with ws.engine.connect() as conn:
            checkin = str(await conn.scalar(text("SELECT id FROM checkins")))

        def clicks(people: list[str]) -> list["asyncio.Task[object]"]:
            return [
                asyncio.ensure_future(
                    slack.block_action(*buttons[LEVELS[n % 4]], user_id=p, message_ts=ts)
                )
                for n, p in enumerate(people)
            ]

        before = len(fake_slack.response_posts)
        warm = clicks(WARM)
        await fake_slack.wait_for_response_posts(before + len(warm))
        async with database_held(database_url, checkin) as queued:
            first = clicks(BEFORE_THE_CLOSE)
            await queued(len(BEFORE_THE_CLOSE))
            deadline = clock.now()
            clock.set(deadline + WINDOW)
            closing = asyncio.ensure_future(ws.scheduler.run_now(DEADLINE_JOB))
            await queued(len(BEFORE_THE_CLOSE) + 1)  # the close, behind the first clicks
            clock.set(deadline + WINDOW - timedelta(seconds=1))  # time checks still pass
            behind = clicks(BEHIND_THE_CLOSE)
            await queued(len(BEFORE_THE_CLOSE) + 1 + min(len(BEHIND_THE_CLOSE), 4))
        clock.set(deadline + WINDOW)
        assert all(r.status == 200 for r in await asyncio.gather(*warm, *first, *behind))
        await closing
        every = len(warm) + len(first) + len(behind)
        posts = await fake_slack.wait_for_response_posts(before + every)
        assert await ws.inflight.drain(10)
        async with ws.engine.connect() as conn:
            kept = await conn.scalar(
                text("SELECT sum(responses) FROM pulse_counts WHERE checkin_id = :c"),
                {"c": checkin},
            )
            closed = await conn.scalar(text("SELECT closed FROM checkins"))
    finally:
        await slack.close()
        await ws.stop()
    replies = [p.body.get("text", "") for p in posts[before:]]
    told_counted = [r for r in replies if r not in REFUSALS]
    refused = sorted(REFUSALS[r] for r in replies if r in REFUSALS)
    assert closed, "the sweep closed the check-in"
    assert len(replies) == every, replies
    assert kept is not None and kept >= len(WARM), "the answers before the hold are kept"
    assert len(told_counted) == kept, f"told counted: {len(told_counted)}, kept: {kept}; {refused}"
    assert "pulse.not_counted" not in refused and "pulse.try_again" not in refused, refused
