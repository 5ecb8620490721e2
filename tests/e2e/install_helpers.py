"""Installing the app in a workspace as a person would: install page, Slack's approval, redirect."""

import re
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from cryptography.fernet import Fernet

from bootstrap import Wellspring
from bot.config.settings import Settings
from tests.e2e.conftest import make_settings
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_installs import CLIENT_ID, CLIENT_SECRET

STATE_COOKIE = "slack-app-oauth-state"
TOKEN_KEY = Fernet.generate_key().decode()


def installs_settings(fake: FakeSlack, database_url: str, **overrides: Any) -> Settings:
    """Settings for several workspaces: a client id and secret, no bot token, a token key."""
    values: dict[str, Any] = {
        "slack_bot_token": None,
        "slack_client_id": CLIENT_ID,
        "slack_client_secret": CLIENT_SECRET,
        "token_encryption_key": TOKEN_KEY,
    }
    return make_settings(fake, database_url, **(values | overrides))


async def start_install(web: aiohttp.ClientSession, ws: Wellspring) -> tuple[str, dict[str, str]]:
    """Open the install page; the `state` it gives Slack and the link's query."""
    async with web.get(f"{ws.url}/slack/install", allow_redirects=False) as page:
        assert page.status == 200
        html = await page.text()
        state = page.cookies[STATE_COOKIE].value
    link = re.search(r'href="(https://slack.com/oauth/v2/authorize\?[^"]+)"', html)
    assert link is not None, "an Add to Slack link"
    query = {
        k: v[0] for k, v in parse_qs(urlsplit(link.group(1).replace("&amp;", "&")).query).items()
    }
    assert query["state"] == state
    return state, query


async def finish_install(
    web: aiohttp.ClientSession, ws: Wellspring, code: str, state: str, cookie: str | None
) -> aiohttp.ClientResponse:
    """Slack sends the person's browser back to the app with a code and the state."""
    headers = {"Cookie": f"{STATE_COOKIE}={cookie}"} if cookie else {}
    params = {"code": code, "state": state}
    async with web.get(f"{ws.url}/slack/oauth_redirect", params=params, headers=headers) as reply:
        await reply.read()
        return reply


async def install(web: aiohttp.ClientSession, ws: Wellspring, fake: FakeSlack, team: str) -> str:
    """Install the app in `team` as a person would; the bot token Slack gave it (the newest)."""
    state, _ = await start_install(web, ws)
    finished = await finish_install(web, ws, fake.installs.grant(team), state, state)
    assert finished.status == 200
    return [t for t, owner in fake.installs.tokens.items() if owner == team][-1]
