"""A listener that fails after its ack: Slack already has its 200, the person is told, the
failure is counted."""

import asyncio
import logging

import aiohttp
import pytest

from bootstrap import Wellspring
from prompts import load_catalog
from tests.e2e.pulse_helpers import SUPERVISOR
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()


async def test_a_failure_after_the_ack_is_logged_by_kind_and_counted(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.fail_next("views.open", error="internal_error")
    before = len(fake_slack.response_posts)
    with caplog.at_level(logging.ERROR):
        reply = await slack.command("/checkin", "schedule", user_id=SUPERVISOR)
        assert reply.status == 200, "acknowledged before the form failed to open"
        await fake_slack.wait_for("views.open")
        assert await wellspring.inflight.drain(5)
        await asyncio.sleep(0)  # the failed task's done callback runs on the next turn
    assert "a listener failed after acknowledging: SlackApiError" in caplog.text
    [told] = (await fake_slack.wait_for_response_posts(before + 1))[before:]
    assert told.body["text"] == CATALOG.text("errors.unexpected")
    assert SUPERVISOR not in caplog.text
    async with (
        aiohttp.ClientSession() as session,
        session.get(f"{wellspring.metrics_url}/metrics") as answer,
    ):
        metrics = await answer.text()
    assert 'wellspring_errors_total{where="slack_listener"} 1.0' in metrics
