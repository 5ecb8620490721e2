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

import aiohttp

from bench.clicks import SECRET, SUPERVISOR, _app_env
from bench.processes import Server, free_port, start_server
from prompts import load_catalog
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import Reply, SignedSlackClient, sign
from tests.support.clicks import level_buttons
from tests.support.databases import fresh_postgres, postgres_base_url

RATES_FROM, RATE_FACTOR, RATE_CAP = 20.0, 1.5, 800.0
STEP_SECONDS = 4.0
P99_LIMIT = 1.0  # seconds
REPLIES_WAIT = 15.0  # seconds for a step's private replies after its last click
FAILED_REPLIES = ("pulse.not_counted", "pulse.try_again")


@dataclass
class Step:
    rate: float
    sent: int
    p50_ms: float
    p99_ms: float
    errors: int
    app_cores: float  # the app processes' CPU over the step, in cores
    load_cores: float  # this process's (load generator and fake Slack)

    @property
    def held(self) -> bool:
        return self.errors == 0 and self.p99_ms <= P99_LIMIT * 1000


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

    async def checkin(self, app: Server, people: int) -> tuple[str, ApiCall, list[str]]:
        channel = f"C{next(self._ids):07d}"
        members = [f"U{next(self._ids):08d}" for _ in range(people)]
        self.fake.members[channel] = [SUPERVISOR, *members]
        slack = SignedSlackClient(app.url, SECRET, self.fake)
        before = len(self.fake.calls_to("chat.postMessage"))
        await slack.command("/checkin", "now", user_id=SUPERVISOR, channel_id=channel)
        await slack.close()
        post = (await self.fake.wait_for("chat.postMessage", before + 1, timeout=30))[-1]
        return channel, post, members

    async def bodies(self, channel: str, post: ApiCall, members: list[str]) -> list[bytes]:
        recorder = Recorder("http://unused", SECRET, self.fake)
        recorder.bodies = []
        action_id, value = level_buttons(post)["middle"]
        message, ts = post.response["message"], post.response["ts"]
        for person in members:
            await recorder.block_action(
                action_id, value, user_id=person, channel_id=channel, message_ts=ts, message=message
            )
        await recorder.close()
        return [body for body, _ in recorder.bodies]

    async def step(self, apps: Sequence[Server], rate: float, answered: bool) -> Step:
        """STEP_SECONDS of clicks at `rate` a second, spread over `apps` in turn."""
        people = round(rate * STEP_SECONDS)
        if answered:
            channel, post, members = await self.checkin(apps[0], people)
            self.template = post
        else:
            assert self.template is not None, "the real app runs first"
            channel, post = f"C{next(self._ids):07d}", self.template
            members = [f"U{next(self._ids):08d}" for _ in range(people)]
        bodies = await self.bodies(channel, post, members)
        replies_before = len(self.fake.response_posts)
        latencies: list[float] = []
        errors = 0
        cpu = [app.cpu_seconds() for app in apps]
        own, began = time.process_time(), time.perf_counter()

        async def click(n: int, due: float) -> None:
            nonlocal errors
            body, app = bodies[n], apps[n % len(apps)]
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
        elapsed = time.perf_counter() - began
        app_cpu = sum(app.cpu_seconds() for app in apps) - sum(cpu)
        p99 = statistics.quantiles(latencies, n=100)[98]
        return Step(
            rate,
            people,
            statistics.median(latencies) * 1000,
            p99 * 1000,
            errors,
            app_cpu / elapsed,
            (time.process_time() - own) / elapsed,
        )

    async def _failed_replies(self, before: int, expected: int) -> int:
        """Private replies saying the answer was not counted; a missing reply counts too."""
        with suppress(AssertionError):  # missing ones are counted below
            await self.fake.wait_for_response_posts(before + expected, timeout=REPLIES_WAIT)
        replies = self.fake.response_posts[before:]
        failed = sum(str(post.body.get("text")) in self._failed for post in replies)
        return failed + max(0, expected - len(replies))


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
        "| clicks/s | clicks | p50 | p99 | errors | app CPU (cores) | load and fake CPU (cores)"
        " | held |",
        "| --- | --- | --- | --- | --- | --- | --- | --- |",
    ]
    lines += [
        f"| {s.rate:g} | {s.sent} | {s.p50_ms:.0f} ms | {s.p99_ms:.0f} ms | {s.errors}"
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
        f" the earlier ones were answered, in steps of {STEP_SECONDS:g} s, each with a new"
        f" check-in and channel; the rate starts at {RATES_FROM:g}/s and grows {RATE_FACTOR:g}x"
        f" a step until click p99 passes {P99_LIMIT:g} s or an error appears (an HTTP error, a"
        " private reply saying the answer was not counted, or none within"
        f" {REPLIES_WAIT:g} s). Latency: from when the click was due to its whole HTTP answer."
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
