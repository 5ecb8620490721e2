"""Resident memory and start time of the real app, against a bare Bolt app.

`python -m bench.footprint` writes 1,000 schedules and eight weeks of closed check-ins into a
fresh SQLite database through the app's own migrations and repositories, then starts the real
app on it (`python app.py`) and the bare app (`python -m bench.bare_bolt`) as processes beside a
fake Slack. Start: spawn to the first `/healthz` 200, best of three. Memory: VmRSS of
/proc/<pid>/status right after start, and after a supervisor's `/pulse` and `/pulse chart`.
"""

import asyncio
import re
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, time, timedelta
from pathlib import Path

from bench.processes import ROOT, Server, free_port, start_server
from bootstrap import MIGRATIONS
from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.ledger import answer_times

SECRET = "bench-signing-secret-0123456789abcdef"
SUPERVISOR = "U0SUPER"
TEAM = "C0TEAM"
SCHEDULES = 1000
WEEKS = 8
STARTS = 2
RSS_TARGET_MB = 120.0
START_TARGET_S = 1.5


async def _fill(database_url: str) -> None:
    """1,000 check-in schedules over 1,000 channels; WEEKS weeks of answered check-ins."""
    engine = create_engine(database_url)
    await upgrade(engine, MIGRATIONS)
    sessions = create_session_factory(engine)
    workspace = WorkspaceRef("slack", "T0AGENCY")
    now = datetime.now(UTC)
    async with SqlUnitOfWork(sessions) as uow:
        for n in range(SCHEDULES):
            recurrence = Recurrence(frozenset({0, 2, 4}), time(9, n % 60), "America/Chicago")
            await uow.schedules.add(
                Schedule(
                    f"sched-{n:04d}",
                    workspace,
                    ScheduleKind.CHECKIN,
                    recurrence,
                    SUPERVISOR,
                    now,
                    conversation=f"C{n:07d}",
                )
            )
        checkins = []
        for week in range(WEEKS):
            posted = now - timedelta(weeks=WEEKS - week, hours=1)
            checkin = Checkin(f"chk-{week}", workspace, TEAM, posted, posted + timedelta(hours=8))
            await uow.checkins.add(checkin)
            checkins.append(checkin)
        await uow.commit()
    for checkin in checkins:
        for level in PulseLevel:
            await answer_times(engine, checkin, level, 2)
    async with SqlUnitOfWork(sessions) as uow:
        for checkin in checkins:
            await uow.checkins.close(checkin.id)
        await uow.commit()
    await engine.dispose()


async def _start(args: list[str], env: dict[str, str], folder: Path = ROOT) -> tuple[Server, float]:
    """A running server and its best start time of STARTS (the others are stopped)."""
    times = []
    for _ in range(STARTS - 1):
        server = await start_server(args, env, free_port(), folder)
        times.append(server.started_in)
        server.stop()
    server = await start_server(args, env, free_port(), folder)
    return server, min([*times, server.started_in])


async def _measure(folder: Path, checkout: Path = ROOT) -> dict[str, tuple[float, float]]:
    """measure -> (the app's figure, the bare app's); the app from `checkout`."""
    database_url = f"sqlite+aiosqlite:///{folder / 'footprint.db'}"
    await _fill(database_url)
    fake = FakeSlack()
    await fake.start()
    fake.members[TEAM] = [SUPERVISOR]
    env = {
        "SLACK_BOT_TOKEN": "xoxb-bench",
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PULSE_SECRET": "bench-pulse-secret-0123456789abcdef-0123456789",
        "HOST": "127.0.0.1",
        "METRICS_PORT": "0",
        "LOG_LEVEL": "WARNING",
        "SUPERVISOR_USER_IDS": SUPERVISOR,
    }
    try:
        app, app_start = await _start(["app.py"], env, checkout)
        try:
            app_rss_start = app.rss_mb()
            slack = SignedSlackClient(app.url, SECRET, fake)
            await slack.command("/pulse", "", user_id=SUPERVISOR, channel_id=TEAM)
            await slack.command("/pulse", "chart", user_id=SUPERVISOR, channel_id=TEAM)
            await fake.wait_for("files.completeUploadExternal", timeout=60)
            await fake.wait_for_response_posts(2, timeout=60)
            await slack.close()
            app_rss_served = app.rss_mb()
        finally:
            app.stop()
        bare, bare_start = await _start(["-m", "bench.bare_bolt"], env)
        try:
            bare_rss = bare.rss_mb()
        finally:
            bare.stop()
    finally:
        await fake.stop()
    return {
        "start": (app_start, bare_start),
        "rss start": (app_rss_start, bare_rss),
        "rss served": (app_rss_served, bare_rss),
    }


