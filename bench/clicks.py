"""What a pulse click costs the real app, against a bare Bolt app that only acks it.

`python -m bench.clicks` starts the real app (`python app.py`) and the bare app
(`python -m bench.bare_bolt`) as processes beside one fake Slack, posts a check-in through the
real app, then sends signed pulse clicks from distinct members in bursts of 50 and of 200 at
once. Latency is the time to each HTTP answer; CPU is the process's CPU time (/proc) across the
bursts, the work after the ack (counting, the private reply to Slack) included, per click.
"""

import asyncio
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import aiohttp

from bench.processes import ROOT, Server, free_port, start_server
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import Reply, SignedSlackClient, sign
from tests.support.clicks import level_buttons
from tests.support.databases import fresh_postgres, postgres_base_url

SECRET = "bench-signing-secret-0123456789abcdef"
TOKEN = "xoxb-bench"
SUPERVISOR = "U0SUPER"
BURSTS = {50: 10, 200: 3}  # concurrency -> bursts: 500 and 600 clicks
HELP_BURSTS = 2  # of 200 /checkin help each
WARM_UP = 40
PROFILED = (50, 4)  # concurrency, bursts for the stage profile
# Everyone who clicks or asks for help, members of the team's channel from the start.
TEAM_SIZE = WARM_UP + sum(s * b for s, b in BURSTS.items()) + 200 * HELP_BURSTS


class TimedSlack(SignedSlackClient):
    """Slack's side, timing each request from the first byte sent to the whole answer."""

    def __init__(self, app_url: str, fake: FakeSlack, session: aiohttp.ClientSession) -> None:
        super().__init__(app_url, SECRET, fake)
        self._timed = session
        self.samples: list[float] = []

    async def raw(self, body: bytes, content_type: str, **_: Any) -> Reply:
        headers = {"Content-Type": content_type, **sign(body, SECRET, int(time.time()))}
        start = time.perf_counter()
        async with self._timed.post(
            self.app_url + "/slack/events", data=body, headers=headers
        ) as r:
            reply = Reply(r.status, await r.text(), dict(r.headers))
        self.samples.append(time.perf_counter() - start)
        if reply.status != 200:
            raise RuntimeError(f"the app answered {reply.status}")
        return reply


@dataclass
class Figures:
    cpu_ms: float  # per click
    p50_ms: float
    p99_ms: float


def _figures(samples: list[float], cpu_seconds: float, clicks: int) -> Figures:
    p99 = statistics.quantiles(samples, n=100)[98]
    return Figures(cpu_seconds * 1000 / clicks, statistics.median(samples) * 1000, p99 * 1000)


class Bench:
    """One fake Slack, the people in the team's channel, and the check-in they answer."""

    def __init__(self, fake: FakeSlack, session: aiohttp.ClientSession) -> None:
        self.fake, self.session = fake, session
        self._fresh = (f"U{n:07d}" for n in range(10**7))
        self._team: Iterator[str] = iter(())
        self._teams = (f"C{n:07d}" for n in range(10**7))
        self.channel = ""
        self.post: ApiCall | None = None

    def person(self) -> str:
        """The next member of the team who has not clicked yet (anyone, once all have)."""
        return next(self._team, None) or next(self._fresh)

    async def open_checkin(self, app: Server) -> None:
        """A new team channel whose members are everyone who will click, and its check-in."""
        self.channel = next(self._teams)
        team = [next(self._fresh) for _ in range(TEAM_SIZE)]
        self.fake.members[self.channel] = [SUPERVISOR, *team]
        self._team = iter(team)
        slack = TimedSlack(app.url, self.fake, self.session)
        before = len(self.fake.calls_to("chat.postMessage"))
        await slack.command("/checkin", "now", user_id=SUPERVISOR, channel_id=self.channel)
        self.post = (await self.fake.wait_for("chat.postMessage", before + 1, timeout=30))[-1]

    async def clicks(self, app: Server, per_burst: int, bursts: int, answered: bool) -> Figures:
        """`bursts` bursts of `per_burst` clicks at once; each burst's replies awaited."""
        assert self.post is not None
        action_id, value = level_buttons(self.post)["middle"]
        message, ts = self.post.response["message"], self.post.response["ts"]
        slack = TimedSlack(app.url, self.fake, self.session)

        async def burst() -> None:
            people = [self.person() for _ in range(per_burst)]
            before = len(self.fake.response_posts)
            await asyncio.gather(
                *(
                    slack.block_action(
                        action_id,
                        value,
                        user_id=p,
                        channel_id=self.channel,
                        message_ts=ts,
                        message=message,
                    )
                    for p in people
                )
            )
            if answered:  # the private replies, sent after the ack
                await self.fake.wait_for_response_posts(before + per_burst, timeout=60)
            await asyncio.sleep(0.05)

        return await _measured(app, slack, burst, bursts, per_burst)

    async def help_commands(self, app: Server, per_burst: int, bursts: int) -> Figures:
        slack = TimedSlack(app.url, self.fake, self.session)

        async def burst() -> None:
            await asyncio.gather(
                *(
                    slack.command("/checkin", "help", user_id=self.person())
                    for _ in range(per_burst)
                )
            )
            await asyncio.sleep(0.05)

        return await _measured(app, slack, burst, bursts, per_burst)


