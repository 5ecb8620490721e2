"""Supervisor summaries: thresholds, refusals, the audit log, export, charts, home and digest."""

import csv
import io
import json
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from PIL import Image
from sqlalchemy import text

from bootstrap import DIGEST_PLAN_JOB, Wellspring
from bot.process.scheduling import DEADLINE_JOB
from prompts import load_catalog
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import (
    SUPERVISOR,
    answer,
    body_text,
    close_window,
    post_checkin,
    settle_week,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

LEAD = "U0LEAD"  # a supervisor who joins the channel after the check-in closed
TEAM = "C0TEAM"


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": f"{SUPERVISOR}, {LEAD}"}


async def closed_checkin(
    ws: Wellspring,
    slack: SignedSlackClient,
    fake: FakeSlack,
    clock: MovableClock,
    levels: list[str],
    channel: str = TEAM,
    first: int = 0,
) -> None:
    """A check-in answered with `levels` (one person each, numbered from `first`), then
    closed; LEAD joins after."""
    people = [f"U0W{channel}{i:02d}" for i in range(first, first + len(levels))]
    fake.members[channel] = [*people, SUPERVISOR]
    post = await post_checkin(ws, slack, fake, channel)
    for person, level in zip(people, levels, strict=True):
        await answer(ws, slack, fake, post, person, level)
    await close_window(ws, clock)
    fake.members[channel].append(LEAD)


async def pulse(
    slack: SignedSlackClient, fake: FakeSlack, user: str, words: str = "", channel: str = TEAM
) -> dict[str, Any]:
    """Type /pulse and return the private answer (sent after the acknowledgement)."""
    before = len(fake.response_posts)
    reply = await slack.command("/pulse", words, user_id=user, channel_id=channel)
    assert reply.status == 200
    [answer_post] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert answer_post.body["response_type"] == "ephemeral"
    return answer_post.body


async def test_someone_who_is_not_a_supervisor_gets_a_polite_refusal_with_no_numbers(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6)
    reply = await pulse(slack, fake_slack, "U0W" + TEAM + "00")
    assert "supervisor" in body_text(reply).lower()
    assert not any(char.isdigit() for char in body_text(reply)), "no numbers at all"


async def test_a_supervisor_sees_nothing_of_a_team_whose_channel_they_are_not_in(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6)
    fake_slack.members[TEAM].remove(LEAD)
    reply = await pulse(slack, fake_slack, LEAD)
    assert "belong" in body_text(reply) or "member" in body_text(reply)
    assert "6 answers" not in body_text(reply)
    overview = await pulse(slack, fake_slack, LEAD, channel="D0LEAD")
    assert TEAM not in body_text(overview)


async def test_nothing_is_visible_before_the_week_is_over_and_its_check_ins_closed(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.members[TEAM] = [SUPERVISOR]
    post = await post_checkin(wellspring, slack, fake_slack)
    for i in range(7):
        await answer(wellspring, slack, fake_slack, post, f"U0OPEN{i}", "middle")
    reply = body_text(await pulse(slack, fake_slack, SUPERVISOR))
    assert "7 answers" not in reply and "still open" in reply
    await close_window(wellspring, clock)
    reply = body_text(await pulse(slack, fake_slack, SUPERVISOR))
    assert "7 answers" not in reply, "a closed check-in alone is never shown"
    await settle_week(wellspring, clock)
    assert "2026-W48: 7 answers" in body_text(await pulse(slack, fake_slack, SUPERVISOR))


@pytest.mark.parametrize(
    ("answers", "viewer", "shown"),
    [(5, LEAD, False), (6, LEAD, True), (5, SUPERVISOR, False), (6, SUPERVISOR, True)],
    ids=["5-hidden", "6-shown", "5-hidden-to-a-member", "6-shown-to-a-member"],
)
async def test_a_week_shows_to_any_supervisor_only_from_one_more_than_the_minimum(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    answers: int,
    viewer: str,
    shown: bool,
) -> None:
    await closed_checkin(
        wellspring,
        slack,
        fake_slack,
        clock,
        ["early", "late", "early", "late", "early", "late"][:answers],
    )
    await settle_week(wellspring, clock)
    reply = body_text(await pulse(slack, fake_slack, viewer))
    assert (f"{answers} answers" in reply) is shown
    assert ("hidden, too few people answered" in reply) is not shown


async def test_five_people_answering_every_check_in_of_a_week_stay_hidden_and_a_sixth_shows_it(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    """People, not answers: fifteen answers from five people are five people."""
    for _ in range(3):
        await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 5)
        clock.set(clock.now() + timedelta(hours=12))
    await settle_week(wellspring, clock)
    reply = body_text(await pulse(slack, fake_slack, LEAD))
    assert "15 answers" not in reply and "hidden, too few people answered" in reply
    catalog = load_catalog()
    why = catalog.text("summaries.hidden_why", people="6")
    assert reply.count(why) == 1, "why, and what helps, said once"
    await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 6)
    for _ in range(2):
        clock.set(clock.now() + timedelta(hours=12))
        await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 5)
    await settle_week(wellspring, clock)
    reply = body_text(await pulse(slack, fake_slack, LEAD))
    assert "2026-W49: 16 answers" in reply
    key = catalog.text("summaries.level_key_header")
    assert reply.count(key) == 1, "what the numbers mean, said once"


