"""A Teams dialog's context comes back through the client: it is sealed, and checked on submit
together with the submitter's right to act there (issue 18, finding 5)."""

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from bootstrap import SWEEP_JOB, Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.platforms.common import plain, texts_in
from tests.e2e.platforms.teams import levels_on
from tests.e2e.teams_dialog_helpers import dialog_data
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector

CATALOG = load_catalog()
FAMILY, YOUTH = Team.named("Family Support"), Team.named("Youth Justice")
LEAD, WORKER = Person.named("Dana Lead"), Person.named("Ana Reyes")
OUTSIDER = Person.named("Sam Elsewhere")  # in Youth Justice only
VALUES = {"kind": "checkin", "days": "mon,tue,wed,thu,fri,sat,sun", "time": "09:00"}
WHEN = {**VALUES, "timezone": "UTC"}


async def send(ws: Wellspring, teams: TeamsClient, activity: dict[str, Any]) -> dict[str, Any]:
    answer = await teams.send(activity)
    assert answer.status == 200, (answer.status, answer.body)
    assert await ws.inflight.drain(5)
    return dict(answer.body or {})


async def install_both(
    ws: Wellspring, teams: TeamsClient, fake: FakeBotConnector, make: TeamsActivities
) -> None:
    fake.rosters[FAMILY.channel_id()] = [LEAD.account(), WORKER.account()]
    fake.rosters[YOUTH.channel_id()] = [OUTSIDER.account()]
    await send(ws, teams, make.team_installed(LEAD, FAMILY))
    await send(ws, teams, make.team_installed(OUTSIDER, YOUTH))


async def opened_form(
    teams: TeamsClient, fake: FakeBotConnector, make: TeamsActivities, person: Person, team: Team
) -> dict[str, Any]:
    """`checkin schedule` typed in the team and the dialog opened: its submit button's data."""
    return await dialog_data(teams, make, fake, person, Place.channel(team), "checkin schedule")


async def schedules_by_team(ws: Wellspring) -> dict[str, int]:
    async with ws.engine.connect() as connection:
        rows = await connection.execute(
            text("SELECT conversation, count(*) FROM schedules GROUP BY conversation")
        )
        return {conversation: count for conversation, count in rows}


def private_words(fake: FakeBotConnector, since: int) -> str:
    return plain(" ".join(plain(" ".join(texts_in(p.cards))) for p in fake.sent()[since:]))


