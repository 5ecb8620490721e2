"""One workspace that removed the app does not stop the jobs that serve the others."""

import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime

import aiohttp
import pytest

from bootstrap import DIGEST_PLAN_JOB, SWEEP_JOB, Wellspring, start_wellspring
from tests.e2e.checkin_helpers import create_schedule
from tests.e2e.conftest import SIGNING_SECRET, MovableClock
from tests.e2e.install_helpers import install, installs_settings
from tests.e2e.pulse_helpers import SUPERVISOR, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

GONE, STAYING = "T0AGONE", "T0BSTAYS"  # the removed one comes first in every listing


@pytest.fixture
async def wellspring(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    settings = installs_settings(fake_slack, sqlite_database_url, supervisor_user_ids=SUPERVISOR)
    ws = await start_wellspring(settings, clock)
    try:
        yield ws
    finally:
        await ws.stop()


@pytest.fixture
async def clients(
    wellspring: Wellspring, fake_slack: FakeSlack
) -> AsyncIterator[dict[str, SignedSlackClient]]:
    """Both workspaces installed, each with a signed client of its own."""
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as web:
        tokens = {
            team: await install(web, wellspring, fake_slack, team) for team in (GONE, STAYING)
        }
    by_team = {
        team: SignedSlackClient(wellspring.url, SIGNING_SECRET, fake_slack, team_id=team)
        for team in tokens
    }
    try:
        yield by_team
    finally:
        for client in by_team.values():
            await client.close()


async def remove_app(ws: Wellspring, fake: FakeSlack, slack: SignedSlackClient) -> None:
    fake.installs.revoke(slack.team_id)
    assert (await slack.event({"type": "app_uninstalled"}, event_id="Ev0GONE")).status == 200
    assert await ws.inflight.drain(5)


async def test_a_supervisor_still_gets_the_digest_when_another_workspace_removed_the_app(
    wellspring: Wellspring,
    clients: dict[str, SignedSlackClient],
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    fake_slack.add_user(SUPERVISOR, tz="Europe/London")
    for team, channel in ((GONE, "C0GONE"), (STAYING, "C0STAYS")):
        fake_slack.members[channel] = [SUPERVISOR]
        await post_checkin(wellspring, clients[team], fake_slack, channel)
    await remove_app(wellspring, fake_slack, clients[GONE])
    caplog.set_level(logging.INFO)
    clock.set(datetime(2026, 11, 30, 16, 0, tzinfo=UTC))  # Monday afternoon in London
    await wellspring.scheduler.run_now(DIGEST_PLAN_JOB)
    digests = [c for c in fake_slack.calls_to("chat.postMessage") if "weekly" in c.params["text"]]
    assert [d.params["channel"] for d in digests] == [fake_slack.dm_id(SUPERVISOR)]
    [token] = [t for t, team in fake_slack.installs.tokens.items() if team == STAYING]
    assert digests[0].headers["Authorization"] == f"Bearer {token}"
    assert SUPERVISOR not in caplog.text and GONE not in caplog.text, "no ids in the logs"


async def test_the_schedule_sweep_posts_in_one_workspace_when_another_removed_the_app(
    wellspring: Wellspring,
    clients: dict[str, SignedSlackClient],
    fake_slack: FakeSlack,
    clock: MovableClock,
) -> None:
    for team, channel in ((GONE, "C0GONE"), (STAYING, "C0STAYS")):
        before = len(fake_slack.calls_to("chat.postEphemeral"))
        saved = await create_schedule(clients[team], fake_slack, time="09:00", channel=channel)
        assert saved.status == 200
        await fake_slack.wait_for("chat.postEphemeral", count=before + 1)
    await remove_app(wellspring, fake_slack, clients[GONE])
    clock.set(datetime(2026, 11, 26, 9, 1, tzinfo=UTC))  # both schedules are due
    await wellspring.scheduler.run_now(SWEEP_JOB)
    posted = [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")]
    assert posted == ["C0STAYS"]
