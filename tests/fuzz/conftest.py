"""The app under fuzzing: started once per module and database, with its log watched.

HYPOTHESIS_PROFILE=fuzz (make fuzz) runs many more examples than `make test` does.
"""

import json
import logging
import os
import re
import time
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import pytest
import pytest_asyncio
from hypothesis import HealthCheck, settings

from app import SWEEP_JOB, Wellspring, start_wellspring
from bot.log_format import PrivateFormatter
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import FORM, JSON, Reply, SignedSlackClient
from tests.fuzz.strategies import CHECKIN, EVENT_ID
from tests.support.clicks import level_buttons
from tests.support.databases import (
    POSTGRES_SKIP_REASON,
    fresh_postgres,
    postgres_base_url,
    sqlite_url,
)

SLACK_DEADLINE = 3.0  # seconds: Slack shows the person an error when an ack takes longer
# Examples per test: `make test` keeps the fuzzing under a minute; `make fuzz` runs thousands.
settings.register_profile(
    "fuzz-quick",
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
settings.register_profile("fuzz", settings.get_profile("fuzz-quick"), max_examples=2500)
PROFILE = settings.get_profile(os.environ.get("HYPOTHESIS_PROFILE", "fuzz-quick"))
# What Python puts in a traceback or an exception's repr; none may reach Slack or a person.
TRACE = re.compile(r"Traceback|File \"|\b\w+(Error|Exception)\(|\bexc_info\b")


class Recorder(logging.Handler):
    """Keeps every log record, formatted as the agency's log system would see it."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.setFormatter(PrivateFormatter("%(levelname)s %(name)s %(message)s"))
        self.lines: list[tuple[int, str]] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.lines.append((record.levelno, self.format(record)))


@dataclass
class Target:
    """The running app and everything it said, to Slack, to the requester and to the log."""

    ws: Wellspring
    fake: FakeSlack
    client: SignedSlackClient
    log: Recorder
    checkin_id: str
    sent: int = field(default=0)

    async def command(self, form: dict[str, str]) -> None:
        await self.exchange(urlencode(self._filled(form)).encode(), FORM)

    async def interaction(self, payload: dict[str, Any]) -> None:
        if "response_url" in payload:
            payload["response_url"] = self.fake.new_response_url()
        body = urlencode({"payload": json.dumps(self._filled(payload))}).encode()
        await self.exchange(body, FORM)

    async def event(self, envelope: dict[str, Any]) -> None:
        if envelope.get("event_id") == EVENT_ID:
            envelope["event_id"] = f"Ev{uuid.uuid4().hex}"
        await self.exchange(json.dumps(self._filled(envelope)).encode(), JSON)

    async def exchange(self, body: bytes, content_type: str) -> Reply:
        """Send one signed request; check the answer, what reached Slack and the log."""
        calls, posts, lines = (
            len(self.fake.calls),
            len(self.fake.response_posts),
            len(self.log.lines),
        )
        started = time.perf_counter()
        reply = await self.client.raw(body, content_type)
        took = time.perf_counter() - started
        self.sent += 1
        assert reply.status < 500, (reply.status, reply.text)
        assert took < SLACK_DEADLINE, f"answered after {took:.2f}s"
        assert not TRACE.search(reply.text), reply.text
        assert await self.ws.inflight.drain(10), "work after the answer did not finish"
        for call in self.fake.calls[calls:]:
            said = json.dumps(call.params, ensure_ascii=False)
            assert not TRACE.search(said), f"{call.method}: {said[:500]}"
        for post in self.fake.response_posts[posts:]:
            said = json.dumps(post.body, ensure_ascii=False)
            assert not TRACE.search(said), f"response_url: {said[:500]}"
        for level, line in self.log.lines[lines:]:
            assert level < logging.ERROR and "Traceback" not in line, line
        return reply

    def _filled(self, node: Any) -> Any:
        if isinstance(node, str):
            return node.replace(CHECKIN, self.checkin_id)
        if isinstance(node, dict):
            return {key: self._filled(value) for key, value in node.items()}
        if isinstance(node, list):
            return [self._filled(value) for value in node]
        return node


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
    """The real app in HTTP mode with one open check-in, and a recorder on the root logger."""
    fake = FakeSlack()
    await fake.start()
    recorder = Recorder()
    root = logging.getLogger()
    root.addHandler(recorder)
    clock = MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    ws = await start_wellspring(make_settings(fake, database), clock)
    client = SignedSlackClient(ws.url, SIGNING_SECRET, fake)
    try:
        await ws.scheduler.run_now(SWEEP_JOB)
        post = await post_checkin(ws, client, fake)
        checkin_id = next(iter(level_buttons(post).values()))[1].partition("|")[0]
        yield Target(ws, fake, client, recorder, checkin_id)
    finally:
        await client.close()
        await ws.stop()
        await fake.stop()
        root.removeHandler(recorder)
    assert fake.protocol_errors == [], "the app broke Slack's protocol"
