"""The apps under fuzzing: started once per module (and database), with their log and every
outgoing call watched.

HYPOTHESIS_PROFILE=fuzz (make fuzz) runs many more examples than `make test` does.
"""

import json
import logging
import os
import re
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import HealthCheck, settings

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from bot.process.log_format import OWN_LOGGERS, PrivateFormatter, PrivateLines
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings, make_teams_settings
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import FORM, JSON, Reply, SignedSlackClient
from tests.fakes.stranger import Stranger
from tests.fakes.teams_activities import TeamsActivities
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id
from tests.fuzz.strategies import CHECKIN, EVENT_ID, MARK, RESPONSE_URL, STRANGER
from tests.fuzz.teams_strategies import ARI, BO, NORTH, SERVICE_URL
from tests.support.clicks import level_buttons
from tests.support.databases import (
    POSTGRES_SKIP_REASON,
    fresh_postgres,
    postgres_base_url,
    sqlite_url,
)

SLACK_DEADLINE = 3.0  # seconds: Slack shows the person an error when an ack takes longer
# Examples per test: `make test` keeps the fuzzing to a few dozen per kind; `make fuzz` runs
# thousands.
settings.register_profile(
    "fuzz-quick",
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz", settings.get_profile("fuzz-quick"), max_examples=2500)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-quick"))
# What Python puts in a traceback or an exception's repr; none may reach Slack or a person.
TRACE = re.compile(r"Traceback|File \"|\b\w+(Error|Exception)\(|\bexc_info\b")


class Recorder(logging.Handler):
    """Keeps every log line as the agency's log system would get it: through the filter and
    the formatter `bot.process.log_format.configure` puts on the root handler."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.addFilter(PrivateLines())
        self.setFormatter(PrivateFormatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, self.format(record)))


@dataclass
class Tally:
    """What the generated requests got, for a summary (tests/fuzz/survey.py)."""

    statuses: Counter[int] = field(default_factory=Counter)
    problems: Counter[str] = field(default_factory=Counter)
    examples: dict[str, str] = field(default_factory=dict)  # the first of each kind
    lines: Counter[str] = field(default_factory=Counter)  # each kind by its first line

    def summary(self) -> str:
        statuses = ", ".join(f"{code}: {n}" for code, n in sorted(self.statuses.items()))
        problems = ", ".join(f"{kind}: {n}" for kind, n in sorted(self.problems.items()))
        return f"{sum(self.statuses.values())} sent; {statuses}; problems: {problems or 'none'}"


@dataclass
class Watched:
    """What every generated request is checked against: the log and the stranger's door."""

    log: Recorder
    stranger: Stranger
    strict: bool = True  # a test fails at the first problem; a survey counts them
    tally: Tally = field(default_factory=Tally)

    def mark(self) -> tuple[int, int]:
        return len(self.log.lines), len(self.stranger.requests)

    def check(self, since: tuple[int, int], status: int, answer: str) -> None:
        """Fails (or counts) a 5xx, a traceback, a generated value in the log, a stray call."""
        lines, calls = since
        found: list[tuple[str, str]] = []
        if status >= 500:
            found.append(("5xx", f"{status}: {answer[:300]}"))
        if TRACE.search(answer):
            found.append(("traceback in the answer", answer[:300]))
        for level, line in self.log.lines[lines:]:
            if "Traceback" in line:
                found.append(("traceback in the log", line[:2000]))
            elif level >= logging.ERROR:
                found.append(("error in the log", line[:2000]))
            if MARK in line:
                found.append(("generated value in the log", line[:2000]))
        for request in self.stranger.requests[calls:]:
            found.append(("call to a stranger", request))
        self.tally.statuses[status] += 1
        for kind, example in found:
            self.tally.problems[kind] += 1
            self.tally.examples.setdefault(kind, example)
            self.tally.lines[f"{kind}: {example.partition(chr(10))[0][:160]}"] += 1
        if self.strict:
            assert not found, found


