"""Installing Wellspring in several workspaces: Slack's OAuth flow on slack_sdk's stores."""

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

# The bot scopes in manifest.yml, asked for again at each install; a test keeps them equal.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "mpim:write",
    "users:read",
    "channels:read",
    "groups:read",
    "files:write",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"


def create_oauth_flow(
    client: AsyncWebClient,
    client_id: str,
    client_secret: str,
    installations: AsyncInstallationStore,
    states: AsyncOAuthStateStore,
) -> AsyncOAuthFlow:
    """Bolt's OAuth flow: an install page, then Slack's redirect, then the bot token stored."""
    logger = logging.getLogger("slack_bolt")
    settings = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
    )
    # Bolt's default asks auth.test before every request; the stored token is still read
    # each time, so an uninstall takes effect at once even with the cache.
    settings.authorize = AsyncInstallationStoreAuthorize(
        logger=logger,
        client_id=client_id,
        client_secret=client_secret,
        installation_store=installations,
        bot_only=True,
        cache_enabled=True,
    )
    return AsyncOAuthFlow(client=client, settings=settings, logger=logger)


def create_install_routes(flow: AsyncOAuthFlow) -> list[web.RouteDef]:
    """`GET /slack/install` (the Add to Slack page) and `GET /slack/oauth_redirect`."""

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    return [web.get(INSTALL_PATH, install), web.get(REDIRECT_PATH, redirect)]
