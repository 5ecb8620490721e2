"""The log names no one: the suite's journeys, run with every logger at DEBUG, through the
handler `main` installs, leave no id, name, address, token, OAuth code or note in it."""

import inspect
import io
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable, Iterator
from typing import Any

import aiohttp
import pytest
from sqlalchemy import text

from bootstrap import DIGEST_PLAN_JOB, Wellspring, start_wellspring
from bot.process.log_format import PrivateLines
from handlers.playground import agency
from tests.e2e import test_both_platforms, test_playground
from tests.e2e import test_scenarios as journeys
from tests.e2e.conftest import BOT_TOKEN, PULSE_SECRET, SIGNING_SECRET, MovableClock
from tests.e2e.install_helpers import finish_install, installs_settings, start_install
from tests.e2e.platforms import Platform
from tests.e2e.platforms.common import setting_ids
from tests.e2e.platforms.slack import channel_id, user_id
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_installs import CLIENT_SECRET
from tests.fakes.slack_signer import SignedSlackClient
from tests.fakes.teams_activities import TENANT_ID, Person, Team
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id
from tests.support.log_capture import every_logger_at_debug, leaks, production_log

PEOPLE = [journeys.LEAD, *journeys.WORKERS, journeys.QUIET, *journeys.NIGHT]
PEOPLE += [journeys.ASKER, *journeys.PEERS, test_both_platforms.LEAD.name]
TEAMS = [journeys.TEAM, journeys.SMALL_TEAM, test_both_platforms.TEAM.name]
NOTE = "The home visit on Tuesday"  # what the debrief journey's asker writes
JOURNEYS = [
    journeys.test_a_checkin_is_answered_privately_once_each_and_closes_without_a_trace_of_who,
    journeys.test_a_supervisor_sees_a_team_of_six_answers_but_not_one_of_three_and_is_audited,
    journeys.test_a_debrief_is_passed_by_one_peer_accepted_by_the_other_and_followed_up,
]
SLACK_ID_PARAMS = ("channel", "channel_id", "user", "users", "user_id", "team_id")

both = test_both_platforms.both
playground = test_playground.playground


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Requested first, so the app's start-up is in it too."""
    with production_log() as written:
        yield written


@pytest.fixture
def overrides(platform_name: str) -> dict[str, Any]:
    return {"supervisor_user_ids": setting_ids(platform_name, journeys.LEAD)}


def slack_secrets(fake: FakeSlack) -> set[str]:
    """Every person, channel and conversation id the fake Slack saw, the names, the secrets."""
    found = {fake.team_id, BOT_TOKEN, SIGNING_SECRET, PULSE_SECRET, NOTE, *PEOPLE}
    found |= {user_id(p) for p in PEOPLE} | {channel_id(t) for t in TEAMS}
    for call in fake.calls:
        for key in SLACK_ID_PARAMS:
            found |= set(str(call.params.get(key) or "").split(","))
    for channel, members in fake.members.items():
        found |= {channel, *members}
    return found - {"", fake.bot_user_id}


def teams_secrets(fake: FakeBotConnector) -> set[str]:
    """Every person's ids, name, UPN and chat, every team, channel and conversation, the tenant."""
    found = {TENANT_ID, PULSE_SECRET, NOTE, *fake.created}
    for name in PEOPLE:
        p = Person.named(name)
        found |= {p.id, p.aad_object_id, p.name, p.upn, p.email, personal_conversation_id(p.id)}
    for name in TEAMS:
        team = Team.named(name)
        found |= {team.id, team.channel_id(), team.aad_group_id}
    found |= {call.conversation for call in fake.calls if call.conversation}
    return found


def assert_clean(log: io.StringIO, secrets: Iterable[str]) -> None:
    written = log.getvalue()
    assert written, "the check read a real log"
    found = leaks(written, secrets)
    lines = [line for line in written.splitlines() if leaks(line, found)]
    assert not found, f"{len(found)} in the log, e.g. {found[:5]}; lines: {lines[:5]}"


def secrets_of(platform: Platform, request: pytest.FixtureRequest) -> set[str]:
    if platform.name == "slack":
        return slack_secrets(request.getfixturevalue("fake_slack"))
    return teams_secrets(request.getfixturevalue("fake_teams"))


