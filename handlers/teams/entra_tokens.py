"""App-only tokens for Microsoft Graph: the client-credentials flow with the bot's own
Entra app registration, or, in the local testing mode, the SDK's locally made token."""

from collections.abc import Awaitable
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, Protocol

import aiohttp

from bot.ports.clock import Clock

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
# A token is asked for again this long before Entra says it expires.
EARLY = timedelta(minutes=5)
# Roles are checked while someone waits for an answer: a Graph that is slow counts as down.
TIMEOUT = aiohttp.ClientTimeout(total=5)


class GraphUnavailable(Exception):
    """Graph (or the token endpoint) did not answer usably; `kind` says how, with no ids."""

    def __init__(self, kind: str, retry_after: timedelta | None = None) -> None:
        super().__init__(kind)
        self.kind, self.retry_after = kind, retry_after


class GraphTokens(Protocol):
    async def token(self, tenant: str) -> str: ...
    def forget(self, tenant: str) -> None:
        """Graph refused the token: fetch a new one next time."""
        ...


@dataclass(frozen=True)
class _Held:
    value: str
    renew_at: datetime


class ClientCredentialTokens:
    """POST {login}/{tenant}/oauth2/v2.0/token with the client id and secret; each tenant's
    token is kept until shortly before it expires.

    Written here rather than taken from msal (which the SDK uses for the bot's own token)
    because msal accepts only an https authority, so no local stand-in could answer it in tests.
    """

    def __init__(
        self,
        session: aiohttp.ClientSession,
        login_url: str,
        client_id: str,
        client_secret: str,
        clock: Clock,
    ) -> None:
        self._session, self._login_url = session, login_url.rstrip("/")
        self._form = {
            "grant_type": "client_credentials",
            "client_id": client_id,
            "client_secret": client_secret,
            "scope": GRAPH_SCOPE,
        }
        self._clock = clock
        self._held: dict[str, _Held] = {}

    async def token(self, tenant: str) -> str:
        held = self._held.get(tenant)
        if held is not None and self._clock.now() < held.renew_at:
            return held.value
        url = f"{self._login_url}/{tenant}/oauth2/v2.0/token"
        try:
            async with self._session.post(url, data=self._form, timeout=TIMEOUT) as response:
                if response.status != 200:
                    raise GraphUnavailable(f"token_http_{response.status}")
                answer: Any = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError, ValueError):
            raise GraphUnavailable("token_unreachable") from None
        value = answer.get("access_token") if isinstance(answer, dict) else None
        if not isinstance(value, str) or not value:
            raise GraphUnavailable("token_unreadable")
        lifetime = timedelta(seconds=float(answer.get("expires_in") or 0))
        self._held[tenant] = _Held(value, self._clock.now() + lifetime - EARLY)
        return value

    def forget(self, tenant: str) -> None:
        self._held.pop(tenant, None)


class AppTokenSource(Protocol):
    """The Teams SDK's `App.token_provider`."""

    def get_app_token(self, scope: str | None, tenant_id: str | None) -> Awaitable[object]: ...


class LocalTokens:
    """The local testing mode fetches no token: the SDK's locally made one goes to Graph too
    (which only a local stand-in at GRAPH_URL accepts)."""

    def __init__(self, source: AppTokenSource) -> None:
        self._source = source

    async def token(self, tenant: str) -> str:
        made = await self._source.get_app_token(GRAPH_SCOPE, tenant)
        if made is None:
            raise GraphUnavailable("no_token")
        return str(made)

    def forget(self, tenant: str) -> None:
        """A locally made token is made anew each time."""
