"""A Slack modal's private_metadata comes back in the view_submission: it is sealed, and
checked on submit with the submitter's right to act there (issue 18, finding 5)."""

import json

from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.checkin_helpers import schedule_values
from tests.e2e.platforms.common import plain
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()


async def ws_schedules(ws: Wellspring) -> list[str]:
    async with ws.engine.connect() as connection:
        rows = await connection.execute(text("SELECT conversation FROM schedules"))
        return [conversation for (conversation,) in rows]


async def open_schedule_modal(slack: SignedSlackClient, fake: FakeSlack, user: str) -> None:
    opened = len(fake.calls_to("views.open"))
    await slack.command("/checkin", "schedule", channel_id="C0TEAM", user_id=user)
    await fake.wait_for("views.open", count=opened + 1)


def messages_to(fake: FakeSlack, person: str) -> str:
    return plain(
        " ".join(
            str(c.params.get("text"))
            for c in fake.calls
            if c.method in ("chat.postMessage", "chat.postEphemeral")
            and person in (c.params.get("channel"), c.params.get("user"))
        )
    )


async def test_an_edited_private_metadata_is_refused_and_nothing_is_saved(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members = {"C0TEAM": ["U0ALICE"], "C0OTHER": ["U0BOB"]}
    await open_schedule_modal(slack, fake_slack, "U0ALICE")
    edited = json.dumps({"context": "C0OTHER", "in": "C0OTHER"})
    reply = await slack.view_submission(
        "schedule_form", schedule_values(), user_id="U0ALICE", private_metadata=edited
    )
    assert reply.status == 200
    assert await ws_schedules(wellspring) == []
    await fake_slack.wait_for("chat.postMessage")
    assert plain(CATALOG.text("forms.refused")) in messages_to(fake_slack, "U0ALICE")


async def test_a_modal_opened_for_one_person_is_refused_to_another(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members = {"C0TEAM": ["U0ALICE", "U0BOB"]}
    await open_schedule_modal(slack, fake_slack, "U0ALICE")
    reply = await slack.view_submission("schedule_form", schedule_values(), user_id="U0BOB")
    assert reply.status == 200
    assert await ws_schedules(wellspring) == []
    await fake_slack.wait_for("chat.postMessage")
    assert plain(CATALOG.text("forms.refused")) in messages_to(fake_slack, "U0BOB")


async def test_a_member_s_own_modal_still_saves_the_schedule_in_its_channel(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members = {"C0TEAM": ["U0ALICE"]}
    await open_schedule_modal(slack, fake_slack, "U0ALICE")
    reply = await slack.view_submission("schedule_form", schedule_values(), user_id="U0ALICE")
    assert reply.status == 200 and reply.text == ""
    assert await ws_schedules(wellspring) == ["C0TEAM"]
    [confirmation] = await fake_slack.wait_for("chat.postEphemeral")
    assert confirmation.params["channel"] == "C0TEAM", "the answer comes in the channel"
