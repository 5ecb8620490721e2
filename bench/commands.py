"""Slash-command acknowledgement latency against /healthz, on the real app and a fake Slack.

Both are measured in the same run on the same server, so the ratio says what signature
checking, Bolt dispatch and the help reply cost on top of a bare request.
"""

import asyncio
import statistics
import tempfile
import time
from pathlib import Path

import aiohttp

from bench.report import Row, section
from bootstrap import start_wellspring
from bot.config.settings import Settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

SECRET = "bench-signing-secret"
ROUNDS = 300


async def _timed(call: object, rounds: int) -> list[float]:
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        await call()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return samples


async def measure() -> str:
    fake = FakeSlack()
    await fake.start()
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(
            _env_file=None,
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_api_url=fake.api_url,
            database_url=f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}",
            host="127.0.0.1",
            port=0,
        )
        ws = await start_wellspring(settings)
        slack = SignedSlackClient(ws.url, SECRET, fake)
        async with aiohttp.ClientSession() as session:

            async def health() -> None:
                async with session.get(f"{ws.url}/healthz") as reply:
                    await reply.read()

            async def command() -> None:
                await slack.command("/checkin", "help")

            await _timed(health, 20)
            await _timed(command, 20)
            baseline = await _timed(health, ROUNDS)
            measured = await _timed(command, ROUNDS)
        await slack.close()
        await ws.stop()
    await fake.stop()
    base_p50, cmd_p50 = statistics.median(baseline), statistics.median(measured)
    cmd_p99 = sorted(measured)[int(len(measured) * 0.99) - 1]
    how = (
        f"{ROUNDS} rounds each after 20 warm-up rounds, one at a time, SQLite, fake Slack on "
        "loopback: a signed `/checkin help`, acknowledged with the help card, against `GET "
        "/healthz` on the same server. Slack allows 3,000 ms for the acknowledgement."
    )
    return section(
        "A slash command's acknowledgement (`bench/commands.py`)",
        how,
        [
            Row("`/checkin help` p50", cmd_p50 * 1000, base_p50 * 1000),
            Row("`/checkin help` p99", cmd_p99 * 1000, base_p50 * 1000),
            Row("`/checkin help` p99 against Slack's 3 s", cmd_p99 * 1000, 3000.0),
        ],
    )


def run() -> str:
    return asyncio.run(measure())


if __name__ == "__main__":
    print(run())
