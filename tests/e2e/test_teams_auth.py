"""Teams authentication: unsigned callers are refused; the local mode calls only the serviceUrl."""

import asyncio
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest

from bootstrap import Wellspring, start_wellspring
from bot.config.settings import SettingsProblem
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.fakes.teams_activities import (
    APP_ID,
    TENANT_ID,
    Person,
    Team,
    TeamsActivities,
    TeamsClient,
)
from tests.fakes.teams_connector import FakeBotConnector
from tests.fakes.teams_tokens import forged_token

TEAM = Team.named("Hospital Social Work")
WORKER = Person.named("Ari Worker")


@pytest.fixture
async def guarded_app(
    fake_teams: FakeBotConnector, sqlite_database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    """The app as an agency runs it: real credentials, so every activity must be signed."""
    settings = make_teams_settings(
        sqlite_database_url,
        teams_allow_unauthenticated=False,
        teams_client_secret="a-client-secret-that-is-never-used",
        teams_tenant_id=TENANT_ID,
        environment="production",
    )
    ws = await start_wellspring(settings, clock)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.mark.parametrize("token", [None, "forged"], ids=["no-token", "forged-token"])
async def test_an_activity_not_signed_by_microsoft_gets_401_and_no_answer(
    guarded_app: Wellspring,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    token: str | None,
) -> None:
    activity = teams_activities.channel_message(WORKER, "checkin now", TEAM)
    fake_teams.rosters[TEAM.channel_id()] = [WORKER.account()]
    bearer = forged_token(APP_ID, fake_teams.service_url) if token else None
    async with TeamsClient(guarded_app.url) as client:
        refused = await client.send(activity, token=bearer)
    assert refused.status == 401
    assert await guarded_app.inflight.drain(5)
    assert fake_teams.calls == [], "nothing was sent anywhere on an unsigned activity's behalf"


async def test_the_local_mode_is_refused_in_production(sqlite_database_url: str) -> None:
    settings = make_teams_settings(sqlite_database_url, environment="production")
    with pytest.raises(SettingsProblem) as refused:
        await start_wellspring(settings)
    assert (refused.value.setting, refused.value.reason) == (
        "TEAMS_ALLOW_UNAUTHENTICATED",
        "teams_local_in_production",
    )


@pytest.fixture
def connections(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, int]]:
    """Every (host, port) the process looks up or connects to, async or not, even failing."""
    opened: list[tuple[str, int]] = []
    loop_connect = asyncio.BaseEventLoop.create_connection
    sync_connect = socket.create_connection
    loop_lookup = asyncio.BaseEventLoop.getaddrinfo
    sync_lookup = socket.getaddrinfo

    async def recording_loop_lookup(self: Any, host: Any, port: Any, *args: Any, **kw: Any) -> Any:
        opened.append((str(host), int(port or 0)))
        return await loop_lookup(self, host, port, *args, **kw)

    def recording_sync_lookup(host: Any, port: Any, *args: Any, **kw: Any) -> Any:
        opened.append((str(host), int(port or 0)))
        return sync_lookup(host, port, *args, **kw)

    monkeypatch.setattr(asyncio.BaseEventLoop, "getaddrinfo", recording_loop_lookup)
    monkeypatch.setattr(socket, "getaddrinfo", recording_sync_lookup)

    async def recording_loop_connect(self: Any, *args: Any, **kwargs: Any) -> Any:
        transport, protocol = await loop_connect(self, *args, **kwargs)
        host, port = transport.get_extra_info("peername")[:2]
        opened.append((str(host), int(port)))
        return transport, protocol

    def recording_sync_connect(address: tuple[str, int], *args: Any, **kwargs: Any) -> Any:
        opened.append((str(address[0]), int(address[1])))
        return sync_connect(address, *args, **kwargs)

    monkeypatch.setattr(asyncio.BaseEventLoop, "create_connection", recording_loop_connect)
    monkeypatch.setattr(socket, "create_connection", recording_sync_connect)
    return opened


async def test_in_the_local_mode_the_only_host_called_is_the_activitys_service_url(
    connections: list[tuple[str, int]],
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    sqlite_database_url: str,
    clock: MovableClock,
) -> None:
    ws = await start_wellspring(make_teams_settings(sqlite_database_url), clock)
    try:
        fake_teams.rosters[TEAM.channel_id()] = [WORKER.account()]
        async with TeamsClient(ws.url) as client:
            await client.send(teams_activities.team_installed(WORKER, TEAM))
            await client.send(teams_activities.channel_message(WORKER, "checkin now", TEAM))
            await client.send(teams_activities.personal_message(WORKER, "debrief peers"))
        assert await ws.inflight.drain(5)
    finally:
        await ws.stop()
    connector = fake_teams.base_url.rsplit(":", 1)[1]
    app = ws.url.rsplit(":", 1)[1]
    assert len(fake_teams.sent()) >= 2, "the app did answer through the service URL"
    assert connections, "connections were recorded"
    strangers = {(h, p) for h, p in connections if str(p) not in (connector, app)}
    assert strangers == set(), "no token endpoint, no Entra, no managed-identity probe"
