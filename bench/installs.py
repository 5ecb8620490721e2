"""Acknowledging a command with one bot token against several installed workspaces.

Run with `make bench`. Both apps run in the same process on the same fake Slack in the same
run: the baseline has SLACK_BOT_TOKEN; the measured one has 50 workspaces installed through
the OAuth flow, so every request first finds its workspace's token in the database.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path

import aiohttp

from app import Wellspring, start_wellspring
from bot.settings import Settings
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
        **credentials,
    )
    return await start_wellspring(settings)


async def _help_p50(ws: Wellspring, fake: FakeSlack, team: str) -> float:
    slack = SignedSlackClient(ws.url, SECRET, fake, team_id=team)
    try:
        return await _p50(lambda: slack.command("/checkin", "help"))
    finally:
        await slack.close()


async def main() -> None:
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
    print(f"command: {' '.join(sys.argv)} (python -m bench.installs), {ROUNDS} rounds each")
    print(f"/checkin help, one bot token: p50 {baseline * 1000:.2f} ms (baseline)")
    print(f"/checkin help, {WORKSPACES} installed workspaces: p50 {measured * 1000:.2f} ms")
    print(f"ratio installed/single: {measured / baseline:.2f}")


if __name__ == "__main__":
    asyncio.run(main())