async def test_every_look_at_the_numbers_is_in_the_audit_log(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6)
    await pulse(slack, fake_slack, SUPERVISOR)
    await pulse(slack, fake_slack, LEAD, channel="D0LEAD")
    audit = body_text(await pulse(slack, fake_slack, LEAD, "audit", channel="D0LEAD"))
    assert f"<@{SUPERVISOR}>" in audit and f"<@{LEAD}>" in audit
    assert "team summary" in audit and "list of teams" in audit
    refused = body_text(await pulse(slack, fake_slack, "U0NOBODY", "audit"))
    assert SUPERVISOR not in refused


async def test_export_sends_a_csv_of_the_same_suppressed_numbers_privately(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early", "middle", "late"] * 2)
    await closed_checkin(wellspring, slack, fake_slack, clock, ["beyond"] * 3)
    await closed_checkin(wellspring, slack, fake_slack, clock, ["late"] * 3, channel="C0SMALL")
    fake_slack.members["C0SMALL"].append(LEAD)
    await settle_week(wellspring, clock)
    reply = await pulse(slack, fake_slack, LEAD, "export", channel="D0LEAD")
    assert "direct message" in body_text(reply)
    [done] = fake_slack.calls_to("files.completeUploadExternal")
    assert str(done.params["channel_id"]).startswith("D"), "sent to the supervisor's DM only"
    [file_id] = list(fake_slack.uploads)
    rows = list(csv.DictReader(io.StringIO(fake_slack.uploads[file_id].decode())))
    assert {row["kind"] for row in rows} <= {"week", "month", "month_shown_weeks"}
    last = [row for row in rows if row["period"] == "2026-W48"]
    assert [(r["team"], r["responses"], r["beyond"]) for r in last] == [
        ("C0SMALL", "", ""),  # 3 people: hidden
        (TEAM, "9", "3"),  # 6 people, however many check-ins they answered
        ("all teams", "9", "3"),  # only what is shown
    ]


async def test_chart_uploads_a_png_of_the_weekly_trend_to_the_supervisors_dm(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.channels["C0TEAM"] = "family-support"
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early", "late"] * 3)
    await settle_week(wellspring, clock)
    reply = await pulse(slack, fake_slack, LEAD, "chart")
    assert "direct message" in body_text(reply)
    [done] = fake_slack.calls_to("files.completeUploadExternal")
    assert str(done.params["channel_id"]).startswith("D")
    [png] = fake_slack.uploads.values()
    picture = Image.open(io.BytesIO(png))
    assert picture.format == "PNG"
    title = load_catalog().text("summaries.chart_title", team="#family-support")
    assert picture.info["Title"] == title, "the team named as people know it, not by its id"
    [url] = fake_slack.calls_to("files.getUploadURLExternal")
    alt = str(url.params.get("alt_txt") or url.params.get("alt_text"))
    assert "Bar chart" in alt and "2026-W48 50%" in alt, "the chart in words, for screen readers"


async def test_a_chart_of_a_channel_with_no_closed_checkins_says_so_and_sends_no_picture(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6)
    fake_slack.members["C0QUIET"] = [SUPERVISOR]
    reply = await pulse(slack, fake_slack, SUPERVISOR, "chart", channel="C0QUIET")
    assert load_catalog().text("summaries.none_yet") in body_text(reply)
    assert fake_slack.calls_to("files.completeUploadExternal") == []


async def test_the_overview_lists_teams_and_a_total_across_them(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6, channel="C0NORTH")
    await closed_checkin(wellspring, slack, fake_slack, clock, ["late"] * 7, channel="C0SOUTH")
    await settle_week(wellspring, clock)
    overview = body_text(await pulse(slack, fake_slack, LEAD, channel="D0LEAD"))
    assert "<#C0NORTH>" in overview and "<#C0SOUTH>" in overview
    assert "All your teams together*, 2026-W48" in overview and "13 answers" in overview


async def test_the_total_across_teams_adds_up_only_the_teams_shown_and_says_so(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6, channel="C0NORTH")
    await closed_checkin(wellspring, slack, fake_slack, clock, ["late"] * 2, channel="C0SOUTH")
    await settle_week(wellspring, clock)
    overview = body_text(await pulse(slack, fake_slack, LEAD, channel="D0LEAD"))
    assert "6 answers" in overview and "1 of your 2 teams" in overview
    assert "8 answers" not in overview and "2 answers" not in overview


async def test_a_supervisors_home_tab_shows_their_teams_and_no_one_elses_does(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 6)
    await settle_week(wellspring, clock)
    await slack.event({"type": "app_home_opened", "user": LEAD, "tab": "home"})
    await slack.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    published = await fake_slack.wait_for("views.publish", count=2)
    homes = {call.params["user_id"]: call for call in published}
    lead_home, alice_home = homes[LEAD], homes["U0ALICE"]
    assert "6 answers" in str(lead_home.params["view"])
    assert "pulse_charts" in str(lead_home.params["view"])
    catalog = load_catalog()
    for title in ("summaries.intro_title", "summaries.openers_title"):
        assert catalog.text(title) in str(lead_home.params["view"]), title
        assert catalog.text(title) not in str(alice_home.params["view"]), title
    assert "6 answers" not in str(alice_home.params["view"])


async def test_the_weekly_digest_comes_once_on_monday_morning_in_the_supervisors_zone(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    fake_slack.add_user(LEAD, tz="America/Chicago")
    fake_slack.add_user(SUPERVISOR, tz="Europe/London")
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early", "late"] * 3)
    clock.set(datetime(2026, 11, 30, 14, 30, tzinfo=UTC))  # Monday 08:30 Chicago, 14:30 London
    await wellspring.scheduler.run_now(DEADLINE_JOB)  # the app's sweep, every half minute
    await wellspring.scheduler.run_now(DIGEST_PLAN_JOB)
    await wellspring.scheduler.run_now(DIGEST_PLAN_JOB)
    digests = [c for c in fake_slack.calls_to("chat.postMessage") if "weekly" in c.params["text"]]
    assert len(digests) == 1, "London is past 09:00 and gets one digest; Chicago not yet"
    assert "2026-W48" in str(digests[0].params["blocks"])
    openers = load_catalog().variants("summaries.openers")
    assert sum(o in str(digests[0].params["blocks"]) for o in openers) == 1, "one opener a week"
    assert len(fake_slack.calls_to("files.completeUploadExternal")) == 1, "with its chart"
    clock.set(datetime(2026, 11, 30, 15, 5, tzinfo=UTC))  # 09:05 in Chicago
    await wellspring.scheduler.run_now(DIGEST_PLAN_JOB)
    digests = [c for c in fake_slack.calls_to("chat.postMessage") if "weekly" in c.params["text"]]
    assert len(digests) == 2


async def test_a_supervisor_in_none_of_the_teams_gets_no_digest(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early", "late"] * 3)
    fake_slack.members[TEAM].remove(LEAD)
    clock.set(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # Monday, past 09:00 for both
    await wellspring.scheduler.run_now(DIGEST_PLAN_JOB)
    digests = [c for c in fake_slack.calls_to("chat.postMessage") if "weekly" in c.params["text"]]
    assert [d.params["channel"] for d in digests] == [fake_slack.dm_id(SUPERVISOR)]
    opened = [c.params["users"] for c in fake_slack.calls_to("conversations.open")]
    assert LEAD not in opened, "not even a direct message is opened for them"


async def test_counts_and_audit_lines_past_retention_are_deleted_daily(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early"] * 6)
    await pulse(slack, fake_slack, SUPERVISOR)
    clock.set(clock.now() + timedelta(days=729))
    await wellspring.scheduler.run_now("forget-old-pulses")
    assert await _rows(wellspring) == (1, 4, 1)
    clock.set(clock.now() + timedelta(days=2))
    await wellspring.scheduler.run_now("forget-old-pulses")
    assert await _rows(wellspring) == (1, 4, 0), "a look goes on its day"
    clock.set(clock.now() + timedelta(weeks=6))
    await wellspring.scheduler.run_now("forget-old-pulses")
    assert await _rows(wellspring) == (0, 0, 0), "a check-in goes with its whole month"


async def _rows(ws: Wellspring) -> tuple[int, ...]:
    counts = []
    async with ws.engine.connect() as conn:
        for table in ("checkins", "pulse_counts", "pulse_views"):
            counts.append((await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one())
    return tuple(counts)


async def test_a_late_share_rising_three_weeks_running_suggests_a_team_level_step(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    ideas = load_catalog().variants("pulse.suggestion", team=f"<#{TEAM}>")
    for week in range(4):
        clock.set(datetime(2026, 11, 2, 9, tzinfo=UTC) + timedelta(weeks=week))
        late = week + 1  # 1, 2, 3, then 4 of 6 answers in the late stages
        await closed_checkin(
            wellspring, slack, fake_slack, clock, ["late"] * late + ["early"] * (6 - late)
        )
        if week == 2:
            summary = body_text(await pulse(slack, fake_slack, LEAD))
            assert not any(idea in summary for idea in ideas), "two rises are not yet a trend"
    clock.set(datetime(2026, 11, 30, 12, tzinfo=UTC))
    await wellspring.scheduler.run_now(DEADLINE_JOB)
    summary = body_text(await pulse(slack, fake_slack, LEAD))
    assert any(idea in summary for idea in ideas)
    assert "U0W" not in summary, "the suggestion names no one"


async def test_the_audit_log_keeps_one_line_per_viewer_team_and_kind_of_look_a_day(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 6)
    for _ in range(5):
        await slack.event({"type": "app_home_opened", "user": LEAD, "tab": "home"})
    await pulse(slack, fake_slack, LEAD)
    await pulse(slack, fake_slack, LEAD)
    assert await wellspring.inflight.drain(5)
    assert await _looks(wellspring) == [(LEAD, "home"), (LEAD, "summary")]
    clock.set(clock.now() + timedelta(days=1))
    await slack.event({"type": "app_home_opened", "user": LEAD, "tab": "home"})
    await slack.event({"type": "app_home_opened", "user": SUPERVISOR, "tab": "home"})
    assert await wellspring.inflight.drain(5)
    assert await _looks(wellspring) == [
        (LEAD, "home"),
        (LEAD, "home"),
        (LEAD, "summary"),
        (SUPERVISOR, "home"),
    ], "a new day, and another viewer, each get their line"


async def _looks(ws: Wellspring) -> list[tuple[str, str]]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT viewer, kind FROM pulse_views WHERE team = :t ORDER BY viewer, kind"),
            {"t": TEAM},
        )
        return [(viewer, kind) for viewer, kind in rows.all()]


async def test_a_supervisor_deleting_their_data_hears_their_looks_stay_in_the_audit_log(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["middle"] * 6)
    await pulse(slack, fake_slack, LEAD)
    assert await _looks(wellspring) == [(LEAD, "summary")]
    before = len(fake_slack.response_posts)
    await slack.block_action("personal_data_delete#0", "", user_id=LEAD, channel_id="D0LEAD")
    [answer] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
    stays = load_catalog().text("mydata.looks_stay")
    assert stays in json.dumps(answer.body, ensure_ascii=False)
    assert await _looks(wellspring) == [(LEAD, "summary")], "the look stays on record"
