"""Steps against a replica process, as Slack takes them: post a check-in, click an answer."""

from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.support.clicks import level_buttons
from tests.support.replicas import Replica

ANSWER_SECONDS = 20  # the private reply comes after the ack; the machine may be busy


async def post_checkin(replica: Replica, fake: FakeSlack, channel: str) -> ApiCall:
    """/checkin now in `channel`; the check-in's message, once its poster has been told."""
    posts, replies = len(fake.calls_to("chat.postMessage")), len(fake.response_posts)
    await replica.slack.command("/checkin", "now", channel_id=channel)
    [post] = (await fake.wait_for("chat.postMessage", posts + 1, ANSWER_SECONDS))[posts:]
    await fake.wait_for_response_posts(replies + 1, ANSWER_SECONDS)
    return post


async def click(
    replica: Replica, fake: FakeSlack, post: ApiCall, person: str, level: str = "middle"
) -> str:
    """Click `level` on the check-in as `person`: Slack gets 200; the private reply's text."""
    action_id, value = level_buttons(post)[level]
    replies = len(fake.response_posts)
    reply = await replica.slack.block_action(
        action_id,
        value,
        user_id=person,
        channel_id=post.params["channel"],
        message_ts=post.response["ts"],
    )
    assert reply.status == 200, "Slack never sees a 5xx"
    [answer] = (await fake.wait_for_response_posts(replies + 1, ANSWER_SECONDS))[replies:]
    assert answer.body["response_type"] == "ephemeral", "only the clicker sees it"
    assert answer.body.get("replace_original") is not True, "the check-in itself stays"
    return str(answer.body["text"])
