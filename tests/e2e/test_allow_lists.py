"""SLACK_ALLOWED_TEAM_IDS and TEAMS_ALLOWED_TENANT_IDS hold for every request and every job,
also for a workspace installed before the list was set."""

import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime, timedelta
from typing import Any

import aiohttp
import pytest
from sqlalchemy import func, select

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from bot.process.scheduling import DEADLINE_JOB
from bot.storage.tables import checkins, debrief_offers, schedules
from prompts import load_catalog
from tests.e2e.checkin_helpers import create_schedule
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_teams_settings
from tests.e2e.debrief_helpers import ask, offers_to, sign_up
from tests.e2e.install_helpers import install, installs_settings
from tests.e2e.placement_helpers import stored
from tests.e2e.pulse_helpers import close_window, post_checkin
from tests.e2e.teams_dialog_helpers import dialog_data
from tests.e2e.test_teams_platform import ALL_DAYS, send
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import (
    TENANT_ID,
    Person,
    Place,
    Team,
    TeamsActivities,
    TeamsClient,
)
from tests.fakes.teams_connector import FakeBotConnector

CATALOG = load_catalog()
OLD, KEPT = "T0AOLD", "T0BKEPT"  # OLD was installed before the list named only KEPT


async def restart(ws: Wellspring, clock: MovableClock, **changes: Any) -> Wellspring:
    """The same database and settings but `changes`, as after an operator edits .env."""
    settings = ws.settings.model_copy(update=changes)
    await ws.stop()
    return await start_wellspring(settings, clock)


@pytest.fixture
async def both_installed(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[Wellspring, dict[str, SignedSlackClient]]]:
    """Both workspaces installed and each with a 09:00 check-in; then the list names KEPT."""
    ws = await start_wellspring(installs_settings(fake_slack, sqlite_database_url), clock)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as web:
        for team in (OLD, KEPT):
            await install(web, ws, fake_slack, team)
    clients = {
        team: SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack, team_id=team)
        for team in (OLD, KEPT)
    }
    for team, client in clients.items():
        before = len(fake_slack.calls_to("chat.postEphemeral"))
        channel = "C0" + team[2:]
        saved = await create_schedule(client, fake_slack, time="09:00", channel=channel)
        assert saved.status == 200
        await fake_slack.wait_for("chat.postEphemeral", count=before + 1)
        await client.close()
    ws = await restart(ws, clock, slack_allowed_team_ids=frozenset({KEPT}))
    clients = {
        team: SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack, team_id=team)
        for team in (OLD, KEPT)
    }
    try:
        yield ws, clients
    finally:
        for client in clients.values():
            await client.close()
        await ws.stop()


async def test_a_workspace_installed_before_the_list_is_refused_politely_and_its_jobs_skip(
    both_installed: tuple[Wellspring, dict[str, SignedSlackClient]],
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    ws, clients = both_installed
    rows_before = await stored(ws)
    reply = await clients[OLD].command("/checkin", "now", channel_id="C0AOLD")
    assert reply.status == 200
    assert CATALOG.text("errors.workspace_not_allowed") in reply.text
    for click in (
        clients[OLD].block_action("pulse_level#0", "x|early", channel_id="C0AOLD"),
        clients[OLD].event({"type": "app_home_opened", "user": "U0ALICE", "tab": "home"}),
    ):
        assert (await click).status == 200
    assert await ws.inflight.drain(5)
    assert await stored(ws) == rows_before, "nothing stored for the refused workspace"
    assert fake_slack.calls_to("chat.postMessage") == []
    assert fake_slack.calls_to("views.publish") == []

    clock.set(datetime(2026, 11, 26, 9, 1, tzinfo=UTC))  # both check-ins are due
    await ws.scheduler.run_now(SWEEP_JOB)
    posted = [call.params["channel"] for call in fake_slack.calls_to("chat.postMessage")]
    assert posted == ["C0BKEPT"], "only the allowed workspace's check-in is posted"
    assert OLD not in caplog.text, "no workspace id in the logs"
    assert "not on the allow-list" in caplog.text


async def refused_after(
    fake_slack: FakeSlack,
    database_url: str,
    clock: MovableClock,
    before_the_list: Callable[[Wellspring, SignedSlackClient], Awaitable[None]],
) -> Wellspring:
    """OLD installed and used (`before_the_list`); then the app restarted serving KEPT only."""
    ws = await start_wellspring(installs_settings(fake_slack, database_url), clock)
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as web:
        await install(web, ws, fake_slack, OLD)
    client = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack, team_id=OLD)
    try:
        await before_the_list(ws, client)
    finally:
        await client.close()
    return await restart(ws, clock, slack_allowed_team_ids=frozenset({KEPT}))


