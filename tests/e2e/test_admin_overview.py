"""`/wellspring admin`: the admins' private page, and one schedule set up in many teams."""

from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule
from tests.e2e.debrief_helpers import sign_up
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

CATALOG = load_catalog()
ADMIN, LEAD, PEER, MEMBER = "U0ADMIN", "U0LEAD", "U0PEER", "U0MEMBER"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"admin_user_ids": ADMIN, "supervisor_user_ids": LEAD}


async def admin_page(slack: SignedSlackClient, fake: FakeSlack, user: str) -> str:
    before = len(fake.response_posts)
    await slack.command("/wellspring", "admin", user_id=user, channel_id=f"D{user}")
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    return str(answer.body.get("text", "")) + str(answer.body.get("blocks", ""))


async def schedules_in(ws: Wellspring) -> dict[str, list[str]]:
    """Channel -> its schedules' ids."""
    found: dict[str, list[str]] = {}
    async with ws.engine.connect() as conn:
        for row in await conn.execute(text("SELECT id, conversation FROM schedules")):
            found.setdefault(row.conversation, []).append(row.id)
    return found


async def test_the_admin_page_is_only_for_admins(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    page = await admin_page(slack, fake_slack, MEMBER)
    assert CATALOG.text("admin.refuse") in page
    assert CATALOG.text("admin.title") not in page


async def test_an_admin_sees_every_team_who_sees_its_numbers_and_the_peers(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.members["C0TEAM"] = [LEAD, MEMBER]
    fake_slack.members["C0OTHER"] = [MEMBER]
    await create_schedule(slack, fake_slack, "C0TEAM")
    await create_schedule(slack, fake_slack, "C0OTHER", time="10:00")
    await sign_up(wellspring, slack, fake_slack, PEER)
    page = await admin_page(slack, fake_slack, ADMIN)
    team = CATALOG.text("admin.team", team="<#C0TEAM>", count="1", supervisors=f"<@{LEAD}>")
    other = CATALOG.text(
        "admin.team",
        team="<#C0OTHER>",
        count="1",
        supervisors=CATALOG.text("admin.no_supervisor"),
    )
    assert team in page and other in page
    assert CATALOG.text("admin.peer_ready", peer=f"<@{PEER}>") in page
    assert page.count("schedule_copy_all") == 2, "a copy button under each schedule"
    assert "peer_remove" in page


async def test_a_schedule_set_up_in_every_team_once_however_often_clicked(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await create_schedule(slack, fake_slack, "C0TEAM")
    await create_schedule(slack, fake_slack, "C0OTHER", time="10:00")
    await create_schedule(slack, fake_slack, "C0THIRD", time="11:00")
    [original] = (await schedules_in(wellspring))["C0TEAM"]

    refused = await click(wellspring, slack, fake_slack, "schedule_copy_all#0", original, MEMBER)
    assert refused["text"] == CATALOG.text("admin.refuse")
    first = await click(wellspring, slack, fake_slack, "schedule_copy_all#0", original, ADMIN)
    assert first["text"] == CATALOG.text("admin.copied", count="2", full="0")
    again = await click(wellspring, slack, fake_slack, "schedule_copy_all#0", original, ADMIN)
    assert again["text"] == CATALOG.text("admin.copied", count="0", full="0")

    counts = {team: len(ids) for team, ids in (await schedules_in(wellspring)).items()}
    assert counts == {"C0TEAM": 1, "C0OTHER": 2, "C0THIRD": 2}
    for team in ("C0OTHER", "C0THIRD"):
        page = await admin_page(slack, fake_slack, ADMIN)
        assert (
            CATALOG.text(
                "admin.team",
                team=f"<#{team}>",
                count="2",
                supervisors=CATALOG.text("admin.no_supervisor"),
            )
            in page
        )


def ticked(*teams: str) -> dict[str, dict[str, dict[str, Any]]]:
    """The copy form's state with `teams` ticked, as Slack sends it."""
    options = [{"value": team} for team in teams]
    return {"teams": {"teams": {"type": "checkboxes", "selected_options": options}}}


async def test_a_schedule_set_up_in_the_teams_an_admin_chooses(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    for team, at in (("C0TEAM", "09:00"), ("C0OTHER", "10:00"), ("C0THIRD", "11:00")):
        await create_schedule(slack, fake_slack, team, time=at)
    await create_schedule(slack, fake_slack, "C0FOURTH", time="12:00")
    [original] = (await schedules_in(wellspring))["C0TEAM"]

    await slack.block_action("schedule_copy_some#0", original, user_id=ADMIN, channel_id="D0A")
    opened = (await fake_slack.wait_for("views.open", count=5))[-1]
    form = str(opened.params["view"])
    assert "schedule_copy_form" in form and original not in form, "the schedule's id is sealed"
    assert "C0TEAM" not in form, "the team that has it is not offered"
    assert all(f"#{team.lower()}" in form for team in ("C0OTHER", "C0THIRD", "C0FOURTH"))

    # A forged value for a channel Wellspring has never seen reaches nothing.
    chosen = ticked("C0THIRD", "C0FOURTH", "C0STRANGER")
    before = len(fake_slack.calls_to("chat.postMessage"))
    # The admin's form, sent by someone else: refused, its context was sealed for the admin.
    await slack.view_submission("schedule_copy_form", chosen, user_id=MEMBER)
    [refusal] = (await fake_slack.wait_for("chat.postMessage", count=before + 1))[before:]
    assert refusal.params["text"] == CATALOG.text("forms.refused")
    assert len(await schedules_in(wellspring)) == 4
    before += 1
    await slack.view_submission("schedule_copy_form", chosen, user_id=ADMIN)
    [note] = (await fake_slack.wait_for("chat.postMessage", count=before + 1))[before:]
    assert note.params["text"] == CATALOG.text("admin.copied", count="2", full="0")

    counts = {team: len(ids) for team, ids in (await schedules_in(wellspring)).items()}
    assert counts == {"C0TEAM": 1, "C0OTHER": 1, "C0THIRD": 2, "C0FOURTH": 2}
    none = await slack.view_submission("schedule_copy_form", ticked(), user_id=ADMIN)
    assert none.json() == {
        "response_action": "errors",
        "errors": {"teams": CATALOG.text("admin.copy_none")},
    }


async def test_an_admin_can_take_a_peer_off_the_list_from_the_page(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await sign_up(wellspring, slack, fake_slack, PEER)
    removed = await click(wellspring, slack, fake_slack, "peer_remove#0", PEER, ADMIN)
    assert removed["text"] == CATALOG.text("debriefs.approval.removed", peer=f"<@{PEER}>")
    assert CATALOG.text("admin.no_peers") in await admin_page(slack, fake_slack, ADMIN)
