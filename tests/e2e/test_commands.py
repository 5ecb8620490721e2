"""Slash commands answer privately within the acknowledgement: help for `help` or a mistyped
subcommand; words that are not a subcommand get the crisis line first."""

import pytest

from prompts import load_catalog
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()


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


async def test_a_mistyped_subcommand_gets_the_same_help_and_names_the_word(
    slack: SignedSlackClient,
) -> None:
    help_reply = (await slack.command("/checkin", "help")).json()
    unknown = (await slack.command("/checkin", "shedule")).json()
    assert unknown["response_type"] == "ephemeral"
    assert "shedule" in _text(unknown)
    assert _text(help_reply) in _text(unknown)


@pytest.mark.parametrize(
    ("command", "text"),
    [
        ("/debrief", "I'm not okay"),
        ("/debrief", "help me"),
        ("/checkin", "frobnicate"),
        ("/checkin", "my payload"),  # a text that mentions payload is not dropped
        ("/placement", "my student cried today"),
        ("/pulse", "team is exhausted"),
        ("/wellspring", "can't cope"),
    ],
)
async def test_words_after_a_command_get_the_crisis_line_first_privately(
    slack: SignedSlackClient, fake_slack: FakeSlack, command: str, text: str
) -> None:
    reply = await slack.command(command, text)
    assert reply.status == 200
    body = reply.json()
    assert body["response_type"] == "ephemeral"
    first = body["blocks"][0]["text"]["text"]
    assert first == CATALOG.text("safety.fixed_line"), "the crisis line first"
    assert CATALOG.text("home.message.debrief") in _text(body), "then how to ask a peer"
    assert text not in _text(body), "what was written is not echoed"
    assert fake_slack.calls_to("chat.postMessage") == []
