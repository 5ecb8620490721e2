"""Installing Wellspring in several workspaces: Slack's OAuth flow on slack_sdk's stores."""

import html
import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.authorization.async_authorize import AsyncInstallationStoreAuthorize
from slack_bolt.error import BoltError
from slack_bolt.oauth.async_callback_options import (
    AsyncCallbackOptions,
    AsyncFailureArgs,
    AsyncSuccessArgs,
)
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.oauth.async_oauth_settings import AsyncOAuthSettings
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.errors import SlackApiError
from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.oauth.installation_store.models.installation import Installation
from slack_sdk.oauth.state_store.async_state_store import AsyncOAuthStateStore
from slack_sdk.web.async_client import AsyncWebClient

# The bot scopes in manifest.yml, asked for again at each install; a test keeps them equal.
BOT_SCOPES = (
    "commands",
    "chat:write",
    "im:write",
    "im:history",
    "mpim:write",
    "users:read",
    "channels:read",
    "groups:read",
    "files:write",
    "usergroups:read",
)
INSTALL_PATH = "/slack/install"
REDIRECT_PATH = "/slack/oauth_redirect"
logger = logging.getLogger(__name__)


class WorkspaceNotAllowed(BoltError):
    """The workspace that approved the install is not in SLACK_ALLOWED_TEAM_IDS."""


class AllowListedOAuthFlow(AsyncOAuthFlow):
    """Bolt's flow, refusing to store an install from a workspace not on the list (if any)."""

    def __init__(
        self,
        allowed_teams: frozenset[str],
        *,
        client: AsyncWebClient,
        logger: logging.Logger,
        settings: AsyncOAuthSettings,
    ) -> None:
        super().__init__(client=client, logger=logger, settings=settings)
        self._allowed_teams = allowed_teams

    async def store_installation(
        self, request: AsyncBoltRequest, installation: Installation
    ) -> None:
        if self._allowed_teams and installation.team_id not in self._allowed_teams:
            logger.warning("refused an install from a workspace not in SLACK_ALLOWED_TEAM_IDS")
            await self._give_back(installation)
            raise WorkspaceNotAllowed()
        await super().store_installation(request, installation)

    async def _give_back(self, installation: Installation) -> None:
        """Revoke the tokens Slack just issued, so the refused workspace keeps no working app."""
        for token in (installation.bot_token, installation.user_token):
            if not token:
                continue
            try:
                await self.client.auth_revoke(token=token)
            except SlackApiError as error:
                logger.warning(
                    "could not revoke a refused install's token: %s", error.response.get("error")
                )


def create_oauth_flow(
    client: AsyncWebClient,
    client_id: str,
    client_secret: str,
    installations: AsyncInstallationStore,
    states: AsyncOAuthStateStore,
    allowed_teams: frozenset[str],
    refusal: str,
) -> AsyncOAuthFlow:
    """Bolt's OAuth flow: an install page, then Slack's redirect, then the bot token stored.

    With `allowed_teams`, other workspaces get `refusal` as a page and nothing is stored.
    """
    bolt_logger = logging.getLogger("slack_bolt")
    settings = AsyncOAuthSettings(
        client_id=client_id,
        client_secret=client_secret,
        scopes=list(BOT_SCOPES),
        installation_store=installations,
        installation_store_bot_only=True,
        state_store=states,
        install_path=INSTALL_PATH,
        redirect_uri_path=REDIRECT_PATH,
        callback_options=_refusal_page(refusal),
    )
    # Bolt's default asks auth.test before every request; the stored token is still read
    # each time, so an uninstall takes effect at once even with the cache.
    settings.authorize = AsyncInstallationStoreAuthorize(
        logger=bolt_logger,
        client_id=client_id,
        client_secret=client_secret,
        installation_store=installations,
        bot_only=True,
        cache_enabled=True,
    )
    return AllowListedOAuthFlow(allowed_teams, client=client, settings=settings, logger=bolt_logger)


def _refusal_page(refusal: str) -> AsyncCallbackOptions:
    """Bolt's own pages, except a plain refusal for a workspace not on the list."""

    async def success(args: AsyncSuccessArgs) -> BoltResponse:
        response: BoltResponse = await args.default.success(args)
        return response

    async def failure(args: AsyncFailureArgs) -> BoltResponse:
        if isinstance(args.error, WorkspaceNotAllowed):
            text = html.escape(refusal, quote=False)
            page = f'<!DOCTYPE html><html lang="en"><meta charset="utf-8"><p>{text}</p></html>'
            return BoltResponse(
                status=403, body=page, headers={"Content-Type": "text/html; charset=utf-8"}
            )
        response: BoltResponse = await args.default.failure(args)
        return response

    return AsyncCallbackOptions(success=success, failure=failure)


def create_install_routes(flow: AsyncOAuthFlow) -> list[web.RouteDef]:
    """`GET /slack/install` (the Add to Slack page) and `GET /slack/oauth_redirect`."""

    async def install(request: web.Request) -> web.Response:
        return await to_aiohttp_response(
            await flow.handle_installation(await to_bolt_request(request))
        )

    async def redirect(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await flow.handle_callback(await to_bolt_request(request)))

    return [web.get(INSTALL_PATH, install), web.get(REDIRECT_PATH, redirect)]
