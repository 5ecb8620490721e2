"""Slack: the checked Web API client, each workspace's clients, the Bolt app and its routes."""

import logging

import aiohttp
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config.settings import Settings, SettingsProblem, SlackMode
from bot.keys.token_cipher import TokenCipher
from bot.process.metrics import Metrics
from bot.storage.installation_rows import SqlInstallationRows
from handlers.slack.bolt_app import create_bolt_app
from handlers.slack.clients import SlackClients
from handlers.slack.credentials import TokenRefused, check_tokens, count_unknown
from handlers.slack.http_route import create_events_route
from handlers.slack.installs import create_install_routes, create_oauth_flow
from handlers.slack.sealed_installations import SealedInstallationStore
from handlers.slack.web_client import InstrumentedWebClient, create_web_client
from prompts import Catalog

OAUTH_STATE_SECONDS = 600  # an install started and not finished within this is refused
logger = logging.getLogger("wellspring")


async def checked_slack_client(
    settings: Settings, catalog: Catalog, metrics: Metrics, http_session: aiohttp.ClientSession
) -> InstrumentedWebClient | None:
    """The Slack Web API client, once Slack has accepted the tokens; None without Slack."""
    if not settings.slack_enabled:
        return None
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    client = create_web_client(token, settings.slack_api_url, metrics, http_session)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    try:
        await check_tokens(client, app_token)
    except TokenRefused as refused:
        await http_session.close()
        raise SettingsProblem(refused.setting, "token_refused", error=refused.error) from None
    await _report_unknown_people(settings, catalog, client)
    return client


async def _report_unknown_people(
    settings: Settings, catalog: Catalog, client: InstrumentedWebClient
) -> None:
    """One clear line per setting that names someone Slack doesn't know (one workspace)."""
    if not client.token:
        return
    named = {
        "SUPERVISOR_USER_IDS": settings.supervisor_user_ids,
        "DEBRIEF_COORDINATOR_USER_IDS": settings.debrief_coordinator_user_ids,
        "PEER_USER_IDS": settings.peer_user_ids,
        "ADMIN_USER_IDS": settings.admin_user_ids,
    }
    for setting, ids in named.items():
        # Entra object ids (with hyphens) name Teams people: Slack can't check those.
        listed = sorted(i for i in ids if "-" not in i)
        if unknown := await count_unknown(client, listed):
            line = catalog.text(
                "operator.unknown_ids", setting=setting, count=str(unknown), total=str(len(listed))
            )
            logger.warning("%s", line)


def serve_slack(
    settings: Settings,
    catalog: Catalog,
    client: InstrumentedWebClient,
    clients: SlackClients,
    installs: AsyncOAuthFlow | None,
    web_app: web.Application,
) -> AsyncApp:
    """The Bolt app, with /slack/events in HTTP mode and the install pages with OAuth."""
    secret = settings.slack_signing_secret
    http_mode = settings.slack_mode is SlackMode.HTTP
    bolt = create_bolt_app(
        client,
        secret.get_secret_value() if secret and http_mode else None,
        installs,
        catalog.text("errors.not_installed"),
        settings.slack_allowed_team_ids,
        catalog.text("errors.workspace_not_allowed"),
    )
    if http_mode and secret is not None:
        web_app.add_routes([create_events_route(bolt, secret.get_secret_value())])
    if installs is not None:
        web_app.add_routes(create_install_routes(installs))
    return bolt


async def workspace_clients(
    settings: Settings, catalog: Catalog, client: InstrumentedWebClient, engine: AsyncEngine
) -> tuple[SlackClients, AsyncOAuthFlow | None]:
    """The one bot token; or, for several workspaces, slack_sdk's stores on our database.

    Their tokens are sealed with TOKEN_ENCRYPTION_KEY; at each start, any sealed with an
    older key are sealed again with the first (the rotation step).
    """
    if not (settings.slack_client_id and settings.slack_client_secret):
        return SlackClients(client), None
    cipher = TokenCipher(settings.token_encryption_keys())
    store = AsyncSQLAlchemyInstallationStore(settings.slack_client_id, engine)
    rows = SqlInstallationRows(engine, (store.bots, store.installations))
    await rows.reseal(cipher)
    installations = SealedInstallationStore(store, cipher, rows.forget_superseded)
    states = AsyncSQLAlchemyOAuthStateStore(OAUTH_STATE_SECONDS, engine)
    flow = create_oauth_flow(
        client,
        settings.slack_client_id,
        settings.slack_client_secret.get_secret_value(),
        installations,
        states,
        settings.slack_allowed_team_ids,
        catalog.text("errors.install_not_allowed"),
    )
    return SlackClients(client, installations), flow
