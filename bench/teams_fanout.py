"""Fan-out at Teams' limits: 1,000 channels of one tenant due at one minute, each posted once.

Run alone with `python -m bench teams_fanout`. The fake Bot Connector enforces the limits
Microsoft documents ("Optimize your bot: rate limiting and best practices in Microsoft
Teams", https://learn.microsoft.com/en-us/microsoftteams/platform/bots/how-to/rate-limit;
see tests/fakes/teams_rate_limits.py): per conversation 7 sends in 1 s, 8 in 2 s, 60 in
30 s, 1,800 in an hour; per app and tenant 50 requests a second, answering 429 with
Retry-After beyond them. The baseline is the time the tenant limit itself requires:
conversations / 50. The app runs as real `python app.py` processes with Teams only (its
local testing mode: no Entra token, the fake's serviceUrl): one on SQLite, and two sharing
PostgreSQL when TEST_DATABASE_URL (or BENCH_DATABASE_URL) is set.
"""

import asyncio
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter
from dataclasses import asdict, dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.fanout import fan_out as slack_fan_out
from bootstrap import MIGRATIONS
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.addresses import SqlAddressBook
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from handlers.teams.addresses import ConversationAddress
from tests.fakes.teams_connector import FakeBotConnector
from tests.fakes.teams_rate_limits import ConnectorLimits
from tests.support.databases import fresh_postgres

ROOT = Path(__file__).resolve().parents[1]
TEAMS, CHANNELS_PER_TEAM = 100, 10
CONVERSATIONS = TEAMS * CHANNELS_PER_TEAM
LIMITS = ConnectorLimits()
BUDGET = float(LIMITS.tenant_per_second)
TENANT = "7d1f5c2a-0b3e-4c6d-9e8f-1a2b3c4d5e6f"
WORKSPACE = WorkspaceRef("teams", TENANT)
APP_ID = "00000000-0000-0000-0000-00000000b0b0"
OWNER = "00000000-0000-0000-0000-0000000000aa"  # an Entra object id
PULSE_SECRET = "bench-pulse-secret-0123456789abcdef-0123456789"
GIVE_UP = 120.0  # seconds; far beyond the 20 s the limit requires
TICKS = os.sysconf("SC_CLK_TCK")


@dataclass(frozen=True)
class Figures:
    label: str
    seconds: float
    calls: int
    limited: int
    limited_by_thread: int
    per_conversation: tuple[int, int]  # fewest and most posts a conversation got
    peak: int
    cpu_seconds: float  # the app processes' CPU from the first call to the last post

    @property
    def required(self) -> float:
        return CONVERSATIONS / BUDGET


def conversation_ids() -> list[str]:
    """Channels 0-9 of teams 0-99, as Teams names channels."""
    return [
        f"19:bench{team:03d}c{channel:02d}@thread.tacv2"
        for team in range(TEAMS)
        for channel in range(CHANNELS_PER_TEAM)
    ]


async def fan_out(label: str, database_url: str, replicas: int) -> Figures:
    """Schedules due this minute, then `replicas` app processes: their start-up sweep
    posts them. Timed from the first call to the connector to the last channel posted."""
    fake = FakeBotConnector(rate_limits=LIMITS)
    await fake.start()
    limiter = fake.rate_limiter
    assert limiter is not None
    processes = []
    try:
        await _add_schedules(database_url, fake.service_url)
        processes = [_start_app(database_url) for _ in range(replicas)]
        cpu_before = await _first_call(fake, processes, time.monotonic() + GIVE_UP)
        finished = await _all_posted(fake, time.monotonic() + GIVE_UP)
        cpu = sum(_cpu_seconds(process) for process in processes) - cpu_before
        await asyncio.sleep(1.0)  # anything posted twice would come now
    finally:
        for process in processes:
            process.send_signal(signal.SIGTERM)
        for process in processes:
            await asyncio.to_thread(process.wait, 30)
        await fake.stop()
    posted = _posts_per_conversation(fake)
    counts = [posted.get(c, 0) for c in conversation_ids()]
    return Figures(
        label,
        finished - limiter.attempts[0],
        len(fake.calls),
        limiter.limited,
        limiter.limited_by_thread,
        (min(counts), max(counts)),
        limiter.peak(),
        cpu,
    )


def _posts_per_conversation(fake: FakeBotConnector) -> Counter[str]:
    return Counter(p.conversation for p in fake.sent() if not p.targeted)


async def _first_call(
    fake: FakeBotConnector, processes: list[subprocess.Popen[bytes]], deadline: float
) -> float:
    """The app processes' CPU seconds when the first call reached the connector."""
    while not fake.calls:
        if time.monotonic() > deadline:
            raise TimeoutError("no call reached the connector")
        await asyncio.sleep(0.005)
    return sum(_cpu_seconds(process) for process in processes)


async def _all_posted(fake: FakeBotConnector, deadline: float) -> float:
    """When every conversation had its post (polled; this is a benchmark, not a test)."""
    seen: set[str] = set()
    read = 0
    while len(seen) < CONVERSATIONS:
        if time.monotonic() > deadline:
            raise TimeoutError(f"only {len(seen)} conversations posted")
        await asyncio.sleep(0.02)
        new, read = fake.posted[read:], len(fake.posted)
        seen.update(p.conversation for p in new if p.kind == "send" and not p.targeted)
    return time.monotonic()


