"""Slash-command acknowledgement latency against /healthz, on the real app and a fake Slack.

Run with `make bench`. Both are measured in the same run on the same server, so the ratio
says what signature checking, Bolt dispatch and the help reply cost on top of a bare request.
"""

import asyncio
import statistics
import sys
import tempfile
import time
from pathlib import Path

import aiohttp

from app import start_wellspring
from bot.settings import Settings
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


async def main() -> None:
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
    print(f"command: {' '.join(sys.argv)} (python -m bench), {ROUNDS} rounds each")
    print(f"/healthz p50 {base_p50 * 1000:.2f} ms (baseline)")
    print(f"/checkin help p50 {cmd_p50 * 1000:.2f} ms, p99 {cmd_p99 * 1000:.2f} ms")
    print(f"ratio p50 command/healthz: {cmd_p50 / base_p50:.2f}")
    print(f"Slack's limit is 3000 ms; p99 uses {cmd_p99 / 3.0 * 100:.2f}% of it")


if __name__ == "__main__":
    asyncio.run(main())
