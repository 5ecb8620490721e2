"""How the Slack route reads bodies, including the text Bolt 1.30 mis-parses."""

import hashlib
import hmac
import json
import time
from urllib.parse import urlencode

import pytest
from slack_bolt.middleware.request_verification.async_request_verification import (
    AsyncRequestVerification,
)
from slack_bolt.response import BoltResponse

from handlers.slack.http_route import MalformedBody, ParsedBoltRequest, parse_slack_body

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
        ("[" * 200_000, "application/json"),
        ('{"a":' * 33 + "1" + "}" * 33, "application/json"),
        ("payload=" + "%5B" * 200_000, FORM),
    ],
)
def test_malformed_bodies_are_refused(raw: str, content_type: str) -> None:
    with pytest.raises(MalformedBody):
        parse_slack_body(raw, content_type)


async def test_bolt_still_checks_the_signature_of_a_request_parsed_once() -> None:
    """Our parse is handed to Bolt as a dict, yet Bolt verifies the raw body as in HTTP mode."""
    raw = urlencode({"payload": json.dumps({"type": "block_actions", "actions": []})})
    now = str(int(time.time()))
    base = f"v0:{now}:{raw}".encode()
    good = "v0=" + hmac.new(b"secret", base, hashlib.sha256).hexdigest()
    verification = AsyncRequestVerification("secret")

    async def verified(signature: str) -> int:
        headers = {"x-slack-request-timestamp": now, "x-slack-signature": signature}
        request = ParsedBoltRequest(
            raw_body=raw, parsed=parse_slack_body(raw, FORM), headers=headers
        )
        assert request.body["type"] == "block_actions" and request.raw_body == raw

        async def next_() -> BoltResponse:
            return BoltResponse(status=200)

        answer = await verification.async_process(
            req=request, resp=BoltResponse(status=404), next=next_
        )
        return answer.status

    assert await verified(good) == 200
    assert await verified("v0=" + "0" * 64) == 401


@pytest.mark.parametrize(
    "text",
    ["plain", "a+b & c=d", "100% \\x41 \\\\ back\\slash", "ünïcødé ✓ 😀", "%41 %zz +"],
)
def test_a_payload_reads_the_same_as_urllib_reads_it(text: str) -> None:
    payload = {"type": "block_actions", "text": text, "actions": []}
    raw = urlencode({"payload": json.dumps(payload, ensure_ascii=False)})
    assert parse_slack_body(raw, FORM) == payload


@pytest.mark.parametrize(
    "raw", ["payload=%7B%7", "payload=%7B%zz%7D", "payload=%FF%FE", "payload=\u00e9"]
)
def test_a_payload_with_a_broken_escape_is_refused(raw: str) -> None:
    with pytest.raises(MalformedBody):
        parse_slack_body(raw, FORM)
