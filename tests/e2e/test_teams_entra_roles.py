"""Teams: roles that follow Microsoft Entra groups, read from (a fake) Microsoft Graph."""

from collections.abc import AsyncIterator
from datetime import timedelta
from typing import Any

import pytest

from bootstrap import Wellspring, start_wellspring
from prompts import load_catalog
from tests.e2e.conftest import (
    SIGNING_SECRET,
    MovableClock,
    make_settings,
    make_teams_settings,
)
from tests.e2e.platforms.teams import TeamsPlatform
from tests.e2e.test_roles import private_answer
from tests.fakes.graph_api import FakeGraph
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import (
    APP_ID,
    TENANT_ID,
    Person,
    TeamsActivities,
    TeamsClient,
)
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id

CATALOG = load_catalog()
REFUSED = CATALOG.text("pulse.refuse.not_supervisor")
LEADS = "6f1d3c2b-0a4e-4b7d-9c8f-1e2d3c4b5a69"  # "Supervisors" in Entra
NORTH_LEADS = "2c4e6a8b-1d3f-4a5c-8e7b-9f0a1b2c3d4e"  # nested inside it
DANA, ARI, SAM = Person.named("Dana Lead"), Person.named("Ari North"), Person.named("Sam Worker")
KIM = Person.named("Kim Lead")
REMEMBERED = timedelta(minutes=5)


@pytest.fixture
async def fake_graph() -> AsyncIterator[FakeGraph]:
    graph = FakeGraph(TENANT_ID, APP_ID, page_size=2)  # three supervisors: two pages
    graph.groups = {
        LEADS: [DANA.aad_object_id, KIM.aad_object_id, NORTH_LEADS],
        NORTH_LEADS: [ARI.aad_object_id],
    }
    await graph.start()
    try:
        yield graph
    finally:
        await graph.stop()
    assert graph.protocol_errors == [], "the app broke Graph's protocol"


@pytest.fixture
def overrides(fake_graph: FakeGraph) -> dict[str, Any]:
    return {"graph_url": fake_graph.base_url, "supervisor_group_id": LEADS}


@pytest.fixture
def teams_platform(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> TeamsPlatform:
    for person in (DANA, ARI, SAM):  # each has a chat with the bot
        fake_teams.rosters[personal_conversation_id(person.id)] = [person.account()]
    return TeamsPlatform(teams_wellspring, teams, fake_teams, teams_activities, clock, caplog)


async def test_members_of_the_group_and_its_nested_groups_are_supervisors(
    teams_platform: TeamsPlatform, fake_graph: FakeGraph
) -> None:
    assert REFUSED not in await teams_platform.summary(DANA.name)
    assert REFUSED not in await teams_platform.summary(ARI.name), "nested groups count"
    assert REFUSED in await teams_platform.summary(SAM.name)
    pages = fake_graph.member_reads()
    assert [r.group for r in pages] == [LEADS, LEADS], "one read of two pages, remembered"
    assert fake_graph.token_requests() == [], "the local testing mode makes its own token"


async def test_a_change_in_the_group_takes_effect_once_it_is_no_longer_remembered(
    teams_platform: TeamsPlatform, fake_graph: FakeGraph
) -> None:
    assert REFUSED not in await teams_platform.summary(DANA.name)
    fake_graph.groups[LEADS] = [SAM.aad_object_id]  # Dana hands over to Sam

    await teams_platform.later(REMEMBERED - timedelta(seconds=1))
    assert REFUSED in await teams_platform.summary(SAM.name), "still as read a moment ago"
    assert len(fake_graph.member_reads()) == 2, "the two pages of the first read"

    await teams_platform.later(timedelta(seconds=1))
    assert REFUSED not in await teams_platform.summary(SAM.name)
    assert REFUSED in await teams_platform.summary(DANA.name)
    assert len(fake_graph.member_reads()) == 3


async def test_when_graph_fails_the_last_known_members_stand(
    teams_platform: TeamsPlatform, fake_graph: FakeGraph
) -> None:
    assert REFUSED not in await teams_platform.summary(DANA.name)
    fake_graph.groups[LEADS] = [SAM.aad_object_id]

    await teams_platform.later(REMEMBERED)
    fake_graph.fail_next(500)
    assert REFUSED not in await teams_platform.summary(DANA.name), "last known members"
    assert REFUSED in await teams_platform.summary(SAM.name)
    assert [r.status for r in fake_graph.member_reads()] == [200, 200, 500]

    await teams_platform.later(timedelta(minutes=1))
    fake_graph.fail_next(429, retry_after="120")
    assert REFUSED not in await teams_platform.summary(DANA.name)
    await teams_platform.later(timedelta(seconds=119))
    assert REFUSED not in await teams_platform.summary(DANA.name)
    assert [r.status for r in fake_graph.member_reads()] == [200, 200, 500, 429], (
        "no call while Graph asked to wait"
    )

    await teams_platform.later(timedelta(seconds=1))
    assert REFUSED in await teams_platform.summary(DANA.name), "Graph answers again"
    assert REFUSED not in await teams_platform.summary(SAM.name)

    logs = teams_platform.logs()
    assert "http_500" in logs and "throttled" in logs
    for trace in {LEADS, NORTH_LEADS} | teams_platform.identities(DANA.name):
        assert trace not in logs, "only the kind of failure is logged"


async def test_without_group_settings_graph_is_never_called(
    fake_graph: FakeGraph,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    sqlite_database_url: str,
    clock: MovableClock,
) -> None:
    settings = make_teams_settings(sqlite_database_url, graph_url=fake_graph.base_url)
    ws = await start_wellspring(settings, clock)
    try:
        fake_teams.rosters[personal_conversation_id(DANA.id)] = [DANA.account()]
        async with TeamsClient(ws.url) as client:
            await client.send(teams_activities.personal_message(DANA, "pulse"))
            await client.send(teams_activities.personal_message(DANA, "debrief volunteer"))
        assert await ws.inflight.drain(5)
    finally:
        await ws.stop()
    assert fake_teams.sent(personal_conversation_id(DANA.id)), "the bot did answer"
    assert fake_graph.calls == []


async def test_with_slack_beside_teams_each_platform_is_asked_only_its_own_groups(
    fake_graph: FakeGraph,
    fake_slack: FakeSlack,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    sqlite_database_url: str,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack_leads, slack_dana = "S0LEADS", "U0DANA"
    fake_slack.usergroups[slack_leads] = [slack_dana]
    settings = make_settings(
        fake_slack,
        sqlite_database_url,
        teams_client_id=APP_ID,
        teams_allow_unauthenticated=True,
        graph_url=fake_graph.base_url,
        supervisor_usergroup=slack_leads,
        supervisor_group_id=LEADS,
    )
    ws = await start_wellspring(settings, clock)
    try:
        slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
        try:
            assert REFUSED not in await private_answer(slack, fake_slack, slack_dana, "/pulse", "")
        finally:
            await slack.close()
        async with TeamsClient(ws.url) as teams:
            platform = TeamsPlatform(ws, teams, fake_teams, teams_activities, clock, caplog)
            fake_teams.rosters[personal_conversation_id(DANA.id)] = [DANA.account()]
            assert REFUSED not in await platform.summary(DANA.name)
    finally:
        await ws.stop()
    asked_of_slack = [c.params["usergroup"] for c in fake_slack.calls_to("usergroups.users.list")]
    assert asked_of_slack == [slack_leads]
    assert {r.group for r in fake_graph.member_reads()} == {LEADS}
