"""Bodies that can't be read are refused with a 4xx before any authentication, on every
HTTP entry: no traceback in the answer or the log, and the app stays up."""

import json
import logging
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bootstrap import Wellspring, start_wellspring
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import TENANT_ID, Person, Team, TeamsActivities
from tests.fakes.teams_connector import FakeBotConnector

JSON = "application/json"
FORM = "application/x-www-form-urlencoded"
TEN_MEGABYTES = b'{"text": "' + b"a" * (10 * 1024 * 1024) + b'"}'
TRACE = ("Traceback", "RecursionError", 'File "')
# After an early 413 the server still reads the unsent rest for a while (aiohttp's lingering
# close); stopping the app need not wait the usual grace for that.
QUICK_STOP = 0.2


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"shutdown_grace_seconds": QUICK_STOP}


# (body, content type, status) for both entries; a Slack form body is its own case.
DAMAGED = [
    pytest.param(b"[" * 200_000, JSON, 400, id="200k-brackets"),
    pytest.param(b'{"a":' * 50_000 + b"1" + b"}" * 50_000, JSON, 400, id="deep-objects"),
    pytest.param(b'{"a":' * 100 + b"1" + b"}" * 100, JSON, 400, id="100-deep"),
    pytest.param(b'{"type": "message", "text": "hel', JSON, 400, id="truncated"),
    pytest.param(b'{"type": "message", "text": "\xff\xfe"}', JSON, 400, id="not-utf8"),
    pytest.param(TEN_MEGABYTES, JSON, 413, id="10MB"),
]


async def healthy(ws: Wellspring) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{ws.url}/healthz") as reply:
        assert reply.status == 200


async def post(ws: Wellspring, path: str, body: bytes, content_type: str) -> tuple[int, str]:
    headers = {"Content-Type": content_type, "Authorization": "Bearer not-a-token"}
    async with (
        aiohttp.ClientSession() as session,
        session.post(ws.url + path, data=body, headers=headers) as reply,
    ):
        return reply.status, await reply.text()


def assert_clean(text: str, caplog: pytest.LogCaptureFixture) -> None:
    assert not any(mark in text for mark in TRACE), text[:300]
    for record in caplog.records:
        assert record.levelno < logging.ERROR and record.exc_info is None, record.getMessage()
        assert not any(mark in record.getMessage() for mark in TRACE), record.getMessage()


@pytest.mark.parametrize(("body", "content_type", "status"), DAMAGED)
@pytest.mark.parametrize("signed", [True, False], ids=["signed", "unsigned"])
async def test_slack_refuses_a_damaged_body_before_checking_the_signature(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    status: int,
    signed: bool,
) -> None:
    reply = await slack.raw(body, content_type, signed=signed)
    assert reply.status == status
    assert_clean(reply.text, caplog)
    await healthy(wellspring)


async def test_slack_refuses_a_deep_payload_inside_a_form(
    wellspring: Wellspring, slack: SignedSlackClient, caplog: pytest.LogCaptureFixture
) -> None:
    reply = await slack.raw(b"payload=" + b"%5B" * 200_000, FORM)
    assert reply.status == 400
    assert_clean(reply.text, caplog)
    await healthy(wellspring)


@pytest.fixture
async def guarded_teams(
    fake_teams: FakeBotConnector, sqlite_database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    """Teams as an agency runs it: every activity must carry Microsoft's token."""
    settings = make_teams_settings(
        sqlite_database_url,
        teams_allow_unauthenticated=False,
        teams_client_secret="a-client-secret-that-is-never-used",
        teams_tenant_id=TENANT_ID,
        environment="production",
        shutdown_grace_seconds=QUICK_STOP,
    )
    ws = await start_wellspring(settings, clock)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.mark.parametrize(("body", "content_type", "status"), DAMAGED)
async def test_teams_refuses_a_damaged_body_before_any_token_work(
    guarded_teams: Wellspring,
    fake_teams: FakeBotConnector,
    caplog: pytest.LogCaptureFixture,
    body: bytes,
    content_type: str,
    status: int,
) -> None:
    answer, text = await post(guarded_teams, "/api/messages", body, content_type)
    assert answer == status, "a 401 would mean the token was checked first"
    assert_clean(text, caplog)
    assert fake_teams.calls == []
    await healthy(guarded_teams)


async def test_teams_refuses_an_activity_that_is_not_sent_as_json(
    guarded_teams: Wellspring,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    caplog: pytest.LogCaptureFixture,
) -> None:
    activity = teams_activities.channel_message(Person.named("Ari"), "hi", Team.named("North"))
    answer, text = await post(guarded_teams, "/api/messages", json.dumps(activity).encode(), FORM)
    assert answer == 415
    assert_clean(text, caplog)
    await healthy(guarded_teams)
