"""The Teams SDK's App, built from our settings' values and mounted on our own server."""

import logging
import secrets
import time
import warnings
from collections.abc import Callable

import jwt
from microsoft_teams.apps import App
from microsoft_teams.common import Client, ClientOptions

from bot.process.metrics import Metrics
from handlers.teams.http_adapter import AiohttpTeamsAdapter
from handlers.teams.outbound import PacedRetries
from handlers.teams.pacing import ConnectorPacer

LOCAL_TOKEN_YEARS = 1


def create_teams_app(
    client_id: str,
    client_secret: str | None,
    tenant_id: str | None,
    allow_unauthenticated: bool,
    adapter: AiohttpTeamsAdapter,
    metrics: Metrics,
    pacer: ConnectorPacer,
) -> App:
    """An App that validates Teams' tokens, or, for local testing only, trusts every caller.

    In the local mode it also fetches no token of its own: a locally made one is sent
    instead, so the only host it ever calls is the activity's serviceUrl.
    """
    # At DEBUG the SDK logs whole activities: who clicked, and what. Never below INFO.
    sdk_logger = logging.getLogger("microsoft_teams")
    sdk_logger.setLevel(max(sdk_logger.getEffectiveLevel(), logging.INFO))
    # httpx's INFO line per request has a conversation id in its URL. The SDK's Client resets
    # httpx's level, so bot.process.log_format.PrivateLines, on the log handler, drops those lines.
    # Targeted (private) messages are a preview feature to the SDK, which warns at each one.
    warnings.filterwarnings(
        "ignore", message=r".*Diagnostic: ExperimentalTeams", category=FutureWarning
    )
    client = Client(ClientOptions())
    client.use(PacedRetries(metrics, pacer))
    if allow_unauthenticated:
        return App(
            client_id=client_id,
            tenant_id=tenant_id,
            token=_local_token_provider(client_id),
            dangerously_allow_unauthenticated_requests=True,
            http_server_adapter=adapter,
            client=client,
        )
    return App(
        client_id=client_id,
        client_secret=client_secret,
        tenant_id=tenant_id,
        dangerously_allow_unauthenticated_requests=False,
        http_server_adapter=adapter,
        client=client,
    )


def _local_token_provider(client_id: str) -> Callable[[str | list[str], str | None], str]:
    """A token signed with a throwaway key: a local Bot Connector stand-in accepts it."""
    key = secrets.token_bytes(32)
    claims = {"aud": client_id, "appid": client_id, "iss": "wellspring-local"}

    def token(_scope: str | list[str], _tenant: str | None) -> str:
        expires = int(time.time()) + LOCAL_TOKEN_YEARS * 365 * 24 * 3600
        return jwt.encode({**claims, "exp": expires}, key, algorithm="HS256")

    return token
