"""Teams: an admin sets one schedule up in the teams they tick, through a dialog."""

from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.teams_dialog_helpers import dialog_data
from tests.e2e.test_teams_personal import actions, find
from tests.e2e.test_teams_platform import ALL_DAYS, send
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector

CATALOG = load_catalog()
ADMIN = Person.named("Ada Admin")
NORTH, SOUTH, EAST = Team.named("North"), Team.named("South"), Team.named("East")
ADMIN_CHAT = Place.personal(ADMIN)


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"admin_user_ids": ADMIN.aad_object_id}


async def schedule_in(
    ws: Wellspring, teams: TeamsClient, acts: TeamsActivities, team: Team, at: str,
    fake: FakeBotConnector,
) -> None:  # fmt: skip
    """A check-in schedule saved through the channel's schedule dialog (the admin is in it)."""
    fake.rosters[team.channel_id()] = [ADMIN.account()]
    data = await dialog_data(teams, acts, fake, ADMIN, Place.channel(team), "checkin schedule")
    values = {"kind": "checkin", "days": ALL_DAYS, "time": at, "timezone": "UTC"}
    await send(ws, teams, acts.task_submit(ADMIN, Place.channel(team), {**data, **values}))


async def schedules_by_team(ws: Wellspring) -> dict[str, int]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT conversation, count(*) AS n FROM schedules GROUP BY conversation")
        )
        return {row.conversation: row.n for row in rows}


async def test_an_admin_ticks_the_teams_a_schedule_is_set_up_in(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    for team, at in ((NORTH, "09:00"), (SOUTH, "10:00"), (EAST, "11:00")):
        await schedule_in(ws, teams, acts, team, at, fake_teams)

    await send(ws, teams, acts.personal_message(ADMIN, "wellspring admin"))
    page = fake_teams.sent(ADMIN_CHAT.conversation_id)
    choose = [a["data"] for p in page for a in actions(p)
              if (a.get("data") or {}).get("action") == "schedule_copy_some"]  # fmt: skip
    assert len(choose) == 3, "one Choose teams… button under each schedule"
    [north_id] = await schedule_ids(ws, NORTH)
    [north] = [data for data in choose if data["value"] == north_id]
    await send(
        ws, teams, acts.card_action(ADMIN, ADMIN_CHAT, "schedule_copy_some", north, reply_to_id="1")
    )
    opener = find(fake_teams.sent(ADMIN_CHAT.conversation_id), "form_id", "schedule_copy_form")
    dialog = await send(ws, teams, acts.task_fetch(ADMIN, ADMIN_CHAT, opener))
    card = dialog["task"]["value"]["card"]["content"]
    [field] = [e for e in card["body"] if e.get("id") == "teams"]
    offered = {choice["value"] for choice in field["choices"]}
    assert offered == {SOUTH.channel_id(), EAST.channel_id()}, "every other team, no more"
    assert field["isMultiSelect"] is True

    [submit] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    chosen = {**submit["data"], "teams": EAST.channel_id()}
    before = len(fake_teams.sent(ADMIN_CHAT.conversation_id))
    await send(ws, teams, acts.task_submit(ADMIN, ADMIN_CHAT, chosen))
    told = fake_teams.sent(ADMIN_CHAT.conversation_id)[before:]
    assert CATALOG.text("admin.copied", count="1", full="0") in str([p.cards for p in told])
    assert await schedules_by_team(ws) == {
        NORTH.channel_id(): 1,
        SOUTH.channel_id(): 1,
        EAST.channel_id(): 2,
    }


async def schedule_ids(ws: Wellspring, team: Team) -> list[str]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT id FROM schedules WHERE conversation = :c"), {"c": team.channel_id()}
        )
        return [row.id for row in rows]


async def test_a_teams_admins_actions_are_on_the_admin_page_and_in_the_trail(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    someone = Person.named("Sam Someone")
    await send(ws, teams, acts.personal_message(someone, "wellspring holidays 2026-12-25"))
    await send(ws, teams, acts.personal_message(ADMIN, "wellspring holidays 2026-12-25"))
    await send(ws, teams, acts.personal_message(ADMIN, f"wellspring erase {someone.aad_object_id}"))
    async with ws.engine.connect() as conn:
        rows = (await conn.execute(text("SELECT actor, kind, person FROM admin_actions"))).all()
    assert sorted(tuple(row) for row in rows) == [
        (ADMIN.aad_object_id, "erase", None),
        (ADMIN.aad_object_id, "holidays_set", None),
    ], "only the admin's actions, by their Entra id; the erasure names no one"

    before = len(fake_teams.sent(ADMIN_CHAT.conversation_id))
    await send(ws, teams, acts.personal_message(ADMIN, "wellspring admin"))
    page = str([p.cards or p.text for p in fake_teams.sent(ADMIN_CHAT.conversation_id)[before:]])
    assert "Recent admin actions" in page
    assert "changed the agency holidays" in page and "erased someone's data" in page
    assert someone.aad_object_id not in page

    chat = Place.personal(someone)
    await send(ws, teams, acts.personal_message(someone, "wellspring admin"))
    refused = str([p.cards or p.text for p in fake_teams.sent(chat.conversation_id)])
    assert CATALOG.text("admin.refuse") in refused
    assert "Recent admin actions" not in refused
