"""The public port says only ok or unhealthy; /metrics and each check are on a local listener."""

import json

import aiohttp

from bootstrap import Wellspring
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


async def _get(url: str) -> tuple[int, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, await response.text()


async def test_public_healthz_is_200_and_says_only_ok(wellspring: Wellspring) -> None:
    status, body = await _get(f"{wellspring.url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok"}


async def test_public_healthz_is_503_and_says_only_unhealthy(wellspring: Wellspring) -> None:
    wellspring.scheduler.shutdown()
    status, body = await _get(f"{wellspring.url}/healthz")
    assert status == 503
    assert json.loads(body) == {"status": "unhealthy"}


async def test_the_public_port_has_no_metrics(wellspring: Wellspring) -> None:
    status, body = await _get(f"{wellspring.url}/metrics")
    assert status == 404
    assert "wellspring_" not in body


async def test_the_metrics_listener_is_local_and_names_each_check(wellspring: Wellspring) -> None:
    assert wellspring.metrics_url.startswith("http://127.0.0.1:")
    assert wellspring.metrics_url != wellspring.url
    status, body = await _get(f"{wellspring.metrics_url}/healthz")
    assert status == 200
    assert json.loads(body) == {"status": "ok", "checks": {"scheduler": "ok", "database": "ok"}}
    wellspring.scheduler.shutdown()
    status, body = await _get(f"{wellspring.metrics_url}/healthz")
    assert status == 503
    assert json.loads(body)["checks"]["scheduler"] == "stopped"


async def test_metrics_count_requests_and_slack_api_calls(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.command("/debrief")
    await slack.command("/debrief", secret="wrong")
    await slack.event({"type": "app_home_opened", "user": "U0BOB", "tab": "home"}, event_id="Ev9")
    await fake_slack.wait_for("views.publish")
    assert await wellspring.inflight.drain(5), "the listener finished"
    status, text = await _get(f"{wellspring.metrics_url}/metrics")
    assert status == 200
    assert 'wellspring_requests_total{route="/slack/events",status="200"} 2.0' in text
    assert 'wellspring_requests_total{route="/slack/events",status="401"} 1.0' in text
    assert (
        'wellspring_platform_api_calls_total{method="views.publish",outcome="ok",platform="slack"}'
        in text
    )
    assert "U0BOB" not in text


async def test_stopping_closes_the_metrics_listener(wellspring: Wellspring) -> None:
    url = wellspring.metrics_url
    await wellspring.stop()
    try:
        await _get(f"{url}/metrics")
    except aiohttp.ClientConnectionError:
        return
    raise AssertionError("the metrics listener still answered after stop()")
