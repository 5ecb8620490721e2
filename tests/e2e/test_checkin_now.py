"""/checkin now, the check-in message, clicks on it, and help for the channel commands."""

from urllib.parse import urlencode

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.checkin_helpers import action_ids, posts_to, texts
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


async def test_now_posts_a_checkin_with_one_button_per_level(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    reply = await slack.command("/checkin", "now")
    assert reply.status == 200
    await fake_slack.wait_for("chat.postMessage")
    assert await wellspring.inflight.drain(5)
    [post] = posts_to(fake_slack, "C0TEAM")
    assert action_ids(post) == ["pulse_level"] * 4 + ["explain_anonymity"]
    assert "anonymous" in texts(post)
    [confirmation] = await fake_slack.wait_for_response_posts(1)
    assert confirmation.body["response_type"] == "ephemeral"
    assert "posted" in confirmation.body["text"]


async def test_two_checkins_in_a_row_ask_different_questions(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.command("/checkin", "now")
    await slack.command("/checkin", "now")
    await fake_slack.wait_for("chat.postMessage", count=2)
    first, second = posts_to(fake_slack, "C0TEAM")
    assert first.params["text"] != second.params["text"]


async def test_a_click_on_a_checkin_that_no_longer_exists_is_explained_privately(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.command("/checkin", "now")
    [post] = await fake_slack.wait_for("chat.postMessage")
    [confirmation] = await fake_slack.wait_for_response_posts(1)
    assert await wellspring.inflight.drain(5)
    reply = await slack.block_action("pulse_level#1", "gone|middle", message_ts=post.response["ts"])
    assert reply.status == 200
    posts = await fake_slack.wait_for_response_posts(2)
    assert posts[0] is confirmation
    answer = posts[1].body
    assert answer["response_type"] == "ephemeral" and answer.get("replace_original") is not True
    assert answer["text"] == load_catalog().text("pulse.unknown")
    assert len(posts_to(fake_slack, "C0TEAM")) == 1, "the click posted nothing in the channel"


async def test_the_anonymity_button_explains_what_is_stored(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.block_action("explain_anonymity#0", "")
    [explained] = await fake_slack.wait_for_response_posts(1)
    assert explained.body["response_type"] == "ephemeral"
    assert "count" in explained.body["text"].lower() or "kept" in str(explained.body["blocks"])


async def test_channel_commands_in_a_direct_message_say_where_to_use_them(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    reply = await slack.command("/checkin", "now", channel_id="D0ALICE")
    assert reply.json()["response_type"] == "ephemeral"
    assert "channel" in reply.json()["text"]
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_a_replayed_command_posts_once(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    """Slack never sends a command twice: the same signed request again is a replay."""
    form = {
        "team_id": "T0AGENCY",
        "channel_id": "C0TEAM",
        "user_id": "U0ALICE",
        "command": "/checkin",
        "text": "now",
        "api_app_id": "A0WELLSPRING",
        "response_url": fake_slack.new_response_url(),
        "trigger_id": "13345224609.738474920.8088930838d88f008e0",
    }
    body = urlencode(form).encode()
    for _ in range(2):
        assert (await slack.raw(body, "application/x-www-form-urlencoded")).status == 200
        assert await wellspring.inflight.drain(5)
    assert len(posts_to(fake_slack, "C0TEAM")) == 1
