"""A signed Slack request or a Teams activity that says to answer somewhere other than the
platform (response_url, serviceUrl) gets 400 before anything is done or sent, and nothing
reaches that host; with the platform's own address, the same request is answered."""

import time
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import urlencode

import pytest

from bootstrap import Wellspring, start_wellspring
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import FORM, SignedSlackClient
from tests.fakes.stranger import Stranger
from tests.fakes.teams_activities import Person, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector
from tests.support.log_capture import production_log

ARI = Person.named("Ari Worker")
NORTH = Team.named("North")


@pytest.fixture
async def stranger() -> AsyncIterator[Stranger]:
    server = Stranger()
    await server.start()
    try:
        yield server
    finally:
        await server.stop()


def help_command(response_url: str) -> bytes:
    form = {
        "team_id": "T0AGENCY",
        "channel_id": "C0TEAM",
        "user_id": "U0ALICE",
        "command": "/checkin",
        "text": "help",
        "response_url": response_url,
        "trigger_id": f"1.{int(time.time())}.abc",
    }
    return urlencode(form).encode()


async def test_a_slack_request_whose_response_url_is_not_slacks_is_refused(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, stranger: Stranger
) -> None:
    elsewhere = [
        f"{stranger.origin}/response/abc",
        "https://hooks.slack.com.example.org/commands/1",
        "http://hooks.slack.com/commands/1",
    ]
    with production_log() as log:
        for url in elsewhere:
            refused = await slack.raw(help_command(url), FORM)
            assert refused.status == 400, url
        assert await wellspring.inflight.drain(5)
    assert stranger.requests == []
    # Bolt checks the token (auth.test) before any listener; nothing else reached Slack.
    assert {call.method for call in fake_slack.calls} == {"auth.test"}
    assert fake_slack.response_posts == []
    assert "Traceback" not in log.getvalue() and "example.org" not in log.getvalue()
    answered = await slack.raw(help_command(fake_slack.new_response_url()), FORM)
    assert answered.status == 200


@pytest.fixture
async def local_teams(
    fake_teams: FakeBotConnector,
    stranger: Stranger,
    sqlite_database_url: str,
    clock: MovableClock,
    monkeypatch: pytest.MonkeyPatch,
) -> AsyncIterator[Wellspring]:
    """Teams in the local mode, its outgoing calls to any host but this computer sent to the
    stranger (as their proxy) instead of the network."""
    monkeypatch.setenv("HTTPS_PROXY", stranger.origin)
    monkeypatch.setenv("HTTP_PROXY", stranger.origin)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost,::1")
    ws = await start_wellspring(make_teams_settings(sqlite_database_url), clock)
    try:
        yield ws
    finally:
        await ws.stop()


def with_service_url(activity: dict[str, Any], url: str | None) -> dict[str, Any]:
    if url is None:
        return {key: value for key, value in activity.items() if key != "serviceUrl"}
    return {**activity, "serviceUrl": url}


async def test_a_teams_activity_whose_service_url_is_not_the_connectors_is_refused(
    local_teams: Wellspring, fake_teams: FakeBotConnector, stranger: Stranger
) -> None:
    activities = TeamsActivities(fake_teams.service_url)
    fake_teams.rosters[NORTH.channel_id()] = [ARI.account()]
    fake_teams.teams[NORTH.id] = NORTH.details()
    elsewhere: list[str | None] = [
        f"{stranger.remote_origin}/",
        "https://smba.trafficmanager.net.example.org/amer/",
        "http://smba.trafficmanager.net/amer/",
        None,  # the SDK would call Microsoft's default service URL
    ]
    async with TeamsClient(local_teams.url) as teams:
        for url in elsewhere:
            for activity in (
                activities.team_installed(ARI, NORTH),
                activities.personal_message(ARI, "help"),
            ):
                refused = await teams.send(with_service_url(activity, url))
                assert refused.status == 400, url
        assert await local_teams.inflight.drain(5)
        assert stranger.requests == [] and fake_teams.calls == []
        answered = await teams.send(activities.personal_message(ARI, "help"))
    assert answered.status == 200
    assert await local_teams.inflight.drain(5)
    assert fake_teams.sent(), "the connector on this computer is called in the local mode"
    assert stranger.requests == []
