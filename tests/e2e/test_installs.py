"""Several workspaces: each installs through Slack's OAuth flow and is served with its own token."""

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest
from sqlalchemy import text

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from handlers.slack.installs import BOT_SCOPES
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule
from tests.e2e.conftest import SIGNING_SECRET, MovableClock
from tests.e2e.install_helpers import finish_install, install, installs_settings, start_install
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_installs import CLIENT_ID, CLIENT_SECRET
from tests.fakes.slack_signer import SignedSlackClient


@pytest.fixture
async def wellspring(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    """The real app with a client id and secret instead of one bot token, on both databases."""
    settings = installs_settings(fake_slack, database_url)
    ws = await start_wellspring(settings, clock)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
async def web() -> AsyncIterator[aiohttp.ClientSession]:
    """A browser: no cookie jar of its own, so each test says which cookie it sends."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


def bearer(call_headers: dict[str, str]) -> str:
    return call_headers["Authorization"].removeprefix("Bearer ")


async def bot_rows(ws: Wellspring) -> list[str]:
    async with ws.engine.connect() as connection:
        rows = await connection.execute(text("SELECT team_id FROM slack_bots ORDER BY team_id"))
        return [row.team_id for row in rows]


async def test_the_install_page_asks_slack_for_the_manifests_scopes(
    wellspring: Wellspring, web: aiohttp.ClientSession
) -> None:
    _, query = await start_install(web, wellspring)
    assert query["client_id"] == CLIENT_ID
    assert query["scope"].split(",") == list(BOT_SCOPES)  # test_manifest: the same as manifest.yml


async def test_each_installed_workspace_is_served_with_its_own_token(
    wellspring: Wellspring, web: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    tokens = {team: await install(web, wellspring, fake_slack, team) for team in ("T0N", "T0S")}
    assert await bot_rows(wellspring) == ["T0N", "T0S"]
    for team, channel in (("T0N", "C0NORTH"), ("T0S", "C0SOUTH")):
        slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id=team)
        try:
            reply = await slack.command("/checkin", "now", channel_id=channel)
        finally:
            await slack.close()
        assert reply.status == 200
    posts = await fake_slack.wait_for("chat.postMessage", count=2)
    assert await wellspring.inflight.drain(5)
    used = {call.params["channel"]: bearer(call.headers) for call in posts}
    assert used == {"C0NORTH": tokens["T0N"], "C0SOUTH": tokens["T0S"]}


async def test_a_workspace_without_an_installation_gets_a_private_explanation(
    wellspring: Wellspring, fake_slack: FakeSlack
) -> None:
    slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id="T0NEVER")
    try:
        reply = await slack.command("/checkin", "now")
    finally:
        await slack.close()
    assert reply.status == 200
    [answer] = await fake_slack.wait_for_response_posts(1)
    assert answer.body["text"] == load_catalog().text("errors.not_installed")
    assert answer.body.get("response_type") != "in_channel"
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_a_redirect_whose_state_the_app_did_not_issue_installs_nothing(
    wellspring: Wellspring, web: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    code = fake_slack.installs.grant("T0N")
    forged = await finish_install(web, wellspring, code, "forged-state", "forged-state")
    assert forged.status == 401, "a state the app never stored"
    state, _ = await start_install(web, wellspring)
    no_cookie = await finish_install(web, wellspring, code, state, None)
    assert no_cookie.status == 400, "the state must come back in the browser that started"
    replayed = await finish_install(web, wellspring, code, state, "another-state")
    assert replayed.status == 400
    assert fake_slack.calls_to("oauth.v2.access") == []
    assert await bot_rows(wellspring) == []


async def test_uninstalling_forgets_the_token_and_the_workspace_is_no_longer_served(
    wellspring: Wellspring, web: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    await install(web, wellspring, fake_slack, "T0N")
    slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id="T0N")
    try:
        fake_slack.installs.revoke("T0N")  # Slack revokes the token, then tells the app
        reply = await slack.event({"type": "app_uninstalled"}, event_id="Ev0BYE")
        assert reply.status == 200
        assert await wellspring.inflight.drain(5)
        assert await bot_rows(wellspring) == []
        await slack.command("/checkin", "now")
    finally:
        await slack.close()
    [answer] = await fake_slack.wait_for_response_posts(1)
    assert answer.body["text"] == load_catalog().text("errors.not_installed")
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_bot_tokens_never_reach_the_logs(
    wellspring: Wellspring,
    web: aiohttp.ClientSession,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    token = await install(web, wellspring, fake_slack, "T0N")
    slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id="T0N")
    try:
        await slack.command("/checkin", "now", channel_id="C0NORTH")
    finally:
        await slack.close()
    await fake_slack.wait_for("chat.postMessage")
    assert await wellspring.inflight.drain(5)
    assert token not in caplog.text and CLIENT_SECRET not in caplog.text


async def test_slack_is_asked_who_a_token_is_once_not_before_every_request(
    wellspring: Wellspring, web: aiohttp.ClientSession, fake_slack: FakeSlack
) -> None:
    token = await install(web, wellspring, fake_slack, "T0N")
    slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id="T0N")
    try:
        for _ in range(3):
            assert (await slack.command("/checkin", "help")).status == 200
    finally:
        await slack.close()
    asked = [c for c in fake_slack.calls_to("auth.test") if bearer(c.headers) == token]
    assert len(asked) == 2, "once while installing, once for the first request"


async def test_a_schedule_in_a_workspace_that_removed_the_app_pauses_without_posting(
    wellspring: Wellspring, web: aiohttp.ClientSession, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await install(web, wellspring, fake_slack, "T0N")
    slack = SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id="T0N")
    try:
        saved = await create_schedule(slack, fake_slack, time="09:00")
        assert saved.status == 200
        await fake_slack.wait_for("chat.postEphemeral")  # "saved", before the app is removed
        fake_slack.installs.revoke("T0N")
        await slack.event({"type": "app_uninstalled"}, event_id="Ev0GONE")
        assert await wellspring.inflight.drain(5)
    finally:
        await slack.close()
    clock.set(datetime(2026, 11, 26, 9, 1, tzinfo=UTC))
    await wellspring.scheduler.run_now(SWEEP_JOB)
    assert fake_slack.calls_to("chat.postMessage") == []
    async with wellspring.engine.connect() as connection:
        paused = await connection.scalar(text("SELECT paused FROM schedules"))
    assert paused, "paused rather than tried again at every run"
