"""A vetted peer roster: new volunteers wait for peer support's agreement before any request."""

from typing import Any

import pytest

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.debrief_helpers import ask, blocks_of, messages_to, offers_to, sign_up
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

CATALOG = load_catalog()
LEAD, PEER, ASKER = "U0PEERLEAD", "U0NEWPEER", "U0ASKER"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"peer_approval": True, "debrief_coordinator_user_ids": LEAD}


async def test_an_unapproved_peer_gets_no_request_until_peer_support_agrees(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await sign_up(wellspring, slack, fake_slack, PEER)
    [asked] = [m for m in messages_to(fake_slack, LEAD) if "peer_approve" in blocks_of(m)]
    await ask(wellspring, slack, fake_slack, ASKER, urgency="now")
    assert offers_to(fake_slack, PEER) == [], "no request before anyone agreed"

    refused = await click(wellspring, slack, fake_slack, "peer_approve#0", PEER, ASKER)
    assert refused["text"] == CATALOG.text("debriefs.approval.refuse"), "only peer support agrees"
    agreed = await click(wellspring, slack, fake_slack, "peer_approve#0", PEER, LEAD)
    assert agreed["replace_original"] is True
    told = [m.params["text"] for m in messages_to(fake_slack, PEER)]
    assert CATALOG.text("debriefs.approval.approved_peer") in told
    await ask(wellspring, slack, fake_slack, "U0ASKER2", urgency="now")
    assert offers_to(fake_slack, PEER), "now requests reach them"
    assert asked.ok


async def test_peer_support_can_take_a_peer_off_the_list(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await sign_up(wellspring, slack, fake_slack, PEER)
    await click(wellspring, slack, fake_slack, "peer_approve#0", PEER, LEAD)
    before = len(fake_slack.response_posts)
    await slack.command("/wellspring", f"remove <@{PEER}|newpeer>", user_id=LEAD)
    [answer] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
    assert await wellspring.inflight.drain(5)
    assert answer.body["text"] == CATALOG.text("debriefs.approval.removed", peer=f"<@{PEER}>")
    await ask(wellspring, slack, fake_slack, ASKER, urgency="now")
    assert offers_to(fake_slack, PEER) == []
