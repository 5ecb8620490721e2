"""How many pulse clicks a second one replica sustains before click p99 passes 1 s.

`python -m bench.throughput` starts the real app (`python app.py`) beside one fake Slack and
sends it signed pulse clicks open-loop: at a fixed rate, each on its own schedule, whether or
not the earlier ones were answered. Each step lasts STEP_SECONDS with a new check-in and a
new channel of members; the rate goes up by RATE_FACTOR until click p99 passes 1 s or an
error appears (an HTTP error, or a private reply saying the answer was not counted). Latency
runs from when a click was due (not when it got out) to its whole HTTP answer. One replica on
SQLite, one on PostgreSQL, two on PostgreSQL sharing the load; the bare Bolt app that only
acks (bench/bare_bolt.py) is stepped the same way, in the same run, as the baseline.

The load generator and the fake Slack run in this process, on the same 2 cores as the app
(and PostgreSQL): their CPU is measured too, so the figures say what the app had left.
"""

import asyncio
import json
import os
import statistics
import tempfile
import time
from collections.abc import AsyncIterator, Sequence
from contextlib import AsyncExitStack, asynccontextmanager, suppress
from dataclasses import dataclass
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs

import aiohttp

from bench.clicks import SECRET, SUPERVISOR, _app_env
from bench.processes import Server, free_port, start_server
from prompts import load_catalog
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import Reply, SignedSlackClient, sign
from tests.support.clicks import level_buttons
from tests.support.databases import fresh_postgres, postgres_base_url

RATES_FROM, RATE_FACTOR, RATE_CAP = 30.0, 1.5, 800.0
STEP_SECONDS = 3.0
P99_LIMIT = 1.0  # seconds
REPLIES_WAIT = 5.0  # seconds for a step's private replies after its last click
TEAMS = 10  # check-ins open at once in a step; a county's teams answer together
LEVELS = 4
FAILED_REPLIES = ("pulse.not_counted", "pulse.try_again")


@dataclass
class Step:
    rate: float
    sent: int
    p50_ms: float
    p99_ms: float
    reply_p99_ms: float  # to the private reply on Slack (0 for the bare app, which sends none)
    errors: int
    app_cores: float  # the app processes' CPU over the step, in cores
    load_cores: float  # this process's (load generator and fake Slack)

    @property
    def held(self) -> bool:
        limit = P99_LIMIT * 1000
        return self.errors == 0 and self.p99_ms <= limit and self.reply_p99_ms <= limit


Team = tuple[str, ApiCall, list[str]]  # channel, check-in post, members


class Recorder(SignedSlackClient):
    """Builds a click's body as Slack would send it, without sending it."""

    bodies: list[tuple[bytes, str]]

    async def raw(self, body: bytes, content_type: str, **_: Any) -> Reply:
        self.bodies.append((body, content_type))
        return Reply(200, "", {})