def _cpu_seconds(process: subprocess.Popen[bytes]) -> float:
    """User plus system CPU the process has used so far (/proc/<pid>/stat)."""
    fields = Path(f"/proc/{process.pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICKS


def _start_app(database_url: str) -> subprocess.Popen[bytes]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "TEAMS_", "DATABASE_"))
    }
    env |= {
        "TEAMS_CLIENT_ID": APP_ID,
        "TEAMS_TENANT_ID": TENANT,
        "TEAMS_ALLOW_UNAUTHENTICATED": "true",
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


async def _add_schedules(database_url: str, service_url: str) -> None:
    """A check-in due at the current minute in every channel, made yesterday, and each
    channel's address as Wellspring keeps it once the team installed the app."""
    now = datetime.now(UTC)
    this_minute = Recurrence(
        frozenset(range(7)), now.time().replace(second=0, microsecond=0), "UTC"
    )
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        book = SqlAddressBook(create_session_factory(engine))
        for conversation in conversation_ids():
            address = ConversationAddress(service_url, conversation, "channel", "Check-ins")
            await book.save(WORKSPACE, f"conversation:{conversation}", json.dumps(asdict(address)))
        async with SqlUnitOfWork(create_session_factory(engine)) as uow:
            for conversation in conversation_ids():
                schedule = Schedule(
                    str(uuid.uuid4()),
                    WORKSPACE,
                    ScheduleKind.CHECKIN,
                    this_minute,
                    OWNER,
                    now - timedelta(days=1),
                    conversation,
                )
                await uow.schedules.add(schedule)
            await uow.commit()
    finally:
        await engine.dispose()


async def _measure() -> tuple[list[Figures], float]:
    """The rounds, and Slack's fan-out (bench/fanout.py, one replica, SQLite) in seconds."""
    with tempfile.TemporaryDirectory() as folder:
        found = [await fan_out("1 replica, SQLite", f"sqlite+aiosqlite:///{folder}/t.db", 1)]
    with tempfile.TemporaryDirectory() as folder:
        slack = await slack_fan_out("Slack", f"sqlite+aiosqlite:///{folder}/s.db", 1)
    base = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("TEST_DATABASE_URL")
    if base:
        async with fresh_postgres(base) as url:
            found.append(await fan_out("2 replicas, PostgreSQL", url, 2))
    return found, slack.seconds


def _rows(f: Figures) -> list[str]:
    ratio = f.seconds / f.required
    share = f.limited / f.calls if f.calls else 0.0
    once = f.per_conversation == (1, 1)
    most = LIMITS.tenant_per_second
    cpu_ms, one_core = f.cpu_seconds / CONVERSATIONS * 1000, 1000 / BUDGET
    return [
        f"| {f.label}: wall time | {f.seconds:.1f} s | {f.required:.1f} s | {ratio:.2f} "
        f"| <= 1.1 | {'yes' if ratio <= 1.1 else 'no'} |",
        f"| {f.label}: 429 share | {share:.2%} ({f.limited} of {f.calls}; "
        f"{f.limited_by_thread} for a conversation's limit) | 0 | - "
        f"| < 1% | {'yes' if share < 0.01 else 'no'} |",
        f"| {f.label}: posts per conversation | {f.per_conversation[0]}-"
        f"{f.per_conversation[1]} | 1 | - | exactly 1 | {'yes' if once else 'no'} |",
        f"| {f.label}: most calls in any 1 s (429s included) | {f.peak} | {most} "
        f"| {f.peak / most:.2f} | - | - |",
        f"| {f.label}: app CPU per post (all replicas) | {cpu_ms:.1f} ms | {one_core:.1f} ms "
        f"(one core at {most}/s) | {cpu_ms / one_core:.2f} | - | - |",
    ]


def run() -> str:
    found, slack = asyncio.run(_measure())
    lines = [
        "## Teams fan-out at the rate limit (`bench/teams_fanout.py`)",
        "",
        f"{CONVERSATIONS} Teams channels ({TEAMS} teams of {CHANNELS_PER_TEAM}, one tenant) "
        "with a check-in due at the same minute, posted by real app processes with Teams only "
        "(their start-up sweep, local testing mode) to a fake Bot Connector on loopback that "
        "enforces the limits Microsoft documents (tests/fakes/teams_rate_limits.py): "
        f"{LIMITS.tenant_per_second} requests a second per app and tenant, every call counted, "
        "and per conversation 7 sends in 1 s, 8 in 2 s, 60 in 30 s and 1,800 in an hour, as "
        "sliding windows, answering 429 with Retry-After beyond them. One round each: one "
        "replica on SQLite, and two replicas sharing a PostgreSQL database when "
        "TEST_DATABASE_URL or BENCH_DATABASE_URL is set. The baseline is the time the tenant "
        "limit itself requires (conversations / requests a second); the wall time runs from "
        "the first call to the connector to the last channel posted; the fake runs in the "
        "benchmark's own process. Slack's fan-out of as many channels at the same budget, "
        "run between the two rounds, shows how much the machine's load alone costs.",
        "",
        "| measure | figure | baseline (same run) | ratio | target | met |",
        "|---|---|---|---|---|---|",
    ]
    for figures in found:
        lines += _rows(figures)
    required = CONVERSATIONS / BUDGET
    lines.append(
        f"| for reference, Slack's fan-out (bench/fanout.py, 1 replica, SQLite, same run) "
        f"| {slack:.1f} s | {required:.1f} s | {slack / required:.2f} | - | - |"
    )
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    print(run())
