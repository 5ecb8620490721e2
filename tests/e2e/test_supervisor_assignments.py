"""SUPERVISOR_ASSIGNMENTS: supervisors see the teams an admin assigned them, not every
channel they are in; `/wellspring assign` and `unassign` by admins only."""

from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import SUPERVISOR, body_text, settle_week
from tests.e2e.test_pulse_summaries import LEAD, TEAM, closed_checkin, pulse
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()
ADMIN, OTHER, MEMBER = "U0ADMIN", "C0OTHER", "U0MEMBER"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {
        "supervisor_user_ids": f"{SUPERVISOR}, {LEAD}",
        "admin_user_ids": ADMIN,
        "supervisor_assignments": True,
    }


async def wellspring_says(
    slack: SignedSlackClient, fake: FakeSlack, user: str, words: str, channel: str
) -> str:
    """Type /wellspring as Slack sends it (people and channels escaped); the private answer."""
    before = len(fake.response_posts)
    await slack.command("/wellspring", words, user_id=user, channel_id=channel)
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    return body_text(answer.body)


def said(key: str, **params: str) -> str:
    return CATALOG.text(key, **params)


async def test_a_supervisor_sees_only_the_teams_an_admin_assigned(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6, channel=TEAM)
    await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 6, channel=OTHER)
    await settle_week(wellspring, clock)
    # LEAD is in both channels, but no admin has assigned them a team yet.
    overview = body_text(await pulse(slack, fake_slack, LEAD, channel="D0LEAD"))
    assert TEAM not in overview and OTHER not in overview
    here = body_text(await pulse(slack, fake_slack, LEAD))
    assert said("pulse.refuse.not_assigned", team=f"<#{TEAM}>") in here

    words = f"assign <@{LEAD}|lead> <#{OTHER}|other>"
    refused = await wellspring_says(slack, fake_slack, LEAD, words, TEAM)
    assert said("admin.refuse") in refused
    done = await wellspring_says(slack, fake_slack, ADMIN, words, TEAM)
    assert said("admin.assign_done", person=f"<@{LEAD}>", team=f"<#{OTHER}>") in done
    again = await wellspring_says(slack, fake_slack, ADMIN, words, TEAM)
    assert said("admin.assign_already", person=f"<@{LEAD}>", team=f"<#{OTHER}>") in again

    overview = body_text(await pulse(slack, fake_slack, LEAD, channel="D0LEAD"))
    assert OTHER in overview and TEAM not in overview
    assert "6 answers" in body_text(await pulse(slack, fake_slack, LEAD, channel=OTHER))
    mine = await wellspring_says(slack, fake_slack, LEAD, "my data", "D0LEAD")
    assert said("mydata.assigned", teams=f"<#{OTHER}>") in mine

    # Typed in the team's own channel, the channel need not be named.
    gone = await wellspring_says(slack, fake_slack, ADMIN, f"unassign <@{LEAD}|lead>", OTHER)
    assert said("admin.unassign_done", person=f"<@{LEAD}>", team=f"<#{OTHER}>") in gone
    overview = body_text(await pulse(slack, fake_slack, LEAD, channel="D0LEAD"))
    assert OTHER not in overview


async def test_only_supervisors_can_be_assigned_and_a_vague_command_is_explained(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    member = await wellspring_says(slack, fake_slack, ADMIN, f"assign <@{MEMBER}>", TEAM)
    assert said("admin.assign_not_supervisor", person=f"<@{MEMBER}>") in member
    vague = await wellspring_says(slack, fake_slack, ADMIN, f"assign <@{LEAD}>", "D0ADMIN")
    assert said("admin.assign_how") in vague
    async with wellspring.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM supervisor_teams"))).scalar() == 0


async def test_the_admin_page_names_the_assigned_supervisors_and_erasure_removes_them(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6, channel=TEAM)
    await wellspring_says(slack, fake_slack, ADMIN, f"assign <@{LEAD}>", TEAM)
    page = await wellspring_says(slack, fake_slack, ADMIN, "admin", "D0ADMIN")
    # SUPERVISOR is in the channel but not assigned: only LEAD can see the numbers.
    line = said("admin.team", team=f"<#{TEAM}>", count="0", supervisors=f"<@{LEAD}>")
    assert line in page

    erased = await wellspring_says(slack, fake_slack, ADMIN, f"erase <@{LEAD}>", "D0ADMIN")
    assert said("mydata.erase_done", person=f"<@{LEAD}>") in erased
    async with wellspring.engine.connect() as conn:
        assert (await conn.execute(text("SELECT count(*) FROM supervisor_teams"))).scalar() == 0


@pytest.mark.parametrize("overrides", [{"admin_user_ids": ADMIN, "supervisor_user_ids": LEAD}])
async def test_without_assignments_membership_decides_and_the_admin_is_told(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6, channel=TEAM)
    done = await wellspring_says(slack, fake_slack, ADMIN, f"assign <@{LEAD}> <#{OTHER}>", TEAM)
    assert said("admin.assignments_off") in done
    overview = body_text(await pulse(slack, fake_slack, LEAD, channel="D0LEAD"))
    assert TEAM in overview, "LEAD joined the team's channel, which is what counts here"