class Load:
    """The fake Slack, one HTTP session, and a fresh channel with a check-in for each step."""

    def __init__(
        self, fake: FakeSlack, session: aiohttp.ClientSession, template: ApiCall | None
    ) -> None:
        self.fake, self.session = fake, session
        # The bare app posts no check-in: its clicks are on the real app's last one.
        self.template = template
        self._ids = count()
        failed = load_catalog()
        self._failed = {failed.text(key) for key in FAILED_REPLIES}

    async def checkin(self, app: Server, people: int) -> Team:
        channel = f"C{next(self._ids):07d}"
        members = [f"U{next(self._ids):08d}" for _ in range(people)]
        self.fake.members[channel] = [SUPERVISOR, *members]
        slack = SignedSlackClient(app.url, SECRET, self.fake)
        before = len(self.fake.calls_to("chat.postMessage"))
        await slack.command("/checkin", "now", user_id=SUPERVISOR, channel_id=channel)
        await slack.close()
        post = (await self.fake.wait_for("chat.postMessage", before + 1, timeout=30))[-1]
        return channel, post, members

    async def bodies(self, teams: list[Team]) -> list[tuple[bytes, str]]:
        """Each click's body (the teams' members in turn, the levels in turn), and the key of
        the response_url it carries."""
        recorder = Recorder("http://unused", SECRET, self.fake)
        recorder.bodies = []
        for n in range(max(len(members) for _, _, members in teams) * len(teams)):
            channel, post, members = teams[n % len(teams)]
            if (person := n // len(teams)) >= len(members):
                continue
            action_id, value = list(level_buttons(post).values())[n % LEVELS]
            message, ts = post.response["message"], post.response["ts"]
            await recorder.block_action(
                action_id,
                value,
                user_id=members[person],
                channel_id=channel,
                message_ts=ts,
                message=message,
            )
        await recorder.close()
        return [(body, _response_key(body)) for body, _ in recorder.bodies]

    async def step(self, apps: Sequence[Server], rate: float, answered: bool) -> Step:
        """STEP_SECONDS of clicks at `rate` a second, spread over `apps` in turn."""
        people = round(rate * STEP_SECONDS)
        sizes = [len(part) for part in _split(range(people), TEAMS)]
        if answered:
            teams = [await self.checkin(apps[0], size) for size in sizes]
            self.template = teams[-1][1]
        else:
            assert self.template is not None, "the real app runs first"
            teams = [
                (f"C{next(self._ids):07d}", self.template, [f"U{next(self._ids):08d}"] * size)
                for size in sizes
            ]
        bodies = await self.bodies(teams)
        replies_before = len(self.fake.response_posts)
        latencies: list[float] = []
        dues: dict[str, float] = {}
        arrivals = asyncio.ensure_future(self._arrivals(replies_before, people))
        errors = 0
        cpu = [app.cpu_seconds() for app in apps]
        own, began = time.process_time(), time.perf_counter()

        async def click(n: int, due: float) -> None:
            nonlocal errors
            (body, key), app = bodies[n], apps[n % len(apps)]
            dues[key] = due
            headers = {
                "Content-Type": "application/x-www-form-urlencoded",
                **sign(body, SECRET, int(time.time())),
            }
            try:
                async with self.session.post(
                    app.url + "/slack/events", data=body, headers=headers
                ) as reply:
                    await reply.read()
                    errors += reply.status != 200
            except aiohttp.ClientError:
                errors += 1
            latencies.append(time.perf_counter() - due)

        sending = []
        for n in range(people):
            due = began + n / rate
            if (wait := due - time.perf_counter()) > 0:
                await asyncio.sleep(wait)
            sending.append(asyncio.ensure_future(click(n, due)))
        await asyncio.gather(*sending)
        if answered:
            errors += await self._failed_replies(replies_before, people)
        arrived = await _stopped(arrivals)
        reply_lags = [at - dues[key] for key, at in arrived.items() if key in dues]
        elapsed = time.perf_counter() - began
        app_cpu = sum(app.cpu_seconds() for app in apps) - sum(cpu)
        p99 = statistics.quantiles(latencies, n=100)[98]
        return Step(
            rate,
            people,
            statistics.median(latencies) * 1000,
            p99 * 1000,
            statistics.quantiles(reply_lags, n=100)[98] * 1000 if len(reply_lags) > 1 else 0.0,
            errors,
            app_cpu / elapsed,
            (time.process_time() - own) / elapsed,
        )

    async def _arrivals(self, before: int, expected: int) -> dict[str, float]:
        """When each private reply of the step reached the fake (looked at every 5 ms)."""
        arrived: dict[str, float] = {}
        seen = before
        try:
            while len(arrived) < expected:
                posts = self.fake.response_posts
                for post in posts[seen:]:
                    arrived[post.key] = time.perf_counter()
                seen = len(posts)
                await asyncio.sleep(0.005)
        except asyncio.CancelledError:
            pass
        return arrived

    async def _failed_replies(self, before: int, expected: int) -> int:
        """Private replies saying the answer was not counted; a missing reply counts too."""
        with suppress(AssertionError):  # missing ones are counted below
            await self.fake.wait_for_response_posts(before + expected, timeout=REPLIES_WAIT)
        replies = self.fake.response_posts[before:]
        failed = sum(str(post.body.get("text")) in self._failed for post in replies)
        return failed + max(0, expected - len(replies))


def _split(items: range, parts: int) -> list[range]:
    return [items[n::parts] for n in range(parts)]


async def _stopped(task: "asyncio.Future[dict[str, float]]") -> dict[str, float]:
    if not task.done():
        task.cancel()
    return await task


def _response_key(body: bytes) -> str:
    payload = json.loads(parse_qs(body.decode())["payload"][0])
    return str(payload["response_url"]).rsplit("/", 1)[1]


async def ramp(load: Load, apps: Sequence[Server], answered: bool) -> list[Step]:
    """Steps at rising rates until one does not hold (or the cap)."""
    steps, rate = [], RATES_FROM
    while rate <= RATE_CAP:
        steps.append(await load.step(apps, rate, answered))
        if not steps[-1].held:
            break
        rate = round(rate * RATE_FACTOR)
    return steps


@asynccontextmanager
async def _load(template: ApiCall | None) -> AsyncIterator[Load]:
    fake = FakeSlack()
    await fake.start()
    try:
        async with aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=0)) as session:
            yield Load(fake, session, template)
    finally:
        await fake.stop()


