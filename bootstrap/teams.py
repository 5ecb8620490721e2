"""Teams and its roles from Entra groups, imported only when configured."""

import warnings
from typing import TYPE_CHECKING

import aiohttp
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config.settings import Settings
from bot.ports.clock import Clock, SystemClock
from bot.process.metrics import Metrics
from bot.storage.addresses import SqlAddressBook
from bot.storage.engine import create_session_factory
from bot.storage.send_turns import SqlSendTurns
from prompts import Catalog

if TYPE_CHECKING:
    from handlers.teams.entra_groups import EntraGroups
    from handlers.teams.platform import TeamsPlatform


def teams_platform(
    settings: Settings, catalog: Catalog, metrics: Metrics, engine: AsyncEngine
) -> "TeamsPlatform":
    """Teams, imported only when configured: the SDK is large and warns on import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from handlers.teams.platform import create_teams_platform
    secret = settings.teams_client_secret
    return create_teams_platform(
        settings.teams_client_id or "",
        secret.get_secret_value() if secret else None,
        settings.teams_tenant_id,
        settings.teams_allow_unauthenticated,
        metrics,
        SqlAddressBook(create_session_factory(engine)),
        catalog,
        SqlSendTurns(engine, SystemClock()),
        settings.teams_calls_per_second,
        targeted_messages=settings.teams_targeted_messages,
    )


def entra_groups(
    settings: Settings,
    teams: "TeamsPlatform",
    session: aiohttp.ClientSession,
    clock: Clock,
) -> "EntraGroups":
    """Roles from Entra groups, read from Microsoft Graph with the bot's own credentials
    (the local testing mode sends its locally made token instead)."""
    from handlers.teams.entra_groups import EntraGroups
    from handlers.teams.entra_tokens import ClientCredentialTokens, GraphTokens, LocalTokens

    secret = settings.teams_client_secret
    tokens: GraphTokens
    if settings.teams_allow_unauthenticated or secret is None:
        tokens = LocalTokens(teams.app.token_provider)
    else:
        client_id, login = settings.teams_client_id or "", settings.entra_login_url
        tokens = ClientCredentialTokens(session, login, client_id, secret.get_secret_value(), clock)
    return EntraGroups(session, settings.graph_url, tokens, clock, settings.teams_tenant_id)