async def _measured(
    app: Server, slack: TimedSlack, burst: Callable[[], Awaitable[None]], bursts: int, size: int
) -> Figures:
    cpu = app.cpu_seconds()
    for _ in range(bursts):
        await burst()
    return _figures(slack.samples, app.cpu_seconds() - cpu, bursts * size)


def _app_env(fake: FakeSlack, database_url: str) -> dict[str, str]:
    return {
        "SLACK_BOT_TOKEN": TOKEN,
        "SLACK_SIGNING_SECRET": SECRET,
        "SLACK_API_URL": fake.api_url,
        "DATABASE_URL": database_url,
        "PULSE_SECRET": "bench-pulse-secret-0123456789abcdef-0123456789",
        "HOST": "127.0.0.1",
        "METRICS_PORT": "0",
        "LOG_LEVEL": "WARNING",
        "SUPERVISOR_USER_IDS": SUPERVISOR,
    }


@asynccontextmanager
async def _running(
    args: list[str], env: dict[str, str], folder: Path = ROOT
) -> AsyncIterator[Server]:
    server = await start_server(args, env, free_port(), folder)
    try:
        yield server
    finally:
        server.stop()


@asynccontextmanager
async def _slack() -> AsyncIterator[Bench]:
    fake = FakeSlack()
    await fake.start()
    connector = aiohttp.TCPConnector(limit=0)
    try:
        async with aiohttp.ClientSession(connector=connector) as session:
            yield Bench(fake, session)
    finally:
        await fake.stop()


@dataclass
class Measured:
    app: dict[str, Figures]
    bare: dict[str, Figures]


