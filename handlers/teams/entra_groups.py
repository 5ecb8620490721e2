"""EntraGroups: the people in a Microsoft Entra group, nested groups included, from Graph.

RoleBook remembers the answer for a few minutes and keeps the last known members when this
raises; this only answers `members`, and after a failure pauses (for Graph's Retry-After
when it throttles) so that every click does not wait on a Graph that is down.
"""

import logging
from datetime import datetime, timedelta
from typing import Any

import aiohttp

from bot.domain.workspaces import WorkspaceRef
from bot.ports.clock import Clock
from handlers.teams.entra_tokens import TIMEOUT, GraphTokens, GraphUnavailable

logger = logging.getLogger(__name__)

# Transitive: agencies nest groups (a region's supervisors inside "All supervisors"). The
# cast to users needs Graph's advanced query parameters (ConsistencyLevel and $count).
MEMBERS_PATH = "/v1.0/groups/{group}/transitiveMembers/microsoft.graph.user"
QUERY = {"$select": "id", "$top": "999", "$count": "true"}
PAUSE = timedelta(seconds=30)
DEFAULT_RETRY_AFTER = timedelta(seconds=60)
LONGEST_PAUSE = timedelta(hours=1)


class EntraGroups:
    """Entra groups of the bot's own tenant, read with the application permission
    GroupMember.Read.All. Another tenant's workspace gets no members (and no call)."""

    def __init__(
        self,
        session: aiohttp.ClientSession,
        graph_url: str,
        tokens: GraphTokens,
        clock: Clock,
        home_tenant: str | None = None,
    ) -> None:
        self._session, self._graph_url = session, graph_url.rstrip("/")
        self._tokens, self._clock, self._home_tenant = tokens, clock, home_tenant
        self._paused_until: datetime | None = None

    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        tenant = workspace.external_id
        if self._home_tenant and tenant != self._home_tenant:
            return frozenset()
        now = self._clock.now()
        if self._paused_until is not None and now < self._paused_until:
            raise GraphUnavailable("paused")
        try:
            return await self._read(tenant, group)
        except GraphUnavailable as failed:
            pause = min(failed.retry_after or PAUSE, LONGEST_PAUSE)
            self._paused_until = now + pause
            logger.warning(
                "Microsoft Graph did not list an Entra group's members (%s); asking again in %d s",
                failed.kind,
                pause.total_seconds(),
            )
            raise

    async def _read(self, tenant: str, group: str) -> frozenset[str]:
        found: set[str] = set()
        url: str | None = self._graph_url + MEMBERS_PATH.format(group=group)
        query: dict[str, str] | None = QUERY
        while url is not None:
            page = await self._page(tenant, url, query)
            if page is None:
                return frozenset()  # no such group in this tenant
            found.update(_user_ids(page.get("value")))
            url, query = page.get("@odata.nextLink"), None
            if url is not None and not url.startswith(self._graph_url + "/"):
                raise GraphUnavailable("next_link_elsewhere")  # the token goes nowhere else
        return frozenset(found)

    async def _page(
        self, tenant: str, url: str, query: dict[str, str] | None
    ) -> dict[str, Any] | None:
        headers = {
            "Authorization": f"Bearer {await self._tokens.token(tenant)}",
            "ConsistencyLevel": "eventual",
        }
        try:
            async with self._session.get(
                url, params=query, headers=headers, timeout=TIMEOUT
            ) as response:
                if response.status == 404:
                    logger.warning("an Entra group named in the settings does not exist")
                    return None
                if response.status == 401:
                    self._tokens.forget(tenant)
                if response.status != 200:
                    raise _refused(response)
                page: Any = await response.json(content_type=None)
        except (aiohttp.ClientError, TimeoutError):
            raise GraphUnavailable("unreachable") from None
        except ValueError:
            raise GraphUnavailable("unreadable") from None
        if not isinstance(page, dict):
            raise GraphUnavailable("unreadable")
        return page


def _user_ids(value: object) -> set[str]:
    entries = value if isinstance(value, list) else []
    return {e["id"] for e in entries if isinstance(e, dict) and isinstance(e.get("id"), str)}


def _refused(response: aiohttp.ClientResponse) -> GraphUnavailable:
    status = response.status
    if status == 429:
        return GraphUnavailable("throttled", _retry_after(response.headers.get("Retry-After")))
    if status == 403:
        return GraphUnavailable("forbidden: grant GroupMember.Read.All admin consent")
    return GraphUnavailable(f"http_{status}")


def _retry_after(value: str | None) -> timedelta:
    try:
        return timedelta(seconds=max(0, int(value or "")))
    except ValueError:
        return DEFAULT_RETRY_AFTER
