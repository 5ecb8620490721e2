"""The three slash commands answer privately with help, within the acknowledgement."""

import pytest

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


def _text(reply_json: dict[str, object]) -> str:
    blocks = reply_json["blocks"]
    assert isinstance(blocks, list)
    return "\n".join(
        str(part.get("text", {}).get("text", ""))
        if "text" in part
        else " ".join(str(e.get("text", "")) for e in part.get("elements", []))
        for part in blocks
    )


@pytest.mark.parametrize(
    ("command", "expected"),
    [("/checkin", "/checkin now"), ("/pulse", "team"), ("/debrief", "/debrief volunteer")],
)
async def test_each_command_answers_privately_with_its_help(
    slack: SignedSlackClient, fake_slack: FakeSlack, command: str, expected: str
) -> None:
    reply = await slack.command(command, "help")
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert expected in _text(body)
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_unknown_subcommand_gets_the_same_help_and_names_the_word(
    slack: SignedSlackClient,
) -> None:
    help_reply = (await slack.command("/checkin", "help")).json()
    unknown = (await slack.command("/checkin", "frobnicate")).json()
    assert unknown["response_type"] == "ephemeral"
    assert "frobnicate" in _text(unknown)
    assert _text(help_reply) in _text(unknown)


async def test_a_command_whose_text_mentions_payload_is_not_dropped(
    slack: SignedSlackClient,
) -> None:
    reply = await slack.command("/checkin", "my payload")
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    assert "`my`" in _text(body)
