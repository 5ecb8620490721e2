"""Teams: leaving a team changes only that team; a person's own data goes when they ask (or an
admin erases it), with an open debrief request never cancelled behind their back; the database
keeps Teams ids only, and names come from the roster when a message needs one."""

import asyncio
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bootstrap import Wellspring, start_wellspring
from bot.storage.tables import (
    debrief_requests,
    placements,
    schedules,
    supervisor_teams,
    volunteers,
)
from prompts import load_catalog
from tests.e2e.conftest import MovableClock, make_teams_settings
from tests.e2e.platforms.teams import TeamsPlatform, posted_text
from tests.e2e.teams_dialog_helpers import submit_data
from tests.e2e.test_teams_personal import find
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id
from tests.support.canary import dump_database

CATALOG = load_catalog()
SAM = Person.named("Sam Caseworker", timezone="Europe/London")
KIM = Person.named("Kim Lead")
LEE = Person.named("Lee Peer")
ADMIN = Person.named("Ada Admin")
TEAM_A, TEAM_B = Team.named("North Team"), Team.named("South Team")
PEOPLE = (SAM, KIM, LEE, ADMIN)
TENANT = f"teams:{SAM.tenant_id}"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"admin_user_ids": ADMIN.aad_object_id, "peer_user_ids": LEE.aad_object_id}


