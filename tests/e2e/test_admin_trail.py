"""The admin audit trail: each admin's or coordinator's action, one record naming who acted,
what, on which team or person and when; on the admin page and in `/pulse audit export`."""

import asyncio
import csv
import io
import json
import logging
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from bot.audit.look_lines import AUDIT_LOGGER
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule
from tests.e2e.conftest import MovableClock
from tests.e2e.debrief_helpers import sign_up
from tests.e2e.pulse_helpers import body_text
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click

CATALOG = load_catalog()
ADMIN, LEAD, COORD, MEMBER = "U0ADMIN", "U0LEAD", "U0COORD", "U0MEMBER"
PEER, SECOND_PEER, SAM = "U0PEER", "U0PEERTWO", "U0SAM"
TEAM = "C0TEAM"
Record = tuple[str, str, str | None, str | None]  # actor, action, team, person


@pytest.fixture
def overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    return {
        "audit_log_lines": getattr(request, "param", False),
        "admin_user_ids": ADMIN,
        "supervisor_user_ids": LEAD,
        "debrief_coordinator_user_ids": COORD,
        "peer_approval": True,
        "audit_retention_days": 30,
    }


async def wellspring_says(
    slack: SignedSlackClient, fake: FakeSlack, user: str, words: str, channel: str = TEAM
) -> str:
    before = len(fake.response_posts)
    await slack.command("/wellspring", words, user_id=user, channel_id=channel)
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    return body_text(answer.body)


async def trail(ws: Wellspring) -> list[Record]:
    """Every record, oldest first, as the table holds it."""
    async with ws.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT actor, kind, team, person FROM admin_actions ORDER BY acted_at")
        )
        return [(row.actor, row.kind, row.team, row.person) for row in rows]


def later(clock: MovableClock) -> None:
    """A minute on, so the records' order is their time's."""
    clock.set(clock.now() + timedelta(minutes=1))


async def every_admin_action(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, clock: MovableClock
) -> list[Record]:
    """Each kind of admin and coordinator action once, through Slack; the records expected."""
    fake.members[TEAM] = [LEAD, MEMBER]
    await create_schedule(slack, fake, TEAM)
    [schedule] = await ids(ws, "SELECT id FROM schedules")
    await sign_up(ws, slack, fake, PEER)
    await sign_up(ws, slack, fake, SECOND_PEER)
    said = [
        await wellspring_says(slack, fake, ADMIN, f"assign <@{LEAD}|lead>"),
        await wellspring_says(slack, fake, ADMIN, f"unassign <@{LEAD}|lead> <#{TEAM}|team>"),
        await wellspring_says(slack, fake, ADMIN, "holidays 2026-12-25, 2026-12-26"),
        await wellspring_says(slack, fake, ADMIN, "holidays clear"),
    ]
    assert said[0].count(CATALOG.text("admin.assign_done", person=f"<@{LEAD}>", team=f"<#{TEAM}>"))
    for step in (
        lambda: click(ws, slack, fake, "peer_approve#0", PEER, COORD),
        lambda: click(ws, slack, fake, "peer_decline#0", SECOND_PEER, COORD),
        lambda: wellspring_says(slack, fake, ADMIN, f"remove <@{PEER}|peer>"),
        lambda: click(ws, slack, fake, "schedule_copy_all#0", schedule, ADMIN),
        lambda: wellspring_says(slack, fake, ADMIN, f"erase <@{SAM}|sam>"),
    ):
        later(clock)
        await step()
    return [
        (ADMIN, "assign", TEAM, LEAD),
        (ADMIN, "unassign", TEAM, LEAD),
        (ADMIN, "holidays_set", None, None),
        (ADMIN, "holidays_clear", None, None),
        (COORD, "peer_approve", None, PEER),
        (COORD, "peer_decline", None, SECOND_PEER),
        (ADMIN, "peer_remove", None, PEER),
        (ADMIN, "schedule_copy", TEAM, None),
        (ADMIN, "erase", None, None),
    ]


async def ids(ws: Wellspring, query: str) -> list[str]:
    async with ws.engine.connect() as conn:
        return [str(value) for value in await conn.scalars(text(query))]


