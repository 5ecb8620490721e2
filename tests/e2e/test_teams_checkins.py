"""Teams: a team installs Wellspring, posts a check-in, people answer it privately, it closes."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import DIGEST_PLAN_JOB, Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import WINDOW, close_window
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, Posted, personal_conversation_id

CATALOG = load_catalog()
TEAM = Team.named("Family Support")
LEAD = Person.named("Dana Lead")
HEAD = Person.named("Pat Head")  # a supervisor who never writes to the bot
WORKERS = [Person.named(f"Worker {i}") for i in range(6)]


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": f"{LEAD.aad_object_id},{HEAD.aad_object_id}"}


async def installed(
    teams: TeamsClient, fake: FakeBotConnector, activities: TeamsActivities
) -> Place:
    """The team installs Wellspring; everyone is on the roster."""
    channel = Place.channel(TEAM)
    fake.rosters[TEAM.channel_id()] = [p.account() for p in (LEAD, HEAD, *WORKERS)]
    answer = await teams.send(activities.team_installed(LEAD, TEAM))
    assert answer.status == 200
    return channel


async def checkin_posted(
    ws: Wellspring, teams: TeamsClient, fake: FakeBotConnector, activities: TeamsActivities
) -> Posted:
    await installed(teams, fake, activities)
    before = len(fake.sent())
    reply = await teams.send(activities.channel_message(LEAD, "checkin now", TEAM))
    assert reply.status == 200
    assert await ws.inflight.drain(5)
    posts = [p for p in fake.sent()[before:] if not p.targeted]
    [checkin] = [p for p in posts if _buttons(p)]
    return checkin


def _buttons(posted: Posted) -> dict[str, dict[str, Any]]:
    """level -> the Action.Execute data of the check-in card's answer buttons."""
    found = {}
    for card in posted.cards:
        for element in card.get("body", []):
            for action in element.get("actions", []) if element.get("type") == "ActionSet" else []:
                data = action.get("data") or {}
                if data.get("action") == "pulse_level":
                    found[str(data["value"]).partition("|")[2]] = data
    return found


async def click(
    ws: Wellspring,
    teams: TeamsClient,
    activities: TeamsActivities,
    checkin: Posted,
    person: Person,
    level: str,
) -> dict[str, Any]:
    data = _buttons(checkin)[level]
    place = Place.channel(TEAM)
    activity = activities.card_action(person, place, data["action"], data, reply_to_id=checkin.id)
    answer = await teams.send(activity)
    assert answer.status == 200
    assert await ws.inflight.drain(5)
    return dict(answer.body or {})


async def counts(ws: Wellspring) -> dict[str, int]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(text("SELECT level, responses FROM pulse_counts"))
        return {level: responses for level, responses in rows}


async def test_checkin_now_in_a_channel_posts_one_card_with_a_button_per_level(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    checkin = await checkin_posted(teams_wellspring, teams, fake_teams, teams_activities)
    assert set(_buttons(checkin)) == {"early", "middle", "late", "beyond"}
    assert checkin.conversation.startswith(TEAM.channel_id())
    confirmation = fake_teams.sent(personal_conversation_id(LEAD.id))
    assert confirmation, "told privately, in their own chat with the bot"
    assert not [p for p in fake_teams.sent() if p.targeted], "no preview feature by default"


async def test_a_click_is_counted_once_and_acknowledged_only_to_the_clicker(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws = teams_wellspring
    checkin = await checkin_posted(ws, teams, fake_teams, teams_activities)
    before = len(fake_teams.sent())
    answer = await click(ws, teams, teams_activities, checkin, WORKERS[0], "late")
    assert answer.get("type") == "application/vnd.microsoft.activity.message"
    [ack] = fake_teams.sent()[before:]
    assert ack.conversation == personal_conversation_id(WORKERS[0].id) and not ack.targeted
    assert "pulse_debrief" in str(ack.cards), "a late-stage answer is offered a debrief"
    again = await click(ws, teams, teams_activities, checkin, WORKERS[0], "early")
    assert again.get("value") == CATALOG.text("pulse.already_answered")
    assert await counts(ws) == {"early": 0, "middle": 0, "late": 1, "beyond": 0}

    await close_window(ws, clock, WINDOW)
    [closed] = fake_teams.updates()
    assert closed.id == checkin.id
    assert not _buttons(closed), "the closed card has no buttons"
    assert CATALOG.text("checkin.closed_line") in str(closed.cards)


async def test_a_supervisor_who_never_wrote_to_the_bot_gets_the_weekly_digest_privately(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws = teams_wellspring
    checkin = await checkin_posted(ws, teams, fake_teams, teams_activities)
    for person, level in zip(WORKERS, ["early", "late"] * 3, strict=True):
        await click(ws, teams, teams_activities, checkin, person, level)
    await close_window(ws, clock, WINDOW)
    clock.set(datetime(2026, 11, 30, 15, 30, tzinfo=UTC))  # Monday 09:30 in Chicago
    await ws.scheduler.run_now(DIGEST_PLAN_JOB)
    assert await ws.inflight.drain(5)
    digest = fake_teams.sent(personal_conversation_id(HEAD.id))
    assert digest, "reached through the roster kept at install, in their own chat"
    assert any("2026-W48" in str(posted.cards) for posted in digest)
    assert any("data:image/png;base64," in str(posted.cards) for posted in digest), "and a chart"
    images = [
        element
        for posted in digest
        for attachment in posted.cards
        for element in attachment.get("body", [])
        if element.get("type") == "Image"
    ]
    assert images and all("Bar chart" in image["altText"] for image in images), (
        "the chart in words for screen readers, as on Slack"
    )
