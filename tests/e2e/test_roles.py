"""Roles that follow the organisation's Slack user groups, changing without a restart."""

from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule, posts_to
from tests.e2e.conftest import MovableClock, make_settings
from tests.e2e.debrief_helpers import ask, offers_to, sign_up
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()
LEADS, PEERS, ADMINS = "S0LEADS", "S0PEERS", "S0ADMINS"
DANA, ALEX = "U0DANA", "U0ALEX"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_usergroup": LEADS, "peer_usergroup": PEERS, "admin_usergroup": ADMINS}


async def private_answer(
    slack: SignedSlackClient, fake: FakeSlack, user: str, command: str, text: str
) -> str:
    """The private reply to a slash command, whether in the ack or sent after it."""
    before = len(fake.response_posts)
    reply = await slack.command(command, text, user_id=user, channel_id=f"D{user}")
    inline = reply.json() if reply.text else {}
    if inline.get("text"):
        return str(inline["text"]) + str(inline.get("blocks", ""))
    [posted] = (await fake.wait_for_response_posts(before + 1))[before:]
    return str(posted.body.get("text", "")) + str(posted.body.get("blocks", ""))


async def test_a_change_in_the_supervisors_group_takes_effect_without_a_restart(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    refused = CATALOG.text("pulse.refuse.not_supervisor")
    fake_slack.usergroups[LEADS] = [DANA]
    assert refused not in await private_answer(slack, fake_slack, DANA, "/pulse", "")
    assert refused in await private_answer(slack, fake_slack, ALEX, "/pulse", "")

    fake_slack.usergroups[LEADS] = [ALEX]  # Dana hands over to Alex
    await slack.event({"type": "subteam_members_changed", "subteam_id": LEADS})
    assert await wellspring.inflight.drain(5)
    assert refused in await private_answer(slack, fake_slack, DANA, "/pulse", "")
    assert refused not in await private_answer(slack, fake_slack, ALEX, "/pulse", "")


async def test_with_a_peer_roster_only_those_on_it_may_volunteer(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.usergroups[PEERS] = [ALEX]
    answer = await private_answer(slack, fake_slack, DANA, "/debrief", "volunteer")
    assert CATALOG.text("debriefs.volunteer.not_on_roster") in answer
    assert fake_slack.calls_to("views.open") == [], "no form to fill in vain"
    await slack.command("/debrief", "volunteer", user_id=ALEX, channel_id=f"D{ALEX}")
    [opened] = await fake_slack.wait_for("views.open")
    assert "volunteer_form" in str(opened.params["view"])


async def test_ids_slack_does_not_know_are_reported_at_start_in_one_line(
    fake_slack: FakeSlack,
    sqlite_database_url: str,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.add_user(DANA)
    settings = make_settings(
        fake_slack, sqlite_database_url, supervisor_user_ids=f"{DANA},U0GONE,U0TYPO"
    )
    ws = await start_wellspring(settings, clock)
    await ws.stop()
    lines = [r.getMessage() for r in caplog.records if "SUPERVISOR_USER_IDS" in r.getMessage()]
    assert lines == [
        CATALOG.text("operator.unknown_ids", setting="SUPERVISOR_USER_IDS", count="2", total="3")
    ]
    assert "U0GONE" not in caplog.text and "U0TYPO" not in caplog.text, "no ids in the log"


async def test_a_request_is_never_offered_to_a_supervisor_of_the_requesters_team(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    requester = "U0ROBIN"
    fake_slack.usergroups[LEADS] = [DANA]
    fake_slack.usergroups[PEERS] = [DANA, ALEX]
    fake_slack.members["C0TEAM"] = [requester, DANA, ALEX]
    await post_checkin(wellspring, slack, fake_slack)  # the channel is a team
    for peer in (DANA, ALEX):
        await sign_up(wellspring, slack, fake_slack, peer)
    await ask(wellspring, slack, fake_slack, requester, urgency="now")
    assert offers_to(fake_slack, ALEX), "the other peer is asked"
    assert offers_to(fake_slack, DANA) == [], "not the requester's own supervisor"


async def test_a_team_whose_channel_is_gone_does_not_hide_the_requesters_other_teams(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    requester = "U0ROBIN"
    fake_slack.usergroups[LEADS] = [DANA]
    fake_slack.usergroups[PEERS] = [DANA, ALEX]
    fake_slack.members["C0AGONE"] = [requester, ALEX]  # read first: teams go in id order
    fake_slack.members["C0TEAM"] = [requester, DANA]
    for channel in ("C0AGONE", "C0TEAM"):
        await post_checkin(wellspring, slack, fake_slack, channel)
    del fake_slack.members["C0AGONE"]  # archived since
    for peer in (DANA, ALEX):
        await sign_up(wellspring, slack, fake_slack, peer)
    await ask(wellspring, slack, fake_slack, requester, urgency="now")
    assert offers_to(fake_slack, ALEX), "the other peer is asked"
    assert offers_to(fake_slack, DANA) == [], "never the supervisor of the team still there"


async def test_admins_can_come_from_a_user_group(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.usergroups[ADMINS] = [ALEX]
    refused = await private_answer(slack, fake_slack, DANA, "/wellspring", "erase <@U0SAM|sam>")
    assert CATALOG.text("mydata.refuse_not_admin") in refused
    done = await private_answer(slack, fake_slack, ALEX, "/wellspring", "erase <@U0SAM|sam>")
    assert CATALOG.text("mydata.erase_done", person="<@U0SAM>") in done


async def test_only_the_creator_the_teams_supervisors_or_an_admin_may_delete_a_schedule(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.usergroups[LEADS] = [DANA, "U0OTHERLEAD"]  # the other lead is not in the team
    fake_slack.usergroups[ADMINS] = [ALEX]  # nor is the admin
    fake_slack.members["C0TEAM"] = ["U0ALICE", DANA, "U0MEMBER"]
    await create_schedule(slack, fake_slack)  # set up by U0ALICE
    [schedule_id] = await schedule_ids(wellspring)
    people = (("U0MEMBER", False), ("U0STRANGER", False), ("U0OTHERLEAD", False))
    for person, allowed in (*people, (DANA, True), (ALEX, True), ("U0ALICE", True)):
        before = len(fake_slack.response_posts)
        await slack.block_action("schedule_pause#0", schedule_id, user_id=person)
        [answer] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
        refused = CATALOG.text("schedules.not_yours") in str(answer.body)
        assert refused is not allowed, person
    paused = await slack.command("/checkin", "resume", user_id="U0MEMBER")
    assert CATALOG.text("schedules.not_yours") in paused.text, "not all of the team's either"


async def schedule_ids(ws: Wellspring) -> list[str]:
    async with ws.engine.connect() as conn:
        return [row.id for row in await conn.execute(text("SELECT id FROM schedules"))]


async def test_the_agency_holiday_calendar_skips_a_scheduled_post(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.usergroups[ADMINS] = [ALEX]
    await create_schedule(slack, fake_slack)  # every day at 09:00 UTC
    refused = await private_answer(slack, fake_slack, DANA, "/wellspring", "holidays 2026-11-27")
    assert CATALOG.text("holidays.refuse") in refused
    saved = await private_answer(slack, fake_slack, ALEX, "/wellspring", "holidays 2026-11-27")
    assert CATALOG.text("holidays.saved", count="1") in saved
    shown = await private_answer(slack, fake_slack, DANA, "/wellspring", "holidays")
    assert "2026-11-27" in shown, "anyone can see them"
    for day, posted in ((27, False), (28, True)):  # Friday is a holiday; Saturday is not
        before = len(posts_to(fake_slack, "C0TEAM"))
        clock.set(datetime(2026, 11, day, 9, 1, tzinfo=UTC))
        await wellspring.scheduler.run_now(SWEEP_JOB)
        assert (len(posts_to(fake_slack, "C0TEAM")) > before) is posted, day
