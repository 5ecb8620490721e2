"""Fixtures for end-to-end tests: the fake Slack Web API and the real app in HTTP mode."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime
from typing import Any

import pytest

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from bot.config.settings import Settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import APP_ID as TEAMS_APP_ID
from tests.fakes.teams_activities import TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector

SIGNING_SECRET = "test-signing-secret-0123456789abcdef"
BOT_TOKEN = "xoxb-test-token"
PULSE_SECRET = "test-pulse-secret-0123456789abcdef-0123456789"


@pytest.fixture
async def fake_slack() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    try:
        yield fake
    finally:
        await fake.stop()
    assert fake.protocol_errors == [], "the app broke Slack's protocol"


def server_settings(values: dict[str, Any], overrides: dict[str, Any]) -> Settings:
    """Settings for an app under test: the platform's `values`, a local server on free
    ports, a known pulse secret, no .env, then the test's `overrides`."""
    local = {
        "pulse_secret": PULSE_SECRET,
        "host": "127.0.0.1",
        "port": 0,
        "metrics_port": 0,
        "shutdown_grace_seconds": 5,
    }
    return Settings(_env_file=None, **{**local, **values, **overrides})


def make_settings(fake: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": BOT_TOKEN,
        "slack_signing_secret": SIGNING_SECRET,
        "slack_api_url": fake.api_url,
        "database_url": database_url,
    }
    return server_settings(values, overrides)


class MovableClock:
    """The app's clock in tests: it moves only when a test moves it."""

    def __init__(self, now: datetime) -> None:
        self.current = now

    def now(self) -> datetime:
        return self.current

    def set(self, now: datetime) -> None:
        self.current = now


@pytest.fixture
def clock() -> MovableClock:
    return MovableClock(datetime(2026, 11, 26, 8, 0, tzinfo=UTC))  # a Thursday


@pytest.fixture
def overrides() -> dict[str, Any]:
    """Settings for the app under test; a test module overrides this fixture to change them."""
    return {}


@pytest.fixture
async def wellspring(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock, overrides: dict[str, Any]
) -> AsyncIterator[Wellspring]:
    """The real app, in HTTP mode, on SQLite, talking to the fake Slack."""
    settings = make_settings(fake_slack, sqlite_database_url, **overrides)
    ws = await start_wellspring(settings, clock)
    await ws.scheduler.run_now(SWEEP_JOB)  # the start-up catch-up, finished before the test
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
async def slack(wellspring: Wellspring, fake_slack: FakeSlack) -> AsyncIterator[SignedSlackClient]:
    """Sends signed requests to the running app, exactly as Slack would."""
    client = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack)
    try:
        yield client
    finally:
        await client.close()


@asynccontextmanager
async def two_replicas(
    fake: FakeSlack, database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[tuple[Wellspring, Wellspring], tuple[SignedSlackClient, ...]]]:
    """Two app instances on one database, each with its own signed client."""
    apps: list[Wellspring] = []
    clients: list[SignedSlackClient] = []
    try:
        for _ in range(2):
            apps.append(await start_wellspring(make_settings(fake, database_url), clock))
            clients.append(SignedSlackClient(apps[-1].url, SIGNING_SECRET, fake))
        yield (apps[0], apps[1]), tuple(clients)
    finally:
        for client in clients:
            await client.close()
        for app in apps:
            await app.stop()


@pytest.fixture
async def fake_teams() -> AsyncIterator[FakeBotConnector]:
    connector = FakeBotConnector()
    await connector.start()
    try:
        yield connector
    finally:
        await connector.stop()
    assert connector.protocol_errors == [], "the app broke the Bot Connector's protocol"


def make_teams_settings(database_url: str, **overrides: Any) -> Settings:
    """Teams alone, in the local testing mode: no Entra, no token, only the serviceUrl."""
    values: dict[str, Any] = {
        "teams_client_id": TEAMS_APP_ID,
        "teams_allow_unauthenticated": True,
        "database_url": database_url,
    }
    return server_settings(values, overrides)


@pytest.fixture
async def teams_wellspring(
    fake_teams: FakeBotConnector,
    sqlite_database_url: str,
    clock: MovableClock,
    overrides: dict[str, Any],
) -> AsyncIterator[Wellspring]:
    """The real app with Teams only, on SQLite, answering the fake Bot Connector."""
    ws = await start_wellspring(make_teams_settings(sqlite_database_url, **overrides), clock)
    await ws.scheduler.run_now(SWEEP_JOB)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
def teams_activities(fake_teams: FakeBotConnector, clock: MovableClock) -> TeamsActivities:
    return TeamsActivities(fake_teams.service_url, now=clock.now)


@pytest.fixture
async def teams(teams_wellspring: Wellspring) -> AsyncIterator[TeamsClient]:
    """Posts activities to the running app's /api/messages, as Teams would."""
    async with TeamsClient(teams_wellspring.url) as client:
        yield client


@pytest.fixture(params=["slack", "teams"])
def platform_name(request: pytest.FixtureRequest) -> str:
    """Each scenario runs once per chat platform."""
    return str(request.param)


@pytest.fixture
def platform(
    platform_name: str,
    request: pytest.FixtureRequest,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> Any:
    """The running app on one platform, driven through the scenario steps (Platform)."""
    # Imported here: the drivers import this module for its clock and settings.
    from tests.e2e.platforms.slack import SlackPlatform
    from tests.e2e.platforms.teams import TeamsPlatform

    if platform_name == "slack":
        ws = request.getfixturevalue("wellspring")
        client = request.getfixturevalue("slack")
        return SlackPlatform(ws, client, request.getfixturevalue("fake_slack"), clock, caplog)
    ws = request.getfixturevalue("teams_wellspring")
    return TeamsPlatform(
        ws,
        request.getfixturevalue("teams"),
        request.getfixturevalue("fake_teams"),
        request.getfixturevalue("teams_activities"),
        clock,
        caplog,
    )
