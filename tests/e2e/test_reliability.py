"""Signed requests only; malformed bodies refused; retried events take effect once."""

import json
import time

import aiohttp

from bootstrap import Wellspring
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

HOME_OPENED = {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home"}


async def _healthy(wellspring: Wellspring) -> None:
    async with aiohttp.ClientSession() as session, session.get(f"{wellspring.url}/healthz") as r:
        assert r.status == 200


async def test_a_bad_signature_gets_401_and_causes_nothing(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    reply = await slack.command("/checkin", "now", secret="not-the-secret")
    assert reply.status == 401
    assert await_nothing(fake_slack)


async def test_a_timestamp_older_than_five_minutes_gets_401(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    stale = int(time.time()) - 6 * 60
    reply = await slack.command("/checkin", "now", timestamp=stale)
    assert reply.status == 401
    assert await_nothing(fake_slack)


async def test_an_unsigned_request_gets_401(slack: SignedSlackClient) -> None:
    reply = await slack.raw(b'{"type": "event_callback"}', "application/json", signed=False)
    assert reply.status == 401


async def test_malformed_bodies_get_400_and_the_app_stays_up(
    slack: SignedSlackClient, wellspring: Wellspring
) -> None:
    for body, content_type in [
        (b"{not json", "application/json"),
        (b"payload=%7Bbroken", "application/x-www-form-urlencoded"),
        (b"\xff\xfe\x00", "application/x-www-form-urlencoded"),
        (b"[]", "application/json"),
    ]:
        reply = await slack.raw(body, content_type)
        assert reply.status == 400, body
    await _healthy(wellspring)
    assert (await slack.command("/pulse")).status == 200


async def test_url_verification_is_answered(slack: SignedSlackClient) -> None:
    reply = await slack.url_verification("challenge-token-123")
    assert reply.status == 200
    assert "challenge-token-123" in reply.text


async def test_a_retried_event_takes_effect_once(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    first = await slack.event(HOME_OPENED, event_id="Ev0HOME1")
    retry = await slack.event(HOME_OPENED, event_id="Ev0HOME1", retry_num=1)
    assert first.status == retry.status == 200
    await fake_slack.wait_for("views.publish", count=1)
    # A distinct event proves the app still processes events after the duplicate.
    await slack.event(HOME_OPENED, event_id="Ev0HOME2")
    calls = await fake_slack.wait_for("views.publish", count=2)
    assert len(calls) == 2
    assert [c.params["user_id"] for c in calls] == ["U0ALICE", "U0ALICE"]
    view = calls[0].params["view"]
    view = json.loads(view) if isinstance(view, str) else view
    assert view["type"] == "home"


async def test_a_rate_limited_call_is_retried_after_retry_after(
    slack: SignedSlackClient, fake_slack: FakeSlack
) -> None:
    fake_slack.fail_next("views.publish", status=429, retry_after=0)
    await slack.event(HOME_OPENED, event_id="Ev0RATE")
    calls = await fake_slack.wait_for("views.publish", count=2)
    assert len(calls) == 2, "one rejected attempt, then one that went through"


def await_nothing(fake_slack: FakeSlack) -> bool:
    """True when the app made no Web API call other than its own auth check."""
    return [c.method for c in fake_slack.calls if c.method != "auth.test"] == []
