"""A listener that fails after its ack: Slack already has its 200, the failure is counted."""

import asyncio
import logging

import aiohttp
import pytest

from app import Wellspring
from tests.e2e.pulse_helpers import SUPERVISOR
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


async def test_a_failure_after_the_ack_is_logged_by_kind_and_counted(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.fail_next("views.open", error="internal_error")
    with caplog.at_level(logging.ERROR):
        reply = await slack.command("/checkin", "schedule", user_id=SUPERVISOR)
        assert reply.status == 200, "acknowledged before the form failed to open"
        await fake_slack.wait_for("views.open")
        assert await wellspring.inflight.drain(5)
        await asyncio.sleep(0)  # the failed task's done callback runs on the next turn
    assert "listener failed after its ack: SlackApiError" in caplog.text
    assert SUPERVISOR not in caplog.text
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{wellspring.metrics_url}/metrics") as answer,
    ):
        metrics = await answer.text()
    assert 'wellspring_errors_total{where="slack_listener"} 1.0' in metrics
