"""Teams activities that say no sender, two tenants or an unknown form, and a connector that
refuses every reply: a clear answer, nothing stored, no traceback, never a 500."""

import copy
from collections.abc import Iterator
from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.platforms.common import dump_database
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id
from tests.support.log_capture import production_log

ANA, BEN = Person.named("Ana Alvarez"), Person.named("Ben Brooks")
TEAM = Team.named("North Team")
OTHER_TENANT = "0f0f0f0f-1111-2222-3333-444455556666"


@pytest.fixture
def log() -> Iterator[Any]:
    with production_log() as written:
        yield written


async def installed(ws: Wellspring, teams: TeamsClient, fake: FakeBotConnector) -> None:
    fake.rosters[TEAM.channel_id()] = [ANA.account(), BEN.account()]
    fake.teams[TEAM.id] = TEAM.details()
    for person in (ANA, BEN):
        fake.rosters[personal_conversation_id(person.id)] = [person.account()]
    answer = await teams.send(TeamsActivities(fake.service_url).team_installed(ANA, TEAM))
    assert answer.status == 200
    assert await ws.inflight.drain(5)


def without_sender(activity: dict[str, Any]) -> dict[str, Any]:
    damaged = copy.deepcopy(activity)
    damaged["from"] = {"id": "", "name": "Nobody"}
    return damaged


def without_conversation(activity: dict[str, Any]) -> dict[str, Any]:
    damaged = copy.deepcopy(activity)
    damaged["conversation"]["id"] = ""
    return damaged


def two_tenants(activity: dict[str, Any]) -> dict[str, Any]:
    damaged = copy.deepcopy(activity)
    damaged["conversation"]["tenantId"] = OTHER_TENANT
    return damaged


async def test_an_activity_without_a_sender_or_place_or_with_two_tenants_is_refused(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    log: Any,
) -> None:
    await installed(teams_wellspring, teams, fake_teams)
    message = teams_activities.channel_message(ANA, "checkin now", TEAM)
    rows, calls = await dump_database(teams_wellspring), len(fake_teams.calls)
    for damaged in (without_sender(message), without_conversation(message), two_tenants(message)):
        answer = await teams.send(damaged)
        assert answer.status == 400, answer.body
    assert await teams_wellspring.inflight.drain(5)
    assert await dump_database(teams_wellspring) == rows, "nothing stored"
    assert len(fake_teams.calls) == calls, "nothing sent"
    assert "Traceback" not in log.getvalue()


async def test_a_dialog_or_button_of_no_known_form_gets_an_apology_without_a_traceback(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    teams_activities: TeamsActivities,
    fake_teams: FakeBotConnector,
    log: Any,
) -> None:
    await installed(teams_wellspring, teams, fake_teams)
    chat = Place.personal(ANA)
    for invoke in (
        teams_activities.task_fetch(ANA, chat, {"form_id": "no_such_form", "context": "x"}),
        teams_activities.task_submit(ANA, chat, {"form_id": "no_such_form", "context": "x"}),
        teams_activities.task_submit(ANA, chat, {"action": "no_such_action"}),
    ):
        answer = await teams.send(invoke)
        assert answer.status == 200, answer.body
        assert answer.body["task"]["type"] == "message", answer.body
    assert await teams_wellspring.inflight.drain(5)
    assert "Traceback" not in log.getvalue()


async def test_a_connector_that_refuses_every_reply_never_turns_into_a_500(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
) -> None:
    await installed(teams_wellspring, teams, fake_teams)
    for status in (403, 404, 500):
        fake_teams.fail_next("send", status, None, times=8)
        answer = await teams.send(teams_activities.channel_message(ANA, "checkin now", TEAM))
        assert answer.status == 200, (status, answer.body)
        assert await teams_wellspring.inflight.drain(5)
        fake_teams.clear_faults()
