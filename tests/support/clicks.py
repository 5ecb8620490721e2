"""Clicks as Slack sends them to the app under test, with the private reply they get."""

import json
from typing import Any

from bootstrap import Wellspring
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


def level_buttons(post: ApiCall) -> dict[str, tuple[str, str]]:
    """level -> (action_id, value) of the check-in's answer buttons."""
    blocks = post.params["blocks"]
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return {
        e["value"].partition("|")[2]: (e["action_id"], e["value"])
        for e in buttons
        if e["action_id"].startswith("pulse_level")
    }


async def click(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, action_id: str, value: str, user: str
) -> dict[str, Any]:
    """Click a button in `user`'s DM with the app; the response_url reply's body."""
    before = len(fake.response_posts)
    reply = await slack.block_action(action_id, value, user_id=user, channel_id=fake.dm_id(user))
    assert reply.status == 200
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert await ws.inflight.drain(5)
    return answer.body


async def click_level(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, post: ApiCall, user: str, level: str
) -> dict[str, Any]:
    """Click `level` on the check-in `post` as `user`, member or not; the private reply's body."""
    action_id, value = level_buttons(post)[level]
    before = len(fake.response_posts)
    reply = await slack.block_action(
        action_id,
        value,
        user_id=user,
        channel_id=post.params["channel"],
        message_ts=post.response["ts"],
    )
    assert reply.status == 200
    [ack] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert ack.body["response_type"] == "ephemeral", "only the clicker sees it"
    assert await ws.inflight.drain(5)
    return ack.body