async def test_a_refused_workspaces_open_check_in_still_closes_without_a_call_to_it(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    async def before_the_list(ws: Wellspring, client: SignedSlackClient) -> None:
        await post_checkin(ws, client, fake_slack, channel="C0AOLD")

    ws = await refused_after(fake_slack, sqlite_database_url, clock, before_the_list)
    try:
        await close_window(ws, clock)
        async with ws.engine.connect() as connection:
            closed = await connection.scalar(select(checkins.c.closed))
        assert closed is True, "the window closed: its markers are gone as anywhere else"
        assert fake_slack.calls_to("chat.update") == [], "its card is left alone"
    finally:
        await ws.stop()


async def test_a_refused_workspaces_debrief_deadlines_pass_without_a_call_to_it(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> None:
    async def before_the_list(ws: Wellspring, client: SignedSlackClient) -> None:
        await sign_up(ws, client, fake_slack, "U0PEER")
        await ask(ws, client, fake_slack, "U0ASKER")

    ws = await refused_after(fake_slack, sqlite_database_url, clock, before_the_list)
    assert offers_to(fake_slack, "U0PEER"), "the peer was offered the request"
    try:
        calls = len(fake_slack.calls)
        clock.set(clock.now() + timedelta(hours=1))  # the offer ran out
        await ws.scheduler.run_now(DEADLINE_JOB)
        assert await ws.inflight.drain(5)
        assert fake_slack.calls[calls:] == [], "no offer, update or message reaches it"
        async with ws.engine.connect() as connection:
            statuses = set(await connection.scalars(select(debrief_offers.c.status)))
        assert statuses == {"expired"}, "the deadline passed all the same (no busy loop)"
    finally:
        await ws.stop()


async def schedules_in(ws: Wellspring, conversation: str) -> int:
    async with ws.engine.connect() as connection:
        query = select(func.count()).where(schedules.c.conversation == conversation)
        return int(await connection.scalar(query) or 0)


OTHER_TENANT = "0f0f0f0f-1111-2222-3333-444455556666"
STRANGER = Person.named("Stranger")
ELSEWHERE = Team.named("Elsewhere", tenant_id=OTHER_TENANT)


async def test_teams_activities_from_another_tenant_are_refused_and_its_jobs_skip(
    fake_teams: FakeBotConnector,
    sqlite_database_url: str,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)
    acts = TeamsActivities(fake_teams.service_url, now=clock.now)
    fake_teams.rosters[ELSEWHERE.channel_id()] = [STRANGER.account()]
    fake_teams.teams[ELSEWHERE.id] = ELSEWHERE.details()
    ws = await start_wellspring(make_teams_settings(sqlite_database_url), clock)
    async with TeamsClient(ws.url) as client:  # before the list: installed, a 09:00 check-in
        await send(ws, client, acts.team_installed(STRANGER, ELSEWHERE))
        place = Place.channel(ELSEWHERE)
        data = await dialog_data(client, acts, fake_teams, STRANGER, place, "checkin schedule")
        values = {"kind": "checkin", "days": ALL_DAYS, "time": "09:00", "timezone": "UTC"}
        await send(ws, client, acts.task_submit(STRANGER, place, {**data, **values}))
    assert await schedules_in(ws, ELSEWHERE.channel_id()) == 1, "the schedule was saved"
    ws = await restart(ws, clock, teams_allowed_tenant_ids=frozenset({TENANT_ID}))
    try:
        rows_before, calls_before = await stored(ws), len(fake_teams.calls)
        async with TeamsClient(ws.url) as client:
            for activity in (
                acts.channel_message(STRANGER, "checkin now", ELSEWHERE),
                acts.team_installed(Person.named("Newcomer"), ELSEWHERE),
            ):
                refused = await client.send(activity)
                assert refused.status == 403
            assert await ws.inflight.drain(5)
            assert await stored(ws) == rows_before, "nothing stored for another tenant"
            ours = await client.send(
                acts.channel_message(Person.named("Ari"), "help", Team.named("North"))
            )
            assert ours.status == 200, "our own tenant is served"
        assert await ws.inflight.drain(5)
        clock.set(datetime(2026, 11, 26, 9, 1, tzinfo=UTC))
        await ws.scheduler.run_now(SWEEP_JOB)
        posted = [
            p for p in fake_teams.sent()[calls_before:] if p.conversation == ELSEWHERE.channel_id()
        ]
        assert posted == [], "the other tenant's check-in is skipped"
        assert OTHER_TENANT not in caplog.text, "no tenant id in the logs"
        assert "not on the allow-list" in caplog.text
    finally:
        await ws.stop()
