"""How the Slack route reads bodies, including the text Bolt 1.30 mis-parses."""

import json
from urllib.parse import urlencode

import pytest

from handlers.slack.http_route import MalformedBody, parse_slack_body

FORM = "application/x-www-form-urlencoded"


def test_a_command_mentioning_payload_is_read_as_a_command() -> None:
    raw = urlencode({"command": "/checkin", "text": "my payload", "user_id": "U1"})
    assert parse_slack_body(raw, FORM)["text"] == "my payload"


def test_an_interaction_is_read_from_its_payload_field() -> None:
    raw = urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})})
    assert parse_slack_body(raw, FORM)["type"] == "block_actions"


def test_events_are_json() -> None:
    body = parse_slack_body('{"type": "event_callback"}', "application/json")
    assert body == {"type": "event_callback"}


@pytest.mark.parametrize(
    ("raw", "content_type"),
    [
        ("{not json", "application/json"),
        ("[1, 2]", "application/json"),
        ("payload=%7Bbroken", FORM),
        ("payload=%5B%5D", FORM),
        ("", FORM),
        ("a=1&&=b&c", FORM),
    ],
)
def test_malformed_bodies_are_refused(raw: str, content_type: str) -> None:
    with pytest.raises(MalformedBody):
        parse_slack_body(raw, content_type)
