"""Activities whose fields are not as Teams sends them are refused before the SDK reads them."""

import copy
from typing import Any

import pytest

from handlers.teams.activity_shape import has_teams_shape
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities

ARI = Person.named("Ari Worker")
NORTH = Team.named("North")
BUILD = TeamsActivities("https://smba.trafficmanager.net/amer/")
MESSAGE = BUILD.channel_message(ARI, "checkin now", NORTH)
CLICK = BUILD.card_action(ARI, Place.channel(NORTH), "act", {"action": "x"}, reply_to_id="1")
SUBMIT = BUILD.task_submit(ARI, Place.personal(ARI), {"form_id": "schedule_form"})
INSTALL = BUILD.team_installed(ARI, NORTH)


def changed(activity: dict[str, Any], *path: str, to: Any) -> dict[str, Any]:
    damaged = copy.deepcopy(activity)
    node = damaged
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = to
    return damaged


@pytest.mark.parametrize("activity", [MESSAGE, CLICK, SUBMIT, INSTALL])
def test_the_activities_teams_sends_are_accepted(activity: dict[str, Any]) -> None:
    assert has_teams_shape(activity)


def test_a_message_may_carry_any_value() -> None:
    assert has_teams_shape({**MESSAGE, "value": {"action": "an Action.Submit's data"}})


@pytest.mark.parametrize(
    "activity",
    [
        changed(MESSAGE, "from", to="29:1abc"),  # an object in every activity
        changed(MESSAGE, "conversation", "id", to=7),
        changed(MESSAGE, "conversation", "tenantId", to="t" * 100),  # a GUID's column
        changed(MESSAGE, "channelData", "team", to=["North"]),
        changed(MESSAGE, "entities", to=[{"type": "clientInfo", "timezone": {"a": 1}}]),
        changed(MESSAGE, "entities", to=["clientInfo"]),
        changed(MESSAGE, "from", "name", to="Ari\x00Worker"),
        changed(MESSAGE, "text", to="a lone \ud800 surrogate"),
        changed(CLICK, "value", to="not an object"),
        changed(CLICK, "value", "action", to=["x"]),
        changed(SUBMIT, "value", "data", to="form_id"),
        changed(CLICK, "value", "action", "data", to={"action": "x", "value": "id\x00"}),
        changed(INSTALL, "membersAdded", to=[["28:bot"]]),
        changed(INSTALL, "conversation", "id", to="19:" + "a" * 1000),
        changed(MESSAGE, "id", to="1" * 200),  # longer than its delivery record's key
    ],
)
def test_fields_of_other_types_or_sizes_are_refused(activity: dict[str, Any]) -> None:
    assert not has_teams_shape(activity)
