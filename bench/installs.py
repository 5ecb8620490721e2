"""Acknowledging a command with one bot token against several installed workspaces.

Both apps run in the same process on the same fake Slack in the same
run: the baseline has SLACK_BOT_TOKEN; the measured one has 50 workspaces installed through
the OAuth flow, so every request first finds its workspace's token in the database.
"""

import asyncio
import statistics
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from bench.report import Row, section
from bootstrap import Wellspring, start_wellspring
from bot.config.settings import Settings
from tests.e2e.install_helpers import TOKEN_KEY, install
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_installs import CLIENT_ID, CLIENT_SECRET
from tests.fakes.slack_signer import SignedSlackClient

SECRET = "bench-signing-secret"
ROUNDS, WARM_UP, WORKSPACES = 300, 20, 50


async def _p50(call: Callable[[], Awaitable[object]]) -> float:
    for _ in range(WARM_UP):
        await call()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return statistics.median(samples)


async def _start(fake: FakeSlack, folder: str, name: str, **credentials: str) -> Wellspring:
    settings = Settings(
        _env_file=None,
        slack_signing_secret=SECRET,
        slack_api_url=fake.api_url,
        database_url=f"sqlite+aiosqlite:///{Path(folder) / name}",
        host="127.0.0.1",
        port=0,
        metrics_port=0,  # two apps in one process: each its own operator port
        **credentials,
    )
    return await start_wellspring(settings)


async def _help_p50(ws: Wellspring, fake: FakeSlack, team: str) -> float:
    slack = SignedSlackClient(ws.url, SECRET, fake, team_id=team)
    try:
        return await _p50(lambda: slack.command("/checkin", "help"))
    finally:
        await slack.close()


async def measure() -> str:
    fake = FakeSlack()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        single = await _start(fake, folder, "single.db", slack_bot_token="xoxb-bench")
        several = await _start(
            fake,
            folder,
            "several.db",
            slack_client_id=CLIENT_ID,
            slack_client_secret=CLIENT_SECRET,
            token_encryption_key=TOKEN_KEY,
        )
        async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as web:
            for n in range(WORKSPACES):
                await install(web, several, fake, f"T{n:04d}")
        try:
            baseline = await _help_p50(single, fake, "T0AGENCY")
            measured = await _help_p50(several, fake, f"T{WORKSPACES // 2:04d}")
        finally:
            await single.stop()
            await several.stop()
    await fake.stop()
    how = (
        f"p50 of {ROUNDS} rounds after {WARM_UP} warm-up rounds, SQLite, two apps in one run on "
        f"one fake Slack: the measured app has {WORKSPACES} workspaces installed through the "
        "OAuth flow, so each request first reads its workspace's bot token from the database."
    )
    return section(
        "One bot token against several installed workspaces (`bench/installs.py`)",
        how,
        [Row(f"`/checkin help` in one of {WORKSPACES} installed workspaces", measured * 1000,
             baseline * 1000)],
    )  # fmt: skip


def run() -> str:
    return asyncio.run(measure())


if __name__ == "__main__":
    print(run())
