"""Signed bodies whose fields are not as Slack sends them are refused before Bolt reads them."""

from typing import Any

import pytest

from handlers.slack.payload_shape import has_slack_shape

CLICK: dict[str, Any] = {
    "type": "block_actions",
    "team": {"id": "T0AGENCY", "domain": "agency"},
    "user": {"id": "U0ALICE", "team_id": "T0AGENCY"},
    "trigger_id": "1.2.abc",
    "channel": {"id": "C0TEAM", "name": "team-north"},
    "response_url": "https://hooks.slack.com/actions/T0AGENCY/1/abc",
    "actions": [{"action_id": "pulse_level#1", "block_id": "b1", "value": "id|middle"}],
}
COMMAND = {"command": "/checkin", "text": "now", "user_id": "U0ALICE", "trigger_id": "1.2.abc"}
EVENT = {
    "type": "event_callback",
    "team_id": "T0AGENCY",
    "event_id": "Ev012ABC",
    "event": {"type": "user_change", "user": {"id": "U0ALICE", "deleted": True}},
}


@pytest.mark.parametrize("body", [CLICK, COMMAND, EVENT, {"type": "url_verification"}])
def test_the_shapes_slack_sends_are_accepted(body: dict[str, Any]) -> None:
    assert has_slack_shape(body)


@pytest.mark.parametrize(
    "body",
    [
        {**CLICK, "actions": [{"block_id": "b1"}]},  # Bolt matches on action_id
        {**CLICK, "actions": []},
        {**CLICK, "team": "T0AGENCY"},  # an object in every interaction
        {**CLICK, "user": {"id": " "}},  # not an id Slack could send
        {**COMMAND, "user_id": "U" * 500},  # longer than the database's id columns
        {**COMMAND, "command": 7},
        {**EVENT, "event": None},
        {**EVENT, "event": {"user": "U0ALICE"}},  # no type to route on
        {"type": "view_submission", "user": {"id": "U0A"}, "trigger_id": "1", "view": ""},
        {"type": "", "view": "", "response_urls": None},
        {**CLICK, "response_urls": [{"response_url": "https://hooks.slack.com/a"}] * 2},
        {**CLICK, "actions": [{"action_id": "debrief_pass#1", "value": "id\x00"}]},
        {**COMMAND, "text": "now \ud800"},  # JSON can carry a lone surrogate; UTF-8 can't
        {**COMMAND, "trigger_id": "1." * 60},  # longer than its delivery record's key
        {**COMMAND, "trigger_id": "1.2 abc"},
        {**CLICK, "trigger_id": ""},  # a form can't be opened without one
    ],
)
def test_fields_of_other_types_or_unlike_ids_are_refused(body: dict[str, Any]) -> None:
    assert not has_slack_shape(body)
