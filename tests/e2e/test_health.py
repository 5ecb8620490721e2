"""/healthz reports the database and scheduler; /metrics counts requests and API calls."""

import aiohttp

from app import Wellspring
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_healthz_is_200_with_what_it_checked(wellspring: Wellspring) -> None:
    status, body = await _get(f"{wellspring.url}/healthz")
    assert status == 200
    assert '"database": "ok"' in body and '"scheduler": "ok"' in body


async def test_healthz_is_503_when_the_scheduler_has_stopped(wellspring: Wellspring) -> None:
    wellspring.scheduler.shutdown()
    status, body = await _get(f"{wellspring.url}/healthz")
    assert status == 503
    assert '"scheduler": "stopped"' in body


async def test_metrics_count_requests_and_slack_api_calls(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.command("/debrief")
    await slack.command("/debrief", secret="wrong")
    await slack.event({"type": "app_home_opened", "user": "U0BOB", "tab": "home"}, event_id="Ev9")
    await fake_slack.wait_for("views.publish")
    assert await wellspring.inflight.drain(5), "the listener finished"
    status, text = await _get(f"{wellspring.url}/metrics")
    assert status == 200
    assert 'wellspring_requests_total{route="/slack/events",status="200"} 2.0' in text
    assert 'wellspring_requests_total{route="/slack/events",status="401"} 1.0' in text
    assert (
        'wellspring_platform_api_calls_total{method="views.publish",outcome="ok",platform="slack"}'
        in text
    )
    assert "U0BOB" not in text