async def _run_apps(
    args: list[str], database_url: str, replicas: int, template: ApiCall | None = None
) -> tuple[list[Step], ApiCall | None]:
    """The steps, and the last check-in posted (for the bare app's clicks)."""
    async with _load(template) as load, AsyncExitStack() as stack:
        env = _app_env(load.fake, database_url)
        apps = []
        for _ in range(replicas):
            server = await start_server(args, env, free_port())
            stack.callback(server.stop)
            apps.append(server)
        return await ramp(load, apps, answered=args == ["app.py"]), load.template


def _held(steps: list[Step]) -> float:
    held = [step.rate for step in steps if step.held]
    return max(held, default=0.0)


def _table(name: str, steps: list[Step]) -> list[str]:
    lines = [
        f"**{name}**",
        "",
        "| clicks/s | clicks | p50 | p99 | reply p99 | errors | app CPU (cores)"
        " | load and fake CPU (cores) | held |",
        "| --- | --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {s.rate:g} | {s.sent} | {s.p50_ms:.0f} ms | {s.p99_ms:.0f} ms"
        f" | {s.reply_p99_ms:.0f} ms | {s.errors}"
        f" | {s.app_cores:.2f} | {s.load_cores:.2f} | {'yes' if s.held else 'no'} |"
        for s in steps
    ]
    return [*lines, ""]


async def _run() -> str:
    runs: list[tuple[str, list[Step]]] = []
    with tempfile.TemporaryDirectory() as folder:
        sqlite = f"sqlite+aiosqlite:///{Path(folder) / 'throughput.db'}"
        steps, post = await _run_apps(["app.py"], sqlite, 1)
        runs.append(("1 replica, SQLite", steps))
    if (base := postgres_base_url()) is not None:
        for replicas in (1, 2):
            async with fresh_postgres(base) as url:
                steps, _ = await _run_apps(["app.py"], url, replicas)
            runs.append((f"{replicas} replica{'s' * (replicas > 1)}, PostgreSQL", steps))
    bare, _ = await _run_apps(["-m", "bench.bare_bolt"], "sqlite://", 1, post)
    ceiling = _held(bare)
    capped = " (the highest rate tried)" if ceiling and bare[-1].held else ""
    lines = [
        "## Clicks a second one replica sustains (`python -m bench.throughput`)",
        "",
        f"Open-loop load: signed pulse clicks at a fixed rate, each sent when due whether or not"
        f" the earlier ones were answered, in steps of {STEP_SECONDS:g} s, each with {TEAMS} new"
        " check-ins in new channels (the teams in turn, the four levels in turn); the rate"
        f" starts at {RATES_FROM:g}/s and grows {RATE_FACTOR:g}x"
        f" a step until click p99 passes {P99_LIMIT:g} s (the HTTP answer, and the private reply"
        " the app posts after counting) or an error appears (an HTTP error, a private reply"
        f" saying the answer was not counted, or none within {REPLIES_WAIT:g} s). Latency: from"
        " when the click was due (not when it got out) to the HTTP answer, and to the private"
        " reply reaching the fake Slack."
        " The load generator and the fake Slack run in the benchmark's process on the same"
        f" {os.cpu_count()} cores as the app and PostgreSQL; their CPU is in the tables. Two"
        " replicas share one PostgreSQL database and take clicks in turn. Baseline: the bare"
        " Bolt app that only acks (bench/bare_bolt.py), stepped the same way in this run.",
        "",
        "| measure | figure | baseline (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for name, steps in runs:
        held = _held(steps)
        lines.append(
            f"| {name}: clicks/s held (p99 <= {P99_LIMIT:g} s, no errors) | {held:g}"
            f" | {ceiling:g}{capped} | {held / ceiling if ceiling else 0:.2f} | - | - |"
        )
    lines.append("")
    for name, steps in [*runs, ("bare Bolt app (baseline)", bare)]:
        lines += _table(name, steps)
    return "\n".join(lines)


def run() -> str:
    return asyncio.run(_run())


if __name__ == "__main__":
    print(run())