async def test_a_non_member_cannot_schedule_in_another_team_by_editing_the_context(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws, make = teams_wellspring, teams_activities
    await install_both(ws, teams, fake_teams, make)
    own = await opened_form(teams, fake_teams, make, OUTSIDER, YOUTH)
    before = len(fake_teams.sent())
    forged = {**own, **WHEN, "context": FAMILY.channel_id()}
    answer = await send(ws, teams, make.task_submit(OUTSIDER, Place.channel(YOUTH), forged))
    assert await schedules_by_team(ws) == {}
    assert "task" not in answer, "the dialog closes; the refusal comes as a private message"
    assert plain(CATALOG.text("forms.refused")) in private_words(fake_teams, before)
    clock.set(clock.now() + timedelta(days=1, hours=2))
    await ws.scheduler.run_now(SWEEP_JOB)
    assert await ws.inflight.drain(5)
    posted = [p for p in fake_teams.sent(FAMILY.channel_id()) if levels_on(p.cards)]
    assert posted == [], "no check-in in the other team at the next sweep"


async def test_a_well_sealed_form_is_refused_to_a_non_member_of_its_team(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, make = teams_wellspring, teams_activities
    await install_both(ws, teams, fake_teams, make)
    data = await opened_form(teams, fake_teams, make, OUTSIDER, YOUTH)
    fake_teams.rosters[YOUTH.channel_id()] = []  # left the team after opening the form
    before = len(fake_teams.sent())
    await send(ws, teams, make.task_submit(OUTSIDER, Place.channel(YOUTH), {**data, **WHEN}))
    assert await schedules_by_team(ws) == {}
    assert plain(CATALOG.text("schedules.not_member")) in private_words(fake_teams, before)


async def test_an_empty_context_is_refused_and_nothing_is_saved(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, make = teams_wellspring, teams_activities
    await install_both(ws, teams, fake_teams, make)
    before = len(fake_teams.sent())
    empty = {"form_id": "schedule_form", "context": "", **WHEN}
    await send(ws, teams, make.task_submit(LEAD, Place.channel(FAMILY), empty))
    missing = {"form_id": "schedule_form", **WHEN}
    after_empty = len(fake_teams.sent())
    await send(ws, teams, make.task_submit(LEAD, Place.channel(FAMILY), missing))
    assert await schedules_by_team(ws) == {}
    refusal = plain(CATALOG.text("forms.refused"))
    assert refusal in private_words(fake_teams, before)
    assert refusal in private_words(fake_teams, after_empty)


async def test_a_context_opened_for_one_person_is_refused_to_another(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, make = teams_wellspring, teams_activities
    await install_both(ws, teams, fake_teams, make)
    leads = await opened_form(teams, fake_teams, make, LEAD, FAMILY)
    before = len(fake_teams.sent())
    await send(ws, teams, make.task_submit(WORKER, Place.channel(FAMILY), {**leads, **WHEN}))
    assert await schedules_by_team(ws) == {}
    assert plain(CATALOG.text("forms.refused")) in private_words(fake_teams, before)


async def test_an_expired_context_is_refused(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws, make = teams_wellspring, teams_activities
    await install_both(ws, teams, fake_teams, make)
    data = await opened_form(teams, fake_teams, make, LEAD, FAMILY)
    clock.set(clock.now() + timedelta(hours=1, minutes=1))
    before = len(fake_teams.sent())
    await send(ws, teams, make.task_submit(LEAD, Place.channel(FAMILY), {**data, **WHEN}))
    assert await schedules_by_team(ws) == {}
    assert plain(CATALOG.text("forms.expired")) in private_words(fake_teams, before)


async def test_a_member_s_dialog_sent_within_the_hour_saves_the_schedule(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws, make = teams_wellspring, teams_activities
    await install_both(ws, teams, fake_teams, make)
    data = await opened_form(teams, fake_teams, make, LEAD, FAMILY)
    clock.set(clock.now() + timedelta(minutes=59))
    answer = await send(ws, teams, make.task_submit(LEAD, Place.channel(FAMILY), {**data, **WHEN}))
    assert "task" not in answer, f"the dialog closed without an error: {answer}"
    assert await schedules_by_team(ws) == {FAMILY.channel_id(): 1}


async def test_an_opener_card_clicked_after_the_hour_says_to_open_the_form_again(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
) -> None:
    ws, make, channel = teams_wellspring, teams_activities, Place.channel(FAMILY)
    await install_both(ws, teams, fake_teams, make)
    before = len(fake_teams.sent())
    await send(ws, teams, make.channel_message(LEAD, "checkin schedule", FAMILY))
    [opener] = [
        action["data"]
        for posted in fake_teams.sent()[before:]
        for card in posted.cards
        for action in card.get("actions", [])
        if action.get("data", {}).get("form_id") == "schedule_form"
    ]
    clock.set(clock.now() + timedelta(hours=2))
    answer = await send(ws, teams, make.task_fetch(LEAD, channel, opener))
    assert answer == {"task": {"type": "message", "value": CATALOG.text("forms.expired")}}
    clock.set(clock.now() - timedelta(hours=2))
    forged = {**opener, "context": opener["context"].replace(".", ".x", 1)}
    answer = await send(ws, teams, make.task_fetch(LEAD, channel, forged))
    assert answer == {"task": {"type": "message", "value": CATALOG.text("forms.refused")}}
