"""One process serves Slack and Teams at once; each workspace is answered on its own platform."""

from collections.abc import AsyncIterator

import pytest
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import APP_ID, Person, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id

TEAM = Team.named("Child Protection North")
LEAD = Person.named("Kim Lead")


@pytest.fixture
async def both(
    fake_slack: FakeSlack,
    fake_teams: FakeBotConnector,
    sqlite_database_url: str,
    clock: MovableClock,
) -> AsyncIterator[Wellspring]:
    settings = make_settings(
        fake_slack,
        sqlite_database_url,
        teams_client_id=APP_ID,
        teams_allow_unauthenticated=True,
    )
    ws = await start_wellspring(settings, clock)
    try:
        yield ws
    finally:
        await ws.stop()


async def test_a_checkin_on_each_platform_goes_to_that_platform_only(
    both: Wellspring,
    fake_slack: FakeSlack,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    slack = SignedSlackClient(both.url, SIGNING_SECRET, fake_slack)
    try:
        await post_checkin(both, slack, fake_slack, "C0SLACKTEAM")
    finally:
        await slack.close()
    fake_teams.rosters[TEAM.channel_id()] = [LEAD.account()]
    async with TeamsClient(both.url) as teams:
        await teams.send(teams_activities.channel_message(LEAD, "checkin now", TEAM))
    assert await both.inflight.drain(5)

    slack_posts = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert [c.params["channel"] for c in slack_posts] == ["C0SLACKTEAM"]
    private = personal_conversation_id(LEAD.id)  # the "done" line, in the lead's own chat
    teams_posts = [p for p in fake_teams.sent() if p.conversation != private]
    assert len(teams_posts) == 1 and teams_posts[0].conversation.startswith(TEAM.channel_id())
    async with both.engine.connect() as conn:
        rows = await conn.execute(text("SELECT workspace FROM checkins ORDER BY workspace"))
        workspaces = [row.workspace for row in rows]
    assert [w.split(":")[0] for w in workspaces] == ["slack", "teams"]
