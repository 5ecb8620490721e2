"""Two replicas on one database post once; personal reminders arrive by DM."""

import asyncio
from datetime import UTC, datetime, timedelta

from bootstrap import SWEEP_JOB, Wellspring
from bot.domain.schedules import Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_session_factory
from bot.storage.unit_of_work import SqlUnitOfWork
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule, posts_to
from tests.e2e.conftest import MovableClock, two_replicas
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()

NINE = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def test_two_scheduler_instances_sharing_a_database_post_once(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    async with two_replicas(fake_slack, database_url, clock) as ((first, second), (slack, _)):
        await create_schedule(slack, fake_slack)
        async with SqlUnitOfWork(create_session_factory(second.engine)) as uow:
            assert len(await uow.schedules.active()) == 1, "the replica sees the schedule"
        clock.set(NINE + timedelta(seconds=30))
        await asyncio.gather(
            *(ws.scheduler.run_now(SWEEP_JOB) for ws in (first, second, first, second))
        )
        assert len(posts_to(fake_slack, "C0TEAM")) == 1


async def test_a_person_adds_a_private_reminder_from_app_home_and_gets_it_by_dm(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await slack.event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"})
    [home] = await fake_slack.wait_for("views.publish")
    assert "personal_add" in str(home.params["view"])

    await slack.block_action("personal_add#0", "")
    [opened] = await fake_slack.wait_for("views.open")
    assert "personal_form" in str(opened.params["view"])
    values = {
        "label": {"label": {"type": "plain_text_input", "value": "End of my shift"}},
        "days": {"days": {"type": "checkboxes", "selected_options": [{"value": "thu"}]}},
        "time": {"time": {"type": "timepicker", "selected_time": "17:00"}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": "UTC"}},
    }
    reply = await slack.view_submission("personal_form", values)
    assert reply.status == 200 and reply.text == ""
    published = await fake_slack.wait_for("views.publish", count=2)
    assert "End of my shift" in str(published[-1].params["view"])

    clock.set(NINE.replace(hour=17) + timedelta(minutes=1))
    await wellspring.scheduler.run_now(SWEEP_JOB)
    [dm_open] = fake_slack.calls_to("conversations.open")
    assert dm_open.params["users"] == "U0ALICE"
    [dm] = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert dm.params["channel"].startswith("D")
    assert "End of my shift" in str(dm.params["blocks"])
    assert posts_to(fake_slack, "C0TEAM") == []

    [reminder_id] = [s.id for s in await personal_schedules(wellspring)]
    await slack.block_action("personal_remove#0", reminder_id, user_id="U0BOB")
    assert await wellspring.inflight.drain(5)
    assert len(await personal_schedules(wellspring)) == 1, "only its owner can remove it"
    await slack.block_action("personal_remove#0", reminder_id)
    published = await fake_slack.wait_for("views.publish", count=3)
    assert "End of my shift" not in str(published[-1].params["view"])
    assert await personal_schedules(wellspring) == []


async def personal_schedules(ws: Wellspring) -> list[Schedule]:
    async with SqlUnitOfWork(create_session_factory(ws.engine)) as uow:
        return await uow.schedules.personal_for(WorkspaceRef("slack", "T0AGENCY"), "U0ALICE")


async def test_a_private_reminder_saved_without_a_name_gets_the_default_name(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await slack.block_action("personal_add#0", "")
    [opened] = await fake_slack.wait_for("views.open")
    default = CATALOG.text("personal.default_label")
    assert default in str(opened.params["view"]), "the form says what an empty name becomes"
    values = {
        "label": {"label": {"type": "plain_text_input", "value": "   "}},
        "days": {"days": {"type": "checkboxes", "selected_options": [{"value": "thu"}]}},
        "time": {"time": {"type": "timepicker", "selected_time": "17:00"}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": "UTC"}},
    }
    reply = await slack.view_submission("personal_form", values)
    assert reply.status == 200 and reply.text == ""
    [published] = await fake_slack.wait_for("views.publish")
    listed = str(published.params["view"])
    assert f"*{default}*, " in listed and "**, " not in listed

    clock.set(NINE.replace(hour=17) + timedelta(minutes=1))
    await wellspring.scheduler.run_now(SWEEP_JOB)
    [dm] = [c for c in fake_slack.calls_to("chat.postMessage") if c.ok]
    assert CATALOG.text("personal.dm_header", label=default) in str(dm.params["blocks"])
