"""Fan-out at Slack's limits: 1,000 channels due at one minute, each posted exactly once.

Run alone with `python -m bench.fanout`. The fake Slack enforces chat.postMessage limits
(one a second per channel, `BUDGET` a second per workspace, small bursts, 429 with
Retry-After beyond them). The baseline is the time the workspace limit itself requires:
channels / budget. The app runs as real `python app.py` processes: one on SQLite, and two
sharing PostgreSQL when TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set.
"""

import asyncio
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bootstrap import MIGRATIONS
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_rate_limits import PostLimits
from tests.support.databases import fresh_postgres

ROOT = Path(__file__).resolve().parents[1]
CHANNELS, BUDGET = 1000, 50.0
LIMITS = PostLimits(per_second=BUDGET)
WORKSPACE = WorkspaceRef("slack", "T0AGENCY")
PULSE_SECRET = "bench-pulse-secret-0123456789abcdef-0123456789"
GIVE_UP = 120.0  # seconds; far beyond the 20 s the limit requires


@dataclass(frozen=True)
class Figures:
    label: str
    seconds: float
    calls: int
    limited: int
    per_channel: tuple[int, int]  # fewest and most posts a channel got
    peak: int

    @property
    def required(self) -> float:
        return CHANNELS / BUDGET


async def fan_out(label: str, database_url: str, replicas: int) -> Figures:
    """Schedules due this minute, then `replicas` app processes: their start-up sweep
    posts them. Timed from the first chat.postMessage to the last channel posted."""
    await _add_schedules(database_url)
    fake = FakeSlack(post_limits=LIMITS)
    await fake.start()
    limiter = fake.rate_limiter
    assert limiter is not None
    processes = [_start_app(fake, database_url) for _ in range(replicas)]
    try:
        finished = await _all_posted(fake, time.monotonic() + GIVE_UP)
        await asyncio.sleep(1.0)  # anything posted twice would come now
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.to_thread(process.wait, 30)
        await fake.stop()
    posted = _posts_per_channel(fake)
    counts = [posted.get(f"C{i:05d}", 0) for i in range(CHANNELS)]
    seconds = finished - limiter.attempts[0]
    calls = len(fake.calls_to("chat.postMessage"))
    return Figures(
        label, seconds, calls, limiter.limited, (min(counts), max(counts)), limiter.peak()
    )


def _posts_per_channel(fake: FakeSlack) -> Counter[str]:
    return Counter(c.params["channel"] for c in fake.calls_to("chat.postMessage") if c.ok)


async def _all_posted(fake: FakeSlack, deadline: float) -> float:
    """When every channel had its post (polled; this is a benchmark, not a test)."""
    while len(_posts_per_channel(fake)) < CHANNELS:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(_posts_per_channel(fake))} channels posted")
        await asyncio.sleep(0.02)
    return time.monotonic()


def _start_app(fake: FakeSlack, database_url: str) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    env |= {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": "bench-signing-secret",
        "SLACK_API_URL": fake.api_url,
        "SLACK_POSTS_PER_SECOND": str(BUDGET),
        "DATABASE_URL": database_url,
        "PULSE_SECRET": PULSE_SECRET,
        "PORT": "0",
        "METRICS_PORT": "0",
        "LOG_LEVEL": "WARNING",
    }
    return subprocess.Popen(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tempfile.gettempdir(),
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )


async def _add_schedules(database_url: str) -> None:
    """CHANNELS check-ins due at the current minute, made yesterday."""
    now = datetime.now(UTC)
    this_minute = Recurrence(
        frozenset(range(7)), now.time().replace(second=0, microsecond=0), "UTC"
    )
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            for i in range(CHANNELS):
                schedule = Schedule(
                    str(uuid.uuid4()),
                    WORKSPACE,
                    ScheduleKind.CHECKIN,
                    this_minute,
                    "U0OWNER",
                    now - timedelta(days=1),
                    f"C{i:05d}",
                )
                await uow.schedules.add(schedule)
            await uow.commit()
    finally:
        await engine.dispose()


async def _measure() -> list[Figures]:
    with tempfile.TemporaryDirectory() as folder:
        found = [await fan_out("1 replica, SQLite", f"sqlite+aiosqlite:///{folder}/f.db", 1)]
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if base:
        async with fresh_postgres(base) as url:
            found.append(await fan_out("2 replicas, PostgreSQL", url, 2))
    return found


def _rows(f: Figures) -> list[str]:
    ratio = f.seconds / f.required
    share = f.limited / f.calls if f.calls else 0.0
    once = f.per_channel == (1, 1)
    allowed = BUDGET + LIMITS.burst
    return [
        f"| {f.label}: wall time | {f.seconds:.1f} s | {f.required:.1f} s | {ratio:.2f} "
        f"| <= 1.1 | {'yes' if ratio <= 1.1 else 'no'} |",
        f"| {f.label}: 429 share | {share:.2%} ({f.limited} of {f.calls}) | 0 | - "
        f"| < 1% | {'yes' if share < 0.01 else 'no'} |",
        f"| {f.label}: posts per channel | {f.per_channel[0]}-{f.per_channel[1]} | 1 | - "
        f"| exactly 1 | {'yes' if once else 'no'} |",
        f"| {f.label}: most calls in any 1 s | {f.peak} | {BUDGET:.0f} | {f.peak / BUDGET:.2f} "
        f"| <= {allowed:.0f} (budget + burst) | {'yes' if f.peak <= allowed else 'no'} |",
    ]


def run() -> str:
    found = asyncio.run(_measure())
    lines = [
        "## Fan-out at the rate limit",
        "",
        f"{CHANNELS} channels with a check-in due at the same minute, posted by real app "
        f"processes (their start-up sweep, SLACK_POSTS_PER_SECOND={int(BUDGET)}) to a fake "
        "Slack on loopback "
        f"that enforces chat.postMessage limits: {LIMITS.per_second:.0f}/s per workspace "
        f"(burst {LIMITS.burst}) and {LIMITS.channel_per_second:.0f}/s per channel (burst "
        f"{LIMITS.channel_burst}), answering 429 with Retry-After beyond them. One round each: "
        "one replica on SQLite, and two replicas sharing a PostgreSQL database when "
        "TEST_DATABASE_URL or BENCH_DATABASE_URL is set. The baseline is the time the "
        "workspace limit itself requires (channels / budget); the wall time runs from the first "
        "chat.postMessage to the last channel posted; the fake Slack runs in the benchmark's "
        "own process.",
        "",
        "| measure | figure | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for figures in found:
        lines += _rows(figures)
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
