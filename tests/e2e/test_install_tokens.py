"""Installed workspaces' tokens: sealed at rest, one installation per workspace, allow-list."""

from collections.abc import AsyncIterator
from pathlib import Path

import aiohttp
import pytest
from cryptography.fernet import Fernet
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock
from tests.e2e.install_helpers import (
    TOKEN_KEY,
    finish_install,
    install,
    installs_settings,
    start_install,
)
from tests.e2e.test_anonymity_canary import dump_database
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

TOKEN_COLUMNS = ("bot_token", "bot_refresh_token")


@pytest.fixture
async def web() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession(cookie_jar=aiohttp.DummyCookieJar()) as session:
        yield session


async def stored_tokens(ws: Wellspring, table: str) -> list[str]:
    async with ws.engine.connect() as connection:
        rows = await connection.execute(text(f"SELECT bot_token FROM {table} ORDER BY id"))
        return [row.bot_token for row in rows]


async def served_with(ws: Wellspring, fake: FakeSlack, team: str, channel: str) -> str:
    """/checkin now in `team`; the token the app posted with."""
    before = len(fake.calls_to("chat.postMessage"))
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake, team_id=team)
    try:
        assert (await slack.command("/checkin", "now", channel_id=channel)).status == 200
    finally:
        await slack.close()
    posts = await fake.wait_for("chat.postMessage", count=before + 1)
    assert await ws.inflight.drain(5)
    return posts[before].headers["Authorization"].removeprefix("Bearer ")


async def test_a_database_dump_after_an_install_holds_no_bot_token_in_plain_text(
    database_url: str, fake_slack: FakeSlack, clock: MovableClock, web: aiohttp.ClientSession
) -> None:
    ws = await start_wellspring(installs_settings(fake_slack, database_url), clock)
    try:
        token = await install(web, ws, fake_slack, "T0N")
        assert await served_with(ws, fake_slack, "T0N", "C0NORTH") == token
        async with ws.engine.connect() as connection:
            dump = await dump_database(connection)
    finally:
        await ws.stop()
    assert "T0N" in dump, "the installation is stored"
    assert "xoxb-" not in dump and token not in dump
    if database_url.startswith("sqlite"):
        path = Path(database_url.removeprefix("sqlite+aiosqlite:///"))
        for file in path.parent.glob(path.name + "*"):  # the file, its WAL and shared memory
            assert b"xoxb-" not in file.read_bytes(), file.name


async def test_a_reinstall_leaves_only_the_newest_installation_and_its_token(
    database_url: str, fake_slack: FakeSlack, clock: MovableClock, web: aiohttp.ClientSession
) -> None:
    ws = await start_wellspring(installs_settings(fake_slack, database_url), clock)
    try:
        await install(web, ws, fake_slack, "T0N")
        newest = await install(web, ws, fake_slack, "T0N")
        await install(web, ws, fake_slack, "T0S")
        for table in ("slack_bots", "slack_installations"):
            assert len(await stored_tokens(ws, table)) == 2, f"one row per workspace in {table}"
        assert await served_with(ws, fake_slack, "T0N", "C0NORTH") == newest
    finally:
        await ws.stop()


async def test_a_new_first_key_reseals_every_token_at_start_and_the_old_key_can_then_go(
    sqlite_database_url: str, fake_slack: FakeSlack, clock: MovableClock, web: aiohttp.ClientSession
) -> None:
    ws = await start_wellspring(installs_settings(fake_slack, sqlite_database_url), clock)
    try:
        token = await install(web, ws, fake_slack, "T0N")
    finally:
        await ws.stop()
    new_key = Fernet.generate_key().decode()
    rotating = installs_settings(
        fake_slack, sqlite_database_url, token_encryption_key=f"{new_key}, {TOKEN_KEY}"
    )
    ws = await start_wellspring(rotating, clock)
    try:
        for table in ("slack_bots", "slack_installations"):
            for sealed in await stored_tokens(ws, table):
                assert Fernet(new_key.encode()).decrypt(sealed.encode()).decode() == token
    finally:
        await ws.stop()
    only_new = installs_settings(fake_slack, sqlite_database_url, token_encryption_key=new_key)
    ws = await start_wellspring(only_new, clock)
    try:
        assert await served_with(ws, fake_slack, "T0N", "C0NORTH") == token
    finally:
        await ws.stop()


async def test_a_workspace_outside_the_allowed_teams_is_refused_and_nothing_is_stored(
    sqlite_database_url: str, fake_slack: FakeSlack, clock: MovableClock, web: aiohttp.ClientSession
) -> None:
    settings = installs_settings(fake_slack, sqlite_database_url, slack_allowed_team_ids="T0N, T0S")
    ws = await start_wellspring(settings, clock)
    try:
        state, _ = await start_install(web, ws)
        code = fake_slack.installs.grant("T0EVIL")
        headers = {"Cookie": f"slack-app-oauth-state={state}"}
        params = {"code": code, "state": state}
        async with web.get(
            f"{ws.url}/slack/oauth_redirect", params=params, headers=headers
        ) as refused:
            page = await refused.text()
        assert refused.status == 403
        assert load_catalog().text("errors.install_not_allowed") in page
        assert await stored_tokens(ws, "slack_bots") == []
        assert await stored_tokens(ws, "slack_installations") == []
        [given] = [t for t, team in fake_slack.installs.tokens.items() if team == "T0EVIL"]
        assert given in fake_slack.installs.revoked, "the token Slack issued is given back"
        await install(web, ws, fake_slack, "T0N")
        assert len(await stored_tokens(ws, "slack_bots")) == 1, "listed workspaces install"
    finally:
        await ws.stop()


async def test_a_finished_install_in_a_listed_workspace_shows_slacks_success_page(
    sqlite_database_url: str, fake_slack: FakeSlack, clock: MovableClock, web: aiohttp.ClientSession
) -> None:
    settings = installs_settings(fake_slack, sqlite_database_url, slack_allowed_team_ids="T0N")
    ws = await start_wellspring(settings, clock)
    try:
        state, _ = await start_install(web, ws)
        done = await finish_install(web, ws, fake_slack.installs.grant("T0N"), state, state)
        assert done.status == 200
    finally:
        await ws.stop()