async def test_each_admin_and_coordinator_action_leaves_one_record_of_who_did_what(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    # The first four actions come within one minute: their order is the table's, not time's.
    expected = await every_admin_action(wellspring, slack, fake_slack, clock)
    found = await trail(wellspring)
    assert sorted(found[:4], key=str) == sorted(expected[:4], key=str)
    assert found[4:] == expected[4:]


async def test_refused_or_empty_actions_leave_no_record(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    refused = await wellspring_says(slack, fake_slack, MEMBER, f"assign <@{LEAD}|lead>")
    assert CATALOG.text("admin.refuse") in refused
    await wellspring_says(slack, fake_slack, MEMBER, "holidays 2026-12-25")
    await wellspring_says(slack, fake_slack, LEAD, f"erase <@{SAM}|sam>")
    await wellspring_says(slack, fake_slack, MEMBER, f"remove <@{PEER}|peer>")
    # Nothing changed, so nothing to record: no such peer, an assignment never made.
    await wellspring_says(slack, fake_slack, ADMIN, f"remove <@{PEER}|peer>")
    await wellspring_says(slack, fake_slack, ADMIN, f"unassign <@{LEAD}|lead>")
    assert await trail(wellspring) == []


async def test_an_erasure_keeps_that_someone_was_erased_and_names_no_one(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await sign_up(wellspring, slack, fake_slack, SAM)
    await click(wellspring, slack, fake_slack, "peer_approve#0", SAM, COORD)
    later(clock)
    done = await wellspring_says(slack, fake_slack, ADMIN, f"erase <@{SAM}|sam>", "D0ADMIN")
    assert CATALOG.text("mydata.erase_done", person=f"<@{SAM}>") in done

    # Who acted stays; the record of Sam's approval now says "someone".
    assert await trail(wellspring) == [(COORD, "peer_approve", None, None),
                                       (ADMIN, "erase", None, None)]  # fmt: skip
    async with wellspring.engine.connect() as conn:
        rows = [
            dict(row._mapping) for row in await conn.execute(text("SELECT * FROM admin_actions"))
        ]
    assert SAM not in str(rows), "no id of the erased person, in any column"
    page = await wellspring_says(slack, fake_slack, ADMIN, "admin", "D0ADMIN")
    assert SAM not in page
    someone = CATALOG.text("admin.trail.someone")
    assert f"<@{COORD}> agreed to {someone} as a peer supporter" in page


async def test_the_admin_page_shows_recent_actions_newest_first_and_only_to_admins(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    page = await wellspring_says(slack, fake_slack, ADMIN, "admin", "D0ADMIN")
    assert CATALOG.text("admin.trail.empty") in page
    await every_admin_action(wellspring, slack, fake_slack, clock)

    page = await wellspring_says(slack, fake_slack, ADMIN, "admin", "D0ADMIN")
    assert CATALOG.text("admin.trail.title") in page
    erased = page.index(f"<@{ADMIN}> erased someone's data")
    copied = page.index(f"<@{ADMIN}> set up a schedule from <#{TEAM}> in other teams")
    removed = page.index(f"<@{ADMIN}> took <@{PEER}> off the peer supporters")
    approved = page.index(f"<@{COORD}> agreed to <@{PEER}> as a peer supporter")
    assert erased < copied < removed < approved, "newest first"

    for person in (MEMBER, LEAD, COORD):
        other = await wellspring_says(slack, fake_slack, person, "admin", f"D0{person[2:]}")
        assert CATALOG.text("admin.refuse") in other
        assert CATALOG.text("admin.trail.title") not in other and "erased" not in other


def file_with_header(fake: FakeSlack, first: str) -> list[list[str]]:
    found = [
        list(csv.reader(io.StringIO(content.decode())))
        for content in fake.uploads.values()
        if content.decode().startswith(f'"{first}"')
    ]
    assert len(found) <= 1
    return found[0] if found else []


async def test_admins_export_the_trail_as_a_csv_with_formulas_neutralised(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await every_admin_action(wellspring, slack, fake_slack, clock)
    # A team typed as a formula (assign takes what is typed): it must not run in a spreadsheet.
    later(clock)
    await wellspring_says(slack, fake_slack, ADMIN, f"assign <@{LEAD}|lead> =HYPERLINK(1)")

    before = len(fake_slack.response_posts)
    await slack.command("/pulse", "audit export", user_id=ADMIN, channel_id="D0ADMIN")
    [reply] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
    assert CATALOG.text("admin.trail.export_sent") in body_text(reply.body)
    [done] = fake_slack.calls_to("files.completeUploadExternal")
    assert str(done.params["channel_id"]).startswith("D"), "sent to the admin alone"
    rows = file_with_header(fake_slack, "acted_at_utc")
    assert rows[0] == ["acted_at_utc", "actor", "action", "team", "person"]
    assert all(row[0].endswith("Z") for row in rows[1:])
    records = [(row[1], row[2], row[3] or None, row[4] or None) for row in rows[1:]]
    assert records[0] == (ADMIN, "assign", "'=HYPERLINK(1)", LEAD), "newest first, neutralised"
    assert (ADMIN, "erase", None, None) in records
    assert len(records) == 10


async def test_a_supervisor_or_member_gets_no_admin_actions_file(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await every_admin_action(wellspring, slack, fake_slack, clock)
    for person in (LEAD, MEMBER):
        before = len(fake_slack.response_posts)
        await slack.command("/pulse", "audit export", user_id=person, channel_id="D0X")
        await fake_slack.wait_for_response_posts(before + 1)
    assert await wellspring.inflight.drain(5)
    assert file_with_header(fake_slack, "acted_at_utc") == []
    assert file_with_header(fake_slack, "viewed_at_utc"), "the supervisor got their looks"


async def test_the_daily_sweep_deletes_records_past_audit_retention_days(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await wellspring_says(slack, fake_slack, ADMIN, "holidays 2026-12-25")
    clock.set(clock.now() + timedelta(days=30, minutes=1))
    await wellspring_says(slack, fake_slack, ADMIN, "holidays clear")
    await wellspring.scheduler.run_now("retention-sweep")
    assert await trail(wellspring) == [(ADMIN, "holidays_clear", None, None)]


async def test_an_admin_changing_a_schedule_someone_else_set_up_is_recorded(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.members[TEAM] = [LEAD]
    await create_schedule(slack, fake_slack, TEAM)  # set up by U0ALICE, who joins the channel
    [schedule] = await ids(wellspring, "SELECT id FROM schedules")
    await click(wellspring, slack, fake_slack, "schedule_pause#0", schedule, "U0ALICE")
    assert await trail(wellspring) == [], "their own schedule: no admin right used"

    later(clock)
    await click(wellspring, slack, fake_slack, "schedule_resume#0", schedule, ADMIN)
    later(clock)
    await slack.command("/checkin", "pause", user_id=ADMIN, channel_id=TEAM)
    assert await wellspring.inflight.drain(5)
    later(clock)
    await click(wellspring, slack, fake_slack, "schedule_delete#0", schedule, ADMIN)
    assert await trail(wellspring) == [
        (ADMIN, "schedule_resume", TEAM, None),
        (ADMIN, "schedule_pause", TEAM, None),
        (ADMIN, "schedule_delete", TEAM, None),
    ]
    page = await wellspring_says(slack, fake_slack, ADMIN, "admin", "D0ADMIN")
    assert f"<@{ADMIN}> deleted a schedule someone else set up in <#{TEAM}>" in page


@pytest.mark.parametrize("overrides", [True], indirect=True)
async def test_with_audit_log_lines_each_action_is_also_one_json_line(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    expected = await every_admin_action(wellspring, slack, fake_slack, clock)
    lines = [r.getMessage() for r in caplog.records if r.name == AUDIT_LOGGER]
    actions = [json.loads(line) for line in lines]
    found = [(a["actor"], a["action"], a["team"], a["person"]) for a in actions]
    assert sorted(found, key=str) == sorted(expected, key=str), "one line per action, once"
    for action in actions:
        assert set(action) == {
            "event",
            "id",
            "workspace",
            "actor",
            "action",
            "team",
            "person",
            "at",
        }
        assert action["event"] == "admin_action"
    assert SAM not in "\n".join(r.getMessage() + str(r.args) for r in caplog.records)


async def test_without_audit_log_lines_no_action_is_logged_with_an_id(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await every_admin_action(wellspring, slack, fake_slack, clock)
    assert [r for r in caplog.records if r.name == AUDIT_LOGGER] == []
    logged = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    for person in (ADMIN, COORD, LEAD, PEER, SECOND_PEER, SAM):
        assert person not in logged


async def test_my_data_shows_the_admin_record_and_delete_all_of_it_unnames_the_person(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await sign_up(wellspring, slack, fake_slack, PEER)
    await click(wellspring, slack, fake_slack, "peer_approve#0", PEER, COORD)
    mine = await wellspring_says(slack, fake_slack, COORD, "my data", "D0COORD")
    date = clock.now().date().isoformat()
    assert CATALOG.text("mydata.extra.actions_taken", count="1", date=date) in mine
    assert CATALOG.text("mydata.extra.actions_stay") in mine
    theirs = await wellspring_says(slack, fake_slack, PEER, "my data", "D0PEER")
    assert CATALOG.text("mydata.extra.actions_about", count="1") in theirs

    await click(wellspring, slack, fake_slack, "personal_data_delete#0", "", PEER)
    assert await trail(wellspring) == [(COORD, "peer_approve", None, None)]
    theirs = await wellspring_says(slack, fake_slack, PEER, "my data", "D0PEER")
    assert CATALOG.text("mydata.nothing") in theirs


async def test_after_an_erasure_no_byte_of_the_database_files_names_the_erased_person(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    tmp_path: Path,
) -> None:
    await sign_up(wellspring, slack, fake_slack, SAM)
    await click(wellspring, slack, fake_slack, "peer_approve#0", SAM, COORD)
    later(clock)
    await wellspring_says(slack, fake_slack, ADMIN, f"assign <@{LEAD}|lead>")
    later(clock)
    await wellspring_says(slack, fake_slack, ADMIN, f"erase <@{SAM}|sam>", "D0ADMIN")
    await wellspring.stop()  # every write is in the files
    files = await asyncio.to_thread(
        lambda: b"".join(path.read_bytes() for path in tmp_path.glob("wellspring.db*"))
    )
    assert SAM.encode() not in files, "the erased person's id is on a page of the files"
    assert COORD.encode() in files and LEAD.encode() in files, "the check reads the files"