async def run(test: Callable[..., Awaitable[None]], request: pytest.FixtureRequest) -> None:
    """Run one of the suite's tests here, with the fixtures it names."""
    await test(
        **{name: request.getfixturevalue(name) for name in inspect.signature(test).parameters}
    )


@pytest.mark.parametrize("journey", JOURNEYS, ids=["checkin", "summaries", "debrief"])
async def test_a_journey_leaves_no_one_in_the_log(
    journey: Callable[..., Awaitable[None]],
    log: io.StringIO,
    platform: Platform,
    request: pytest.FixtureRequest,
) -> None:
    every_logger_at_debug()  # again: the app capped some at start, as a library may undo
    # The journey's own log canary reads pytest's capture: let it see what production writes.
    request.getfixturevalue("caplog").handler.addFilter(PrivateLines())
    await run(journey, request)
    assert_clean(log, secrets_of(platform, request))


async def test_a_failing_digest_job_logs_no_supervisor(
    log: io.StringIO, platform: Platform, request: pytest.FixtureRequest
) -> None:
    every_logger_at_debug()
    await journeys.answered_and_closed(platform, journeys.TEAM, journeys.WORKERS)
    await platform.ws.scheduler.run_now(DIGEST_PLAN_JOB)
    async with platform.ws.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE checkins RENAME TO checkins_away"))
    try:
        await platform.ws.scheduler.run_now(f"digest:{platform.setting_id(journeys.LEAD)}")
    finally:
        async with platform.ws.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE checkins_away RENAME TO checkins"))
    assert "scheduled job digest" in log.getvalue(), "the digest job ran and failed"
    assert_clean(log, secrets_of(platform, request))


async def test_one_process_serving_both_platforms_logs_no_one(
    log: io.StringIO,
    both: Wellspring,
    fake_slack: FakeSlack,
    fake_teams: FakeBotConnector,
    request: pytest.FixtureRequest,
) -> None:
    every_logger_at_debug()
    await run(
        test_both_platforms.test_a_checkin_on_each_platform_goes_to_that_platform_only, request
    )
    assert_clean(log, slack_secrets(fake_slack) | teams_secrets(fake_teams))


async def test_a_playground_walk_logs_no_one(
    log: io.StringIO, playground: tuple[Wellspring, Any], request: pytest.FixtureRequest
) -> None:
    every_logger_at_debug()
    await run(test_playground.test_a_whole_journey_checkin_summary_and_debrief, request)
    people = {value for p in agency.PEOPLE for value in (p.id, p.name)}
    assert_clean(log, people | {t.id for t in agency.TEAMS})
    assert "POST /as/{person}/click 303" in log.getvalue(), "each request, by its route"


@pytest.fixture
async def installs(
    log: io.StringIO, fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    ws = await start_wellspring(installs_settings(fake_slack, sqlite_database_url), clock)
    try:
        yield ws
    finally:
        await ws.stop()


async def test_an_oauth_install_logs_no_code_state_or_token(
    log: io.StringIO, installs: Wellspring, fake_slack: FakeSlack
) -> None:
    every_logger_at_debug()
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as web:
        state, _ = await start_install(web, installs)
        code = fake_slack.installs.grant("T0NORTH")
        finished = await finish_install(web, installs, code, state, state)
        assert finished.status == 200
        refused = await finish_install(web, installs, "a-code-never-granted", "forged", None)
        assert refused.status != 200
    slack = SignedSlackClient(installs.url, SIGNING_SECRET, fake_slack, team_id="T0NORTH")
    try:
        await slack.command("/checkin", "now", channel_id="C0NORTH", user_id="U0INSTALLER")
    finally:
        await slack.close()
    await fake_slack.wait_for("chat.postMessage")
    assert await installs.inflight.drain(5)
    tokens = set(fake_slack.installs.tokens)
    secrets = {code, state, "a-code-never-granted", "forged", CLIENT_SECRET, *tokens}
    assert_clean(log, secrets | {"T0NORTH", "C0NORTH", "U0INSTALLER"})
    assert "GET /slack/oauth_redirect 200" in log.getvalue()


def test_the_log_check_finds_a_leak() -> None:
    """The check above can fail: an id is found as written and as base64."""
    assert leaks("sent to 4a1b", ["x"]) == []
    assert leaks("HTTP Request: POST /v3/conversations/a:1f00/activities", ["a:1f00"])
    assert leaks("VTBBTkFSRVlFUw", ["U0ANARE" + "YES"]), "base64 of the id"