@pytest.fixture
def harness(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> TeamsPlatform:
    return TeamsPlatform(teams_wellspring, teams, fake_teams, teams_activities, clock, caplog)


async def send(ws: Wellspring, teams: TeamsClient, activity: dict[str, Any]) -> dict[str, Any]:
    answer = await teams.send(activity)
    assert answer.status == 200, answer.body
    assert await ws.inflight.drain(5)
    return dict(answer.body or {})


async def install_both_teams(
    ws: Wellspring, teams: TeamsClient, fake: FakeBotConnector, acts: TeamsActivities
) -> None:
    """Both teams have everyone in them; Teams knows each person's 1:1 chat with the bot."""
    for team in (TEAM_A, TEAM_B):
        fake.rosters[team.id] = [p.account() for p in PEOPLE]
        fake.teams[team.id] = team.details()
        await send(ws, teams, acts.team_installed(KIM, team))
    for p in PEOPLE:
        fake.rosters[personal_conversation_id(p.id)] = [p.account()]


async def sams_own_data(harness: TeamsPlatform, acts: TeamsActivities) -> None:
    """A reminder, a volunteer entry, a student (Kim), an open request, two assigned teams."""
    ws, teams = harness.ws, harness._teams
    await send(ws, teams, acts.personal_message(SAM, "home"))
    chat, fake = Place.personal(SAM), harness._fake
    add = find(fake.sent(chat.conversation_id), "action", "personal_add")
    await send(ws, teams, acts.card_action(SAM, chat, add["action"], add, reply_to_id="1"))
    opener = find(fake.sent(chat.conversation_id), "form_id", "personal_form")
    reminder = await submit_data(teams, acts, SAM, chat, opener)
    values = {"label": "End of my shift", "days": "thu", "time": "17:00", "timezone": "UTC"}
    await send(ws, teams, acts.task_submit(SAM, chat, {**reminder, **values}))
    async with ws.engine.begin() as conn:
        await conn.execute(
            volunteers.insert().values(
                workspace=TENANT,
                person=SAM.aad_object_id,
                capacity=2,
                days="0,1,2,3,4",
                timezone="UTC",
            )
        )
        for team in (TEAM_A, TEAM_B):
            await conn.execute(
                supervisor_teams.insert().values(
                    workspace=TENANT, supervisor=SAM.aad_object_id, conversation=team.id
                )
            )
    placement = {"instructor": SAM.aad_object_id, "starts_on": "2026-11-23"}
    placement |= {"ends_on": "2027-02-26", "day": "fri", "at": "15:00", "timezone": "UTC"}
    await harness._fill_form(KIM, "placement", placement)
    await harness.volunteer(LEE.name)
    await harness.request_debrief(SAM.name, note="the home visit on Elm Street")
    assert harness.offers_to(LEE.name), "the request is out to a peer"


def unnamed_mentions(fake: FakeBotConnector) -> list[str]:
    """Sent texts still holding a mention placeholder (a private-use character)."""
    texts = [str(posted.cards) for posted in fake.sent()]
    return [text for text in texts if any("\ue000" <= c <= "\uf8ff" for c in text)]


async def rows_of(ws: Wellspring) -> dict[str, list[Any]]:
    async with ws.engine.connect() as conn:
        return {
            table.name: list(await conn.execute(select(table)))
            for table in (volunteers, schedules, placements, debrief_requests, supervisor_teams)
        }


async def test_removing_a_colleague_from_a_team_changes_only_that_team(
    harness: TeamsPlatform,
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    await install_both_teams(ws, teams, fake_teams, acts)
    await sams_own_data(harness, acts)
    before = await rows_of(ws)
    sent_to_sam = len(fake_teams.sent(personal_conversation_id(SAM.id)))

    # Kim, an owner of North Team, removes Sam from it.
    removed = acts.bot_removed(KIM, Place.channel(TEAM_A))
    removed["membersRemoved"] = [{"id": SAM.id, "aadObjectId": SAM.aad_object_id}]
    await send(ws, teams, removed)

    after = await rows_of(ws)
    for table in ("volunteers", "schedules", "placements", "debrief_requests"):
        assert after[table] == before[table], f"{table}: Sam's own rows are untouched"
    [request] = after["debrief_requests"]
    assert request.status == "searching" and request.note, "the open request stays open"
    assigned = {row.conversation for row in after["supervisor_teams"]}
    assert assigned == {TEAM_B.id}, "only North Team's assignment went"
    assert len(fake_teams.sent(personal_conversation_id(SAM.id))) == sent_to_sam
    assert unnamed_mentions(fake_teams) == []


async def test_an_admin_erasure_that_cancels_an_open_request_tells_the_person(
    harness: TeamsPlatform,
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    await install_both_teams(ws, teams, fake_teams, acts)
    await sams_own_data(harness, acts)

    await send(ws, teams, acts.personal_message(ADMIN, f"wellspring erase {SAM.aad_object_id}"))

    told = [posted_text(p) for p in fake_teams.sent(personal_conversation_id(SAM.id))]
    assert any(CATALOG.text("mydata.extra.request_cancelled") in text for text in told), told
    async with ws.engine.connect() as conn:
        after = await dump_database(conn)
    assert SAM.aad_object_id not in after and SAM.id not in after
    assert personal_conversation_id(SAM.id) not in after, "the 1:1 reference went too"


async def test_delete_all_of_it_removes_the_one_to_one_reference_and_says_what_was_cancelled(
    harness: TeamsPlatform,
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    await install_both_teams(ws, teams, fake_teams, acts)
    await sams_own_data(harness, acts)
    chat = personal_conversation_id(SAM.id)
    await send(ws, teams, acts.personal_message(SAM, "wellspring my data"))
    button = find(fake_teams.sent(chat), "action", "personal_data_delete")
    answer = await send(
        ws,
        teams,
        acts.card_action(SAM, Place.personal(SAM), button["action"], button, reply_to_id="1"),
    )

    shown = str(answer) + " ".join(posted_text(p) for p in fake_teams.sent(chat))
    assert CATALOG.text("mydata.extra.request_cancelled") in shown
    async with ws.engine.connect() as conn:
        after = await dump_database(conn)
    assert chat not in after, "no conversation reference to Sam's 1:1 chat is left"
    assert SAM.aad_object_id not in after and SAM.id not in after


async def test_the_database_keeps_no_member_names_or_sign_in_names(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    tmp_path: Path,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    await install_both_teams(ws, teams, fake_teams, acts)  # the roster sync
    for p in PEOPLE:  # and every one of them writes to the bot
        await send(ws, teams, acts.personal_message(p, "home"))
    async with ws.engine.connect() as conn:
        rows = await dump_database(conn)
    assert SAM.aad_object_id in rows, "people are still reachable, by id"
    await ws.stop()  # every write is in the files
    files = await asyncio.to_thread(
        lambda: b"".join(path.read_bytes() for path in tmp_path.glob("wellspring.db*"))
    )
    for p in PEOPLE:
        for word in (p.name, p.upn, p.email):
            assert word not in rows, f"{word} is in a table"
            assert word.encode() not in files, f"{word} is in the database files"


async def test_a_restarted_app_still_names_people_fetching_them_from_the_roster(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    sqlite_database_url: str,
    clock: MovableClock,
    overrides: dict[str, Any],
) -> None:
    ws, acts = teams_wellspring, teams_activities
    await install_both_teams(ws, teams, fake_teams, acts)
    await ws.stop()
    fresh = await start_wellspring(make_teams_settings(sqlite_database_url, **overrides), clock)
    try:
        async with TeamsClient(fresh.url) as client:
            harness = TeamsPlatform(fresh, client, fake_teams, acts, clock, None)  # type: ignore[arg-type]
            placement = {"instructor": SAM.aad_object_id, "starts_on": "2026-11-23"}
            placement |= {"ends_on": "2027-02-26", "day": "fri", "at": "15:00", "timezone": "UTC"}
            await harness._fill_form(KIM, "placement", placement)
            said = " ".join(
                posted_text(p) for p in fake_teams.sent(personal_conversation_id(KIM.id))
            )
    finally:
        await fresh.stop()
    assert f"{SAM.name} has been asked to confirm" in said, said
    assert unnamed_mentions(fake_teams) == []


async def test_another_replica_names_people_it_has_never_seen(
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    database_url: str,
    clock: MovableClock,
    overrides: dict[str, Any],
) -> None:
    """Replica A sees the installs; replica B, on the same database, names Sam all the same."""
    acts = teams_activities
    first = await start_wellspring(make_teams_settings(database_url, **overrides), clock)
    second = await start_wellspring(make_teams_settings(database_url, **overrides), clock)
    try:
        async with TeamsClient(first.url) as to_first:
            await install_both_teams(first, to_first, fake_teams, acts)
        async with TeamsClient(second.url) as to_second:
            harness = TeamsPlatform(second, to_second, fake_teams, acts, clock, None)  # type: ignore[arg-type]
            placement = {"instructor": SAM.aad_object_id, "starts_on": "2026-11-23"}
            placement |= {"ends_on": "2027-02-26", "day": "fri", "at": "15:00", "timezone": "UTC"}
            await harness._fill_form(KIM, "placement", placement)
        said = " ".join(posted_text(p) for p in fake_teams.sent(personal_conversation_id(KIM.id)))
    finally:
        await second.stop()
        await first.stop()
    assert f"{SAM.name} has been asked to confirm" in said, said
    assert unnamed_mentions(fake_teams) == []