@dataclass
class Target:
    """The running app and everything it said, to Slack, to the requester and to the log."""

    ws: Wellspring
    fake: FakeSlack
    client: SignedSlackClient
    watched: Watched
    checkin_id: str
    sent: int = field(default=0)

    async def command(self, form: dict[str, str]) -> None:
        await self.exchange(urlencode(self.filled(form)).encode(), FORM)

    async def interaction(self, payload: dict[str, Any]) -> None:
        body = urlencode({"payload": json.dumps(self.filled(payload))}).encode()
        await self.exchange(body, FORM)

    async def event(self, envelope: dict[str, Any]) -> None:
        if envelope.get("event_id") == EVENT_ID:
            envelope["event_id"] = f"Ev{uuid.uuid4().hex}"
        await self.exchange(json.dumps(self.filled(envelope)).encode(), JSON)

    async def exchange(self, body: bytes, content_type: str) -> Reply:
        """Send one signed request; check the answer, what reached Slack and the log."""
        calls, posts, since = (
            len(self.fake.calls),
            len(self.fake.response_posts),
            self.watched.mark(),
        )
        started = time.perf_counter()
        reply = await self.client.raw(body, content_type)
        took = time.perf_counter() - started
        self.sent += 1
        assert took < SLACK_DEADLINE or not self.watched.strict, f"answered after {took:.2f}s"
        assert await self.ws.inflight.drain(10), "work after the answer did not finish"
        for call in self.fake.calls[calls:]:
            said = json.dumps(call.params, ensure_ascii=False)
            assert not TRACE.search(said), f"{call.method}: {said[:500]}"
        for post in self.fake.response_posts[posts:]:
            said = json.dumps(post.body, ensure_ascii=False)
            assert not TRACE.search(said), f"response_url: {said[:500]}"
        self.watched.check(since, reply.status, reply.text)
        return reply

    def filled(self, node: Any) -> Any:
        if isinstance(node, str):
            if node == RESPONSE_URL:
                return self.fake.new_response_url()
            return node.replace(CHECKIN, self.checkin_id).replace(
                STRANGER, self.watched.stranger.origin
            )
        if isinstance(node, dict):
            return {key: self.filled(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.filled(value) for value in node]
        return node


class TeamsTarget:
    """The app in Teams' local mode, the fake Bot Connector, and everything logged."""

    def __init__(self, ws: Wellspring, fake: FakeBotConnector, watched: Watched) -> None:
        self.ws, self.fake, self.watched = ws, fake, watched
        self._session = aiohttp.ClientSession()

    async def activity(self, activity: dict[str, Any]) -> None:
        await self.exchange(json.dumps(self.filled(activity)).encode())

    async def exchange(self, body: bytes, content_type: str = JSON) -> None:
        since = self.watched.mark()
        headers = {"Content-Type": content_type}
        async with self._session.post(
            self.ws.url + "/api/messages", data=body, headers=headers
        ) as reply:
            status, text = reply.status, await reply.text()
        assert await self.ws.inflight.drain(10)
        self.watched.check(since, status, text)

    def filled(self, node: Any) -> Any:
        if isinstance(node, str):
            # In the local mode every address on this computer may be called: the stranger
            # stands for a host elsewhere.
            return node.replace(SERVICE_URL, self.fake.service_url).replace(
                STRANGER, self.watched.stranger.remote_origin
            )
        if isinstance(node, dict):
            return {key: self.filled(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self.filled(value) for value in node]
        return node

    async def close(self) -> None:
        await self._session.close()


async def is_live(ws: Wellspring) -> bool:
    async with aiohttp.ClientSession() as session, session.get(ws.url + "/livez") as live:
        return live.status == 200


@asynccontextmanager
async def watching(proxy: bool) -> AsyncIterator[Watched]:
    """A recorder on the root logger and a stranger. With `proxy`, the stranger is the proxy of
    the HTTP clients made from here on (httpx, which the Teams SDK uses, honours NO_PROXY; the
    Slack SDK would send its calls to the fake Slack there too), so a call to any host but
    127.0.0.1 reaches it instead of the network."""
    stranger = Stranger()
    await stranger.start()
    recorder = Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    # Every line of Wellspring's own is checked, whatever LOG_LEVEL would let through.
    own = [logging.getLogger(name) for name in OWN_LOGGERS]
    levels = [logger.level for logger in own]
    for logger in own:
        logger.setLevel(logging.DEBUG)
    proxies = {"HTTPS_PROXY": stranger.origin, "HTTP_PROXY": stranger.origin} if proxy else {}
    saved = {name: os.environ.get(name) for name in [*proxies, "NO_PROXY"]}
    if proxy:
        os.environ.update(proxies, NO_PROXY="127.0.0.1,localhost,::1")
    try:
        yield Watched(recorder, stranger)
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        for logger, level in zip(own, levels, strict=True):
            logger.setLevel(level)
        root.removeHandler(recorder)
        await stranger.stop()


@asynccontextmanager
async def slack_target(database: str) -> AsyncIterator[Target]:
    """The real app in HTTP mode with one open check-in, watched."""
    fake = FakeSlack()
    await fake.start()
    clock = MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    async with watching(proxy=False) as watched:
        ws = await start_wellspring(make_settings(fake, database), clock)
        client = SignedSlackClient(ws.url, SIGNING_SECRET, fake)
        try:
            await ws.scheduler.run_now(SWEEP_JOB)
            post = await post_checkin(ws, client, fake)
            checkin_id = next(iter(level_buttons(post).values()))[1].partition("|")[0]
            yield Target(ws, fake, client, watched, checkin_id)
        finally:
            await client.close()
            await ws.stop()
            await fake.stop()
    assert fake.protocol_errors == [], "the app broke Slack's protocol"


@asynccontextmanager
async def teams_target(database: str) -> AsyncIterator[TeamsTarget]:
    """The real app in Teams' local mode (TEAMS_ALLOW_UNAUTHENTICATED), installed in a team."""
    fake = FakeBotConnector()
    await fake.start()
    clock = MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    async with watching(proxy=True) as watched:
        ws = await start_wellspring(make_teams_settings(database), clock)
        target = TeamsTarget(ws, fake, watched)
        try:
            await installed(target)
            yield target
        finally:
            await target.close()
            await ws.stop()
            await fake.stop()


async def installed(target: TeamsTarget) -> None:
    """The team and its people known to the fake connector, the bot installed in the team."""
    target.fake.rosters[NORTH.channel_id()] = [ARI.account(), BO.account()]
    target.fake.teams[NORTH.id] = NORTH.details()
    for person in (ARI, BO):
        target.fake.rosters[personal_conversation_id(person.id)] = [person.account()]
    await target.activity(TeamsActivities(SERVICE_URL).team_installed(BO, NORTH))


@pytest_asyncio.fixture(scope="module", loop_scope="module", params=["sqlite", "postgresql"])
async def database(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[str]:
    if request.param == "sqlite":
        yield sqlite_url(Path(tmp_path_factory.mktemp("fuzz")))
        return
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with fresh_postgres(base) as url:
        yield url


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def target(database: str) -> AsyncIterator[Target]:
    async with slack_target(database) as target:
        yield target


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def teams(database: str) -> AsyncIterator[TeamsTarget]:
    async with teams_target(database) as target:
        yield target