async def _all_bursts(bench: Bench, server: Server, answered: bool) -> dict[str, Figures]:
    figures = {}
    await bench.clicks(server, 10, WARM_UP // 10, answered=answered)
    for size, bursts in BURSTS.items():
        figures[f"click {size}"] = await bench.clicks(server, size, bursts, answered=answered)
    figures["help 200"] = await bench.help_commands(server, 200, HELP_BURSTS)
    return figures


async def measure(database_url: str, folder: Path = ROOT) -> Measured:
    """The real app (from `folder`) on `database_url`, then the bare app, same bursts."""
    async with _slack() as bench:
        env = _app_env(bench.fake, database_url)
        async with _running(["app.py"], env, folder) as app:
            await bench.open_checkin(app)
            app_figures = await _all_bursts(bench, app, answered=True)
        async with _running(["-m", "bench.bare_bolt"], env) as bare:
            bare_figures = await _all_bursts(bench, bare, answered=False)
    return Measured(app_figures, bare_figures)


# Where the event loop's thread spends a click's time, by the file a function lives in.
COMPONENTS = (
    ("our code (bot/, handlers/, prompts/)", ("/bot/", "/handlers/", "/prompts/")),
    ("Bolt (slack_bolt)", ("/slack_bolt/",)),
    ("slack_sdk (Block Kit models, respond)", ("/slack_sdk/",)),
    ("SQLAlchemy", ("/sqlalchemy/",)),
    ("database driver (aiosqlite, asyncpg)", ("/aiosqlite/", "/asyncpg/")),
    ("aiohttp (server, client)", ("/aiohttp/", "/multidict/", "/yarl/")),
    ("asyncio event loop", ("/asyncio/",)),
    ("body parsing (json, urllib)", ("/json/", "/urllib/")),
)


def _by_component(stats: pstats.Stats) -> dict[str, float]:
    totals = dict.fromkeys([label for label, _ in COMPONENTS] + ["everything else"], 0.0)
    table: dict[Any, Any] = stats.stats  # type: ignore[attr-defined]
    for (filename, _line, function), entry in table.items():
        if "epoll" in function:  # waiting, not working
            continue
        label = next(
            (name for name, parts in COMPONENTS if any(p in filename for p in parts)),
            "everything else",
        )
        totals[label] += entry[2]
    return totals


async def _profiled(database_url: str, size: int, bursts: int) -> dict[str, float]:
    with tempfile.TemporaryDirectory() as folder:
        out = Path(folder) / "clicks.prof"
        async with _slack() as bench:
            env = _app_env(bench.fake, database_url)
            args = ["-m", "cProfile", "-o", str(out), "app.py"]
            async with _running(args, env) as app:
                await bench.open_checkin(app)
                await bench.clicks(app, 10, 1, answered=True)
                if bursts:
                    await bench.clicks(app, size, bursts, answered=True)
        return _by_component(pstats.Stats(str(out)))


async def profile_stages(folder: Path) -> list[tuple[str, float]]:
    """Own time per click of each component: a profiled run with clicks minus one without
    (start, check-in and ten clicks in both), on SQLite."""
    size, bursts = PROFILED
    without = await _profiled(f"sqlite+aiosqlite:///{folder / 'without.db'}", size, 0)
    with_clicks = await _profiled(f"sqlite+aiosqlite:///{folder / 'with.db'}", size, bursts)
    clicks = size * bursts
    return [(label, (with_clicks[label] - without[label]) * 1000 / clicks) for label in without]


def _row(measure: str, figure: float, base: float, target: float | None) -> str:
    ratio = figure / base
    goal, met = (
        ("-", "-") if target is None else (f"<= {target:g}x", "yes" if ratio <= target else "no")
    )
    return f"| {measure} | {figure:.2f} ms | {base:.2f} ms | {ratio:.2f} | {goal} | {met} |"


def _rows(kind: str, measured: Measured) -> Iterator[str]:
    for size in BURSTS:
        app, bare = measured.app[f"click {size}"], measured.bare[f"click {size}"]
        yield _row(f"{kind}: CPU per click, bursts of {size}", app.cpu_ms, bare.cpu_ms, 4)
        yield _row(f"{kind}: click p50, {size} at once", app.p50_ms, bare.p50_ms, 1.5)
        yield _row(f"{kind}: click p99, {size} at once", app.p99_ms, bare.p99_ms, 2)
    app, bare = measured.app["help 200"], measured.bare["help 200"]
    yield _row(f"{kind}: `/checkin help` p50, 200 at once", app.p50_ms, bare.p50_ms, None)
    yield _row(f"{kind}: `/checkin help` p99, 200 at once", app.p99_ms, bare.p99_ms, None)


async def _run() -> str:
    clicks = sum(size * bursts for size, bursts in BURSTS.items())
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{Path(folder) / 'clicks.db'}"
        results = [("SQLite", await measure(sqlite))]
        stages = await profile_stages(Path(folder))
    if (base := postgres_base_url()) is not None:
        async with fresh_postgres(base) as url:
            results.append(("PostgreSQL", await measure(url)))
    databases = " and ".join(name for name, _ in results)
    lines = [
        "## What a pulse click costs (`python -m bench.clicks`)",
        "",
        f"The real app (`python app.py`, {databases}) and a bare slack-bolt async app that only"
        " acks (`python -m bench.bare_bolt`, Bolt's aiohttp adapter, acking inline) each run as"
        " their own process beside one fake Slack on loopback. A check-in is posted through the"
        f" real app; then signed pulse clicks from distinct channel members arrive in bursts"
        f" ({', '.join(f'{b} bursts of {s}' for s, b in BURSTS.items())}; {clicks} clicks per app"
        f" after {WARM_UP} warm-up clicks), each burst's private replies awaited before the next;"
        f" then {HELP_BURSTS} bursts of 200 `/checkin help`. Latency: sending to the whole HTTP"
        " answer. CPU: the process's user+system time (/proc) across the bursts divided by the"
        " clicks, the counting and the reply to Slack after the ack included.",
        "",
        "| measure | figure | baseline (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, measured in results:
        lines.extend(_rows(name, measured))
    lines += [
        "",
        f"Where a click's time goes: the real app under cProfile on SQLite, {PROFILED[1]} bursts"
        f" of {PROFILED[0]}, minus a profiled run without them; own time per click on the event"
        " loop's thread, by where the code lives (inflated by the profiler; SQLite's own work"
        " runs on aiosqlite's thread and is not in it):",
        "",
        "| component | ms per click |",
        "| --- | --- |",
        *(f"| {label} | {ms:.3f} |" for label, ms in stages),
    ]
    return "\n".join(lines) + "\n"


async def _compare(folders: list[Path]) -> str:
    """Each checkout's app in turn, on SQLite, against one bare app, all in this run."""
    lines = [
        "| checkout | CPU per click (50) | p50 (50) | p99 (50) | p50 (200) | p99 (200) |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    with tempfile.TemporaryDirectory() as scratch:
        async with _slack() as bench:
            figures = {}
            for n, folder in enumerate(folders):
                env = _app_env(bench.fake, f"sqlite+aiosqlite:///{Path(scratch) / f'{n}.db'}")
                async with _running(["app.py"], env, folder) as app:
                    await bench.open_checkin(app)
                    figures[folder.name] = await _all_bursts(bench, app, answered=True)
            async with _running(["-m", "bench.bare_bolt"], env) as bare:
                figures["bare Bolt app"] = await _all_bursts(bench, bare, answered=False)
    for name, found in figures.items():
        at50, at200 = found["click 50"], found["click 200"]
        lines.append(
            f"| {name} | {at50.cpu_ms:.2f} ms | {at50.p50_ms:.1f} ms | {at50.p99_ms:.1f} ms"
            f" | {at200.p50_ms:.1f} ms | {at200.p99_ms:.1f} ms |"
        )
    return "\n".join(lines)


def run() -> str:
    return asyncio.run(_run())


if __name__ == "__main__":
    # `python -m bench.clicks DIR...`: compare checkouts of this project (one per change).
    folders = [Path(arg).resolve() for arg in sys.argv[1:]]
    print(asyncio.run(_compare(folders)) if folders else run())
