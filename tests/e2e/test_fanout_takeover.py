"""A replica that stopped mid fan-out: another finishes its runs, posting none twice."""

from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bootstrap import SWEEP_JOB, Wellspring
from bot.domain.checkins import Checkin
from bot.domain.schedules import RunStatus, run_key
from bot.storage.engine import create_session_factory
from bot.storage.unit_of_work import SqlUnitOfWork
from handlers.slack.messenger import RUN_EVENT
from tests.e2e.checkin_helpers import posts_to
from tests.e2e.conftest import BOT_TOKEN, MovableClock
from tests.e2e.fanout_helpers import NINE, WORKSPACE, add_checkins_at_nine
from tests.fakes.slack_api import FakeSlack

LEASE = timedelta(seconds=120)  # SCHEDULE_CLAIM_LEASE_SECONDS' default
CLAIMED_AT = NINE + timedelta(seconds=5)  # when the replica that stopped claimed the run


@pytest.fixture
async def schedule_id(wellspring: Wellspring) -> AsyncIterator[str]:
    [made] = await add_checkins_at_nine(wellspring, 1)
    yield made


async def left_by_a_stopped_replica(ws: Wellspring, schedule_id: str, sending: bool) -> str:
    """The database as a replica leaves it when it stops after claiming (and composing)."""
    checkin = Checkin("c0ffee00-0000-4000-8000-000000000001", WORKSPACE, "C00000", CLAIMED_AT, NINE)
    async with SqlUnitOfWork(create_session_factory(ws.engine)) as uow:
        await uow.schedules.claim_run(schedule_id, NINE, RunStatus.CLAIMED, CLAIMED_AT)
        if sending:
            await uow.checkins.add(checkin)
            await uow.schedules.mark_sending(schedule_id, NINE, checkin.id)
        await uow.commit()
    return checkin.id


async def run_status(ws: Wellspring, schedule_id: str) -> list[RunStatus]:
    async with SqlUnitOfWork(create_session_factory(ws.engine)) as uow:
        return [status for _, status in await uow.schedules.runs(schedule_id)]


async def stored_checkin(ws: Wellspring, checkin_id: str) -> Checkin | None:
    async with SqlUnitOfWork(create_session_factory(ws.engine)) as uow:
        return await uow.checkins.get(checkin_id)


async def sweep_at(ws: Wellspring, clock: MovableClock, after_claim: timedelta) -> None:
    clock.set(CLAIMED_AT + after_claim)
    await ws.scheduler.run_now(SWEEP_JOB)


async def test_a_run_claimed_and_never_sent_is_posted_once_the_lease_is_over(
    wellspring: Wellspring, schedule_id: str, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await left_by_a_stopped_replica(wellspring, schedule_id, sending=False)
    await sweep_at(wellspring, clock, LEASE - timedelta(seconds=1))
    assert posts_to(fake_slack, "C00000") == [], "within the lease the claim may still be alive"

    await sweep_at(wellspring, clock, LEASE + timedelta(seconds=1))
    await sweep_at(wellspring, clock, 2 * LEASE + timedelta(seconds=2))
    assert len(posts_to(fake_slack, "C00000")) == 1
    assert await run_status(wellspring, schedule_id) == [RunStatus.POSTED]


async def test_a_run_whose_post_reached_slack_is_finished_without_posting_again(
    wellspring: Wellspring, schedule_id: str, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    checkin_id = await left_by_a_stopped_replica(wellspring, schedule_id, sending=True)
    # Slack took the stopped replica's post; the replica never heard back.
    sent = await AsyncWebClient(token=BOT_TOKEN, base_url=fake_slack.api_url).chat_postMessage(
        channel="C00000",
        text="How are you doing today?",
        metadata={"event_type": RUN_EVENT, "event_payload": {"run": run_key(schedule_id, NINE)}},
    )

    await sweep_at(wellspring, clock, LEASE + timedelta(seconds=1))
    assert len(posts_to(fake_slack, "C00000")) == 1, "not posted twice"
    assert await run_status(wellspring, schedule_id) == [RunStatus.POSTED]
    found = await stored_checkin(wellspring, checkin_id)
    assert found is not None and found.message_id == sent["ts"], "its buttons still count"


async def test_a_run_sent_but_not_in_the_channel_is_posted_once_with_a_fresh_checkin(
    wellspring: Wellspring, schedule_id: str, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    orphan = await left_by_a_stopped_replica(wellspring, schedule_id, sending=True)
    await sweep_at(wellspring, clock, LEASE + timedelta(seconds=1))
    [post] = posts_to(fake_slack, "C00000")
    assert post.params["metadata"]["event_payload"]["run"] == run_key(schedule_id, NINE)
    assert orphan not in str(post.params["blocks"]), "a new check-in, not the unseen one"
    assert await stored_checkin(wellspring, orphan) is None, "the unseen check-in is gone"
    assert await run_status(wellspring, schedule_id) == [RunStatus.POSTED]


async def test_without_the_history_scope_a_run_that_may_have_been_sent_is_posted_again(
    wellspring: Wellspring, schedule_id: str, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await left_by_a_stopped_replica(wellspring, schedule_id, sending=True)
    fake_slack.fail_next("conversations.history", error="missing_scope")
    await sweep_at(wellspring, clock, LEASE + timedelta(seconds=1))
    assert [c.response.get("error") for c in fake_slack.calls_to("conversations.history")] == [
        "missing_scope"
    ]
    assert len(posts_to(fake_slack, "C00000")) == 1, "posted rather than lost"
    assert await run_status(wellspring, schedule_id) == [RunStatus.POSTED]
