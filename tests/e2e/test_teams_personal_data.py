"""Teams: someone removed from a team loses what Wellspring held about them; others keep theirs."""

from app import Wellspring
from tests.e2e.teams_dialog_helpers import submit_data
from tests.e2e.test_teams_personal import find
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector
from tests.support.canary import dump_database

SAM = Person.named("Sam Caseworker", timezone="Europe/London")
KIM = Person.named("Kim Lead")
TEAM = Team.named("North Team")


async def add_reminder(
    ws: Wellspring, teams: TeamsClient, acts: TeamsActivities, who: Person, fake: FakeBotConnector
) -> None:
    """A private reminder saved through the dialog in the person's own chat."""
    chat = Place.personal(who)
    add = find(fake.sent(chat.conversation_id), "action", "personal_add")
    await teams.send(acts.card_action(who, chat, add["action"], add, reply_to_id="1"))
    opener = find(fake.sent(chat.conversation_id), "form_id", "personal_form")
    data = await submit_data(teams, acts, who, chat, opener)
    values = {"label": "End of my shift", "days": "thu", "time": "17:00", "timezone": "UTC"}
    done = await teams.send(acts.task_submit(who, Place.personal(who), {**data, **values}))
    assert done.status == 200
    assert await ws.inflight.drain(5)


async def test_a_member_removed_from_a_team_loses_their_data(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    ws, acts = teams_wellspring, teams_activities
    for person in (SAM, KIM):
        await teams.send(acts.personal_message(person, "home"))
        await add_reminder(ws, teams, acts, person, fake_teams)
    async with ws.engine.connect() as conn:
        before = await dump_database(conn)
    assert SAM.aad_object_id in before and KIM.aad_object_id in before

    removed = acts.bot_removed(KIM, Place.channel(TEAM))
    removed["membersRemoved"] = [{"id": SAM.id, "aadObjectId": SAM.aad_object_id}]
    answer = await teams.send(removed)
    assert answer.status == 200
    assert await ws.inflight.drain(5)

    async with ws.engine.connect() as conn:
        after = await dump_database(conn)
    assert SAM.aad_object_id not in after and SAM.id not in after, "Sam's rows are gone"
    assert KIM.aad_object_id in after, "Kim, who removed Sam, keeps her reminder"
