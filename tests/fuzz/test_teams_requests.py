"""Generated bodies posted to Teams' /api/messages: damaged bytes, nesting of any depth,
truncated activities. Never a 5xx, never a traceback, and the app stays up."""

import json
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import aiohttp
import pytest
import pytest_asyncio
from hypothesis import given
from hypothesis import strategies as st

from app import Wellspring, start_wellspring
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.fakes.teams_activities import Person, Team, TeamsActivities
from tests.fakes.teams_connector import FakeBotConnector
from tests.fuzz.conftest import PROFILE, TRACE, Recorder
from tests.support.databases import sqlite_url

pytestmark = pytest.mark.asyncio(loop_scope="module")
JSON = "application/json"


class TeamsTarget:
    """The app in Teams' local mode, the fake Bot Connector, and everything logged."""

    def __init__(self, ws: Wellspring, fake: FakeBotConnector, log: Recorder) -> None:
        self.ws, self.fake, self.log = ws, fake, log
        self.activities = TeamsActivities(fake.service_url)
        self._session = aiohttp.ClientSession()

    async def exchange(self, body: bytes, content_type: str = JSON) -> None:
        lines = len(self.log.lines)
        headers = {"Content-Type": content_type}
        async with self._session.post(
            self.ws.url + "/api/messages", data=body, headers=headers
        ) as reply:
            status, text = reply.status, await reply.text()
        assert status < 500, (status, text[:300])
        assert not TRACE.search(text), text[:300]
        assert await self.ws.inflight.drain(10)
        for _level, line in self.log.lines[lines:]:
            assert "Traceback" not in line and "RecursionError" not in line, line

    async def close(self) -> None:
        await self._session.close()


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def teams_target(tmp_path_factory: pytest.TempPathFactory) -> AsyncIterator[TeamsTarget]:
    fake = FakeBotConnector()
    await fake.start()
    recorder = Recorder()
    logging.getLogger().addHandler(recorder)
    clock = MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))
    folder = Path(tmp_path_factory.mktemp("teams-fuzz"))
    ws = await start_wellspring(make_teams_settings(sqlite_url(folder)), clock)
    target = TeamsTarget(ws, fake, recorder)
    try:
        yield target
    finally:
        await target.close()
        await ws.stop()
        await fake.stop()
        logging.getLogger().removeHandler(recorder)


def nested(opening: bytes, closing: bytes, depth: int, closed: bool) -> bytes:
    return opening * depth + (b"1" + closing * depth if closed else b"")


@PROFILE
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.builds(
            nested,
            st.sampled_from([b"[", b'{"a":']),
            st.sampled_from([b"]", b"}"]),
            st.integers(1, 200_000),
            st.booleans(),
        ),
    ),
    kind=st.sampled_from([JSON, "text/plain", "application/x-www-form-urlencoded"]),
)
async def test_damaged_bodies_are_refused_cleanly(
    teams_target: TeamsTarget, body: bytes, kind: str
) -> None:
    await teams_target.exchange(body, kind)


@PROFILE
@given(cut=st.floats(0, 1, exclude_max=True))
async def test_truncated_activities_are_refused_cleanly(
    teams_target: TeamsTarget, cut: float
) -> None:
    activity = teams_target.activities.channel_message(
        Person.named("Ari Worker"), "checkin now", Team.named("North")
    )
    raw = json.dumps(activity).encode()
    await teams_target.exchange(raw[: int(len(raw) * cut)])
