"""Socket Mode, the easy install: Slack pushes deliveries over a websocket; the app acks there."""

from typing import Any

import aiohttp
import pytest

from bootstrap import Wellspring, start_wellspring
from bot.config.settings import SettingsProblem
from prompts import load_catalog
from tests.e2e.conftest import make_settings
from tests.e2e.pulse_helpers import answer, body_text, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SocketModeSlackClient

APP_TOKEN = "xapp-1-A0WELL-1-socketmodetest"
HOME_OPENED = {"type": "app_home_opened", "user": "U0ALICE", "channel": "D0HOME", "tab": "home"}
CATALOG = load_catalog()


@pytest.fixture
def overrides() -> dict[str, Any]:
    """An app-level token and no signing secret: Socket Mode only."""
    return {"slack_app_token": APP_TOKEN, "slack_signing_secret": None}


@pytest.fixture
async def slack(wellspring: Wellspring, fake_slack: FakeSlack) -> SocketModeSlackClient:
    await fake_slack.socket.wait_for_connections(1)
    return SocketModeSlackClient(fake_slack)


async def test_the_app_opens_its_socket_with_the_app_token_and_serves_no_events_route(
    wellspring: Wellspring, slack: SocketModeSlackClient, fake_slack: FakeSlack
) -> None:
    opened = fake_slack.calls_to("apps.connections.open")
    assert opened and all(c.ok for c in opened)
    assert all(c.headers["Authorization"] == f"Bearer {APP_TOKEN}" for c in opened)
    assert len(fake_slack.socket.connections) == 1
    async with aiohttp.ClientSession() as session:
        async with session.post(f"{wellspring.url}/slack/events", data=b"{}") as reply:
            assert reply.status == 404, "no unsigned HTTP way in when there is no signing secret"
        async with session.get(f"{wellspring.url}/healthz") as reply:
            assert reply.status == 200


async def test_a_slash_command_is_answered_privately_in_its_ack(
    slack: SocketModeSlackClient, fake_slack: FakeSlack
) -> None:
    reply = await slack.command("/checkin", "help")
    helped = reply.json()
    assert helped["response_type"] == "ephemeral"
    assert "/checkin schedule" in body_text(helped)
    typo = await slack.command("/checkin", "shedule")
    assert "/checkin schedule" in body_text(typo.json()), "a mistyped word gets the same help"
    words = await slack.command("/checkin", "my payload")
    assert CATALOG.text("safety.fixed_line") in body_text(words.json()), "words: crisis first"


async def test_a_checkin_posted_and_answered_over_the_socket_counts_each_person_once(
    wellspring: Wellspring, slack: SocketModeSlackClient, fake_slack: FakeSlack
) -> None:
    post = await post_checkin(wellspring, slack, fake_slack)
    assert post.params["channel"] == "C0TEAM"
    first = await answer(wellspring, slack, fake_slack, post, "U0ALICE", "early")
    assert first["response_type"] == "ephemeral"
    again = await answer(wellspring, slack, fake_slack, post, "U0ALICE", "late")
    assert again["text"] == CATALOG.text("pulse.already_answered")


async def test_an_event_redelivered_over_the_socket_takes_effect_once(
    wellspring: Wellspring, slack: SocketModeSlackClient, fake_slack: FakeSlack
) -> None:
    await slack.event(HOME_OPENED, event_id="Ev0SOCKET")
    await fake_slack.wait_for("views.publish")
    await slack.event(HOME_OPENED, event_id="Ev0SOCKET", retry_num=1)
    assert await wellspring.inflight.drain(5)
    assert len(fake_slack.calls_to("views.publish")) == 1


async def test_when_slack_asks_for_a_fresh_connection_the_app_reconnects_and_keeps_answering(
    slack: SocketModeSlackClient, fake_slack: FakeSlack
) -> None:
    before = len(fake_slack.calls_to("apps.connections.open"))
    await fake_slack.socket.refresh()
    assert len(fake_slack.calls_to("apps.connections.open")) == before + 1, "a fresh URL"
    reply = await slack.command("/checkin", "help")
    assert "/checkin schedule" in body_text(reply.json())


async def test_stopping_the_app_closes_its_socket(
    wellspring: Wellspring, slack: SocketModeSlackClient, fake_slack: FakeSlack
) -> None:
    await wellspring.stop()
    await fake_slack.socket.wait_for_connections(0)


@pytest.mark.parametrize(
    ("refused", "setting"),
    [("auth.test", "SLACK_BOT_TOKEN"), ("apps.connections.open", "SLACK_APP_TOKEN")],
)
async def test_a_token_slack_refuses_stops_the_start_naming_the_setting(
    fake_slack: FakeSlack, sqlite_database_url: str, refused: str, setting: str
) -> None:
    fake_slack.fail_next(refused, error="invalid_auth")
    settings = make_settings(fake_slack, sqlite_database_url, slack_app_token=APP_TOKEN)
    with pytest.raises(SettingsProblem) as stopped:
        await start_wellspring(settings)
    assert stopped.value.setting == setting
    assert stopped.value.reason == "token_refused"
    assert stopped.value.details == {"error": "invalid_auth"}
    assert fake_slack.socket.connections == [], "no socket was opened"