# The heavy libraries, and when the app loads each (checked against `import app` below).
HEAVY = {
    "sqlalchemy": "at start: the database",
    "aiohttp": "at start: the HTTP server and client",
    "slack_bolt.async_app": "at start: Slack (with slack_sdk)",
    "pydantic_settings": "at start: the settings (with pydantic)",
    "prometheus_client": "at start: the metrics",
    "yaml": "at start: the prompt catalogue",
    "apscheduler": "at start: the scheduler",
    "cryptography.fernet": "at start: sealed tokens",
    "aiosqlite": "at the first connection, SQLite only",
    "asyncpg": "at the first connection, PostgreSQL only",
    "alembic.command": "deferred (this change): only when the schema is behind head",
    "opendp.prelude": "deferred (this change): at the first noisy draw, PULSE_PRIVACY=dp",
    "PIL.Image": "deferred (before): at the first chart",
    "microsoft_teams.apps": "deferred (before): only when Teams is on",
    "jinja2": "deferred (before): the playground's pages only",
}
IMPORT = re.compile(r"import time:\s+\d+ \|\s+(\d+) \|( *)(\S+)")


def _imports() -> list[tuple[str, float | None, float, str]]:
    """Each heavy library: its import time within `import app` (None: not imported there),
    the memory it takes alone in a fresh interpreter, and when the app loads it."""
    traced = subprocess.run(
        [sys.executable, "-X", "importtime", "-c", "import app"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stderr
    first: dict[str, float] = {}
    for line in traced.splitlines():
        if (match := IMPORT.match(line)) and match[3] not in first:
            first[match[3]] = int(match[1]) / 1000
    rows = []
    for name, when in HEAVY.items():
        # VmRSS, not ru_maxrss: a child's peak starts at its parent's.
        probe = (
            "from pathlib import Path\n"
            "def rss(): return int(Path('/proc/self/status').read_text()"
            ".split('VmRSS:')[1].split()[0])\n"
            f"before = rss()\nimport {name}\nprint(rss() - before)"
        )
        alone = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
        )
        rows.append((name, first.get(name), int(alone.stdout) / 1024, when))
    return rows


def _import_table(rows: list[tuple[str, float | None, float, str]]) -> list[str]:
    lines = [
        "The biggest imports (`python -X importtime -c 'import app'`: each library's import"
        " time including what it imports first; memory: the resident size it adds alone to a"
        " fresh interpreter, shared dependencies counted in each):",
        "",
        "| library | import time within `import app` | memory alone | when the app loads it |",
        "| --- | --- | --- | --- |",
    ]
    for name, took, memory, when in sorted(rows, key=lambda row: -(row[1] or 0)):
        shown = "not imported" if took is None else f"{took:.0f} ms"
        lines.append(f"| {name} | {shown} | {memory:.1f} MB | {when} |")
    return lines


async def _run() -> str:
    imports = _imports()
    with tempfile.TemporaryDirectory() as folder:
        found = await _measure(Path(folder))
    start, rss_start, rss_served = found["start"], found["rss start"], found["rss served"]

    def row(measure: str, figures: tuple[float, float], unit: str, target: float | None) -> str:
        app, bare = figures
        goal = "-" if target is None else f"<= {target:g} {unit}"
        met = "-" if target is None else ("yes" if app <= target else "no")
        ratio = app / bare
        return (
            f"| {measure} | {app:.2f} {unit} | {bare:.2f} {unit} | {ratio:.2f} | {goal} | {met} |"
        )

    lines = [
        "## Footprint (`python -m bench.footprint`)",
        "",
        f"A fresh SQLite database holds {SCHEDULES:,} check-in schedules (one per channel) and"
        f" {WEEKS} weeks of answered, closed check-ins, written through the migrations and"
        " repositories. The real app (`python app.py`) and the bare Bolt app"
        " (`python -m bench.bare_bolt`) start as processes beside a fake Slack on loopback."
        f" Start: spawn to the first `/healthz` 200, best of {STARTS}. Memory: VmRSS from"
        " /proc/<pid>/status right after start, and after a supervisor's `/pulse` and"
        " `/pulse chart` (the chart drawn and uploaded). Baseline: the bare app, same run.",
        "",
        "| measure | figure | baseline (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
        row("start to healthy", start, "s", START_TARGET_S),
        row("resident memory after start", rss_start, "MB", None),
        row("resident memory after a summary and a chart", rss_served, "MB", RSS_TARGET_MB),
        "",
        *_import_table(imports),
    ]
    return "\n".join(lines) + "\n"


async def _compare(checkouts: list[Path]) -> str:
    """Each checkout's app in turn (and the bare app with each), all in this run."""
    lines = [
        "| checkout | start | RSS after start | RSS after summary and chart"
        " | bare start | bare RSS |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for checkout in checkouts:
        with tempfile.TemporaryDirectory() as folder:
            found = await _measure(Path(folder), checkout)
        (start, bare_start), (rss, bare_rss) = found["start"], found["rss start"]
        served = found["rss served"][0]
        lines.append(
            f"| {checkout.name} | {start:.2f} s | {rss:.1f} MB | {served:.1f} MB"
            f" | {bare_start:.2f} s | {bare_rss:.1f} MB |"
        )
    return "\n".join(lines)


def run() -> str:
    return asyncio.run(_run())


if __name__ == "__main__":
    # `python -m bench.footprint DIR...`: compare checkouts of this project (one per change).
    checkouts = [Path(arg).resolve() for arg in sys.argv[1:]]
    print(asyncio.run(_compare(checkouts)) if checkouts else run())
