"""Scheduled posts: the modal, firing on time, exactly once, late within grace, DST, skips,
pause/resume/delete, a channel that is gone, rate limits, and the per-channel limit."""

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_session_factory
from bot.storage.unit_of_work import SqlUnitOfWork
from tests.e2e.checkin_helpers import create_schedule, posts_to, texts
from tests.e2e.conftest import MovableClock, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

NINE = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def fire(ws: Wellspring) -> None:
    """What the scheduler does at a wake-up, awaited so the test can look afterwards."""
    await ws.scheduler.run_now(SWEEP_JOB)


async def test_the_schedule_modal_defaults_to_the_person_s_time_zone(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.add_user("U0ALICE", tz="Europe/Dublin")
    await slack.command("/checkin", "schedule")
    [opened] = await fake_slack.wait_for("views.open")
    assert "Europe/Dublin" in str(opened.params["view"])


async def test_invalid_schedule_gets_field_errors_in_the_modal(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    reply = await create_schedule(
        slack, fake_slack, days=(), timezone="Mars/Base", skip="next tuesday"
    )
    body = reply.json()
    assert body["response_action"] == "errors"
    assert set(body["errors"]) == {"days", "timezone", "skip"}
    assert "Mars/Base" in body["errors"]["timezone"]


async def test_a_scheduled_checkin_fires_once_at_its_time(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    reply = await create_schedule(slack, fake_slack, time="09:00", timezone="UTC")
    assert reply.status == 200 and reply.text == ""
    [confirmation] = await fake_slack.wait_for("chat.postEphemeral")
    assert "Next post" in confirmation.params["text"]
    await fire(wellspring)
    assert posts_to(fake_slack, "C0TEAM") == [], "nothing before 09:00"

    clock.set(NINE + timedelta(seconds=5))
    await fire(wellspring)
    await fire(wellspring)
    [post] = posts_to(fake_slack, "C0TEAM")
    assert "pulse_level" in texts(post)


async def test_the_cron_wakeup_is_at_local_time_across_daylight_saving(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack, time="09:00", timezone="America/Chicago")
    [schedule] = await wellspring_schedules(wellspring)
    wake = wellspring.scheduler.next_wake(schedule)
    wake = wake.astimezone(ZoneInfo("America/Chicago")) if wake else None
    assert wake is not None and (wake.hour, wake.minute) == (9, 0)
    # Across the spring change the post keeps to 09:00 local: 15:00 UTC, then 14:00 UTC.
    clock.set(datetime(2027, 3, 15, 14, 0, 30, tzinfo=UTC))
    await fire(wellspring)
    assert len(posts_to(fake_slack, "C0TEAM")) == 1


async def test_skip_dates_are_not_posted(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack, skip="2026-11-26")
    clock.set(NINE + timedelta(minutes=1))
    await fire(wellspring)
    assert posts_to(fake_slack, "C0TEAM") == []
    clock.set(NINE + timedelta(days=1, minutes=1))
    await fire(wellspring)
    assert len(posts_to(fake_slack, "C0TEAM")) == 1


async def test_runs_missed_while_down_are_posted_late_within_grace_and_once(
    fake_slack: FakeSlack, slack: SignedSlackClient, wellspring: Wellspring,
    sqlite_database_url: str, clock: MovableClock,
) -> None:  # fmt: skip
    await create_schedule(slack, fake_slack)
    await wellspring.stop()  # the app is down at 09:00
    clock.set(NINE + timedelta(minutes=40))
    for _ in range(2):  # two restarts: the second must not post again
        restarted = await start_wellspring(make_settings(fake_slack, sqlite_database_url), clock)
        await fire(restarted)
        await restarted.stop()
    assert len(posts_to(fake_slack, "C0TEAM")) == 1


async def test_runs_missed_beyond_grace_are_skipped_and_recorded(
    fake_slack: FakeSlack, slack: SignedSlackClient, wellspring: Wellspring, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack)
    clock.set(NINE + timedelta(hours=2))
    await fire(wellspring)
    assert posts_to(fake_slack, "C0TEAM") == []
    [schedule_id] = await wellspring_schedules(wellspring)
    assert await stored_runs(wellspring, schedule_id) == ["skipped"]


async def test_pause_resume_and_delete_from_the_list(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack)
    listing = (await slack.command("/checkin", "list")).json()
    assert "schedule_pause" in str(listing["blocks"])
    [schedule_id] = await wellspring_schedules(wellspring)

    await slack.block_action("schedule_pause#0", schedule_id)
    [paused] = await fake_slack.wait_for_response_posts(1)
    assert paused.body["replace_original"] is True and "schedule_resume" in str(paused.body)
    clock.set(NINE + timedelta(minutes=1))
    await fire(wellspring)
    assert posts_to(fake_slack, "C0TEAM") == []

    await slack.block_action("schedule_resume#0", schedule_id)
    await fake_slack.wait_for_response_posts(2)
    clock.set(NINE + timedelta(days=1, minutes=1))
    await fire(wellspring)
    assert len(posts_to(fake_slack, "C0TEAM")) == 1

    await slack.block_action("schedule_delete#1", schedule_id)
    await fake_slack.wait_for_response_posts(3)
    assert await wellspring_schedules(wellspring) == []
    assert wellspring.scheduler.next_wake(schedule_id) is None


async def test_pause_and_resume_all_of_a_channel(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack)
    await create_schedule(slack, fake_slack, kind="reminder")
    assert "2" in (await slack.command("/checkin", "pause")).json()["text"]
    clock.set(NINE + timedelta(minutes=1))
    await fire(wellspring)
    assert posts_to(fake_slack, "C0TEAM") == []
    assert "2" in (await slack.command("/checkin", "resume")).json()["text"]


async def test_a_channel_that_is_gone_pauses_the_schedule_and_tells_its_creator(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack)
    fake_slack.fail_next("chat.postMessage", error="not_in_channel")
    clock.set(NINE + timedelta(minutes=1))
    await fire(wellspring)
    [opened] = fake_slack.calls_to("conversations.open")
    assert opened.params["users"] == "U0ALICE"
    [note] = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert "/invite" in note.params["text"] and "/checkin resume" in note.params["text"]
    clock.set(NINE + timedelta(days=1, minutes=1))
    await fire(wellspring)
    assert posts_to(fake_slack, "C0TEAM") == [], "paused: no retrying forever"


async def test_a_rate_limited_post_is_retried_and_posted_once(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await create_schedule(slack, fake_slack)
    fake_slack.fail_next("chat.postMessage", status=429, retry_after=0)
    clock.set(NINE + timedelta(minutes=1))
    await fire(wellspring)
    await fire(wellspring)
    assert [c.status for c in fake_slack.calls_to("chat.postMessage")] == [429, 200]


async def test_the_eleventh_schedule_in_a_channel_is_refused(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    for _ in range(10):
        assert (await create_schedule(slack, fake_slack)).text == ""
    refused = (await create_schedule(slack, fake_slack)).json()
    assert refused["response_action"] == "errors"
    assert "10" in refused["errors"]["kind"]


async def wellspring_schedules(ws: Wellspring) -> list[str]:
    async with SqlUnitOfWork(create_session_factory(ws.engine)) as uow:
        found = await uow.schedules.for_conversation(WorkspaceRef("slack", "T0AGENCY"), "C0TEAM")
    return [schedule.id for schedule in found]


async def stored_runs(ws: Wellspring, schedule_id: str) -> list[str]:
    async with SqlUnitOfWork(create_session_factory(ws.engine)) as uow:
        return [status.value for _, status in await uow.schedules.runs(schedule_id)]
