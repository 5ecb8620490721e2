"""Local fake of Microsoft Graph's group members and of Entra's token endpoint.

Serves `POST /{tenant}/oauth2/v2.0/token` (the client-credentials flow) and
`GET /v1.0/groups/{id}/transitiveMembers/microsoft.graph.user` as the documentation
describes them: a bearer token it issued is required (or, for the local testing mode, a
token the app made itself for the given app id), the cast to users needs
`ConsistencyLevel: eventual` with `$count=true`, and pages are linked by `@odata.nextLink`.
"""

from __future__ import annotations

import itertools
from collections import deque
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web
from yarl import URL

GRAPH_SCOPE = "https://graph.microsoft.com/.default"
LOCAL_ISSUER = "wellspring-local"  # handlers/teams/setup.py's locally made tokens
TOKEN_SECONDS = 3599


@dataclass(frozen=True)
class GraphCall:
    """One request to the fake: which endpoint, and what it answered."""

    kind: str  # "token" or "members"
    group: str | None
    status: int


class FakeGraph:
    def __init__(
        self,
        tenant: str,
        client_id: str,
        client_secret: str | None = None,
        page_size: int = 999,
    ) -> None:
        self.tenant, self.client_id, self.client_secret = tenant, client_id, client_secret
        self.page_size = page_size
        self.next_link_base: str | None = None  # set: next pages are linked to another host
        self.groups: dict[str, list[str]] = {}  # group id -> member ids (users or groups)
        self.calls: list[GraphCall] = []
        self.protocol_errors: list[str] = []
        self._issued: set[str] = set()
        self._faults: deque[tuple[int, str | None]] = deque()
        self._numbers = itertools.count(1)
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> None:
        app = web.Application()
        app.router.add_post("/{tenant}/oauth2/v2.0/token", self._token)
        members = "/v1.0/groups/{group}/transitiveMembers/microsoft.graph.user"
        app.router.add_get(members, self._members)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    # -- what tests set and read ---------------------------------------------------------

    def fail_next(self, status: int, times: int = 1, retry_after: str | None = None) -> None:
        """The next `times` member reads answer `status` (with Retry-After when given)."""
        self._faults.extend([(status, retry_after)] * times)

    def forget_tokens(self) -> None:
        """Every token issued so far stops working (revoked, or the fake restarted)."""
        self._issued.clear()

    def member_reads(self) -> list[GraphCall]:
        return [call for call in self.calls if call.kind == "members"]

    def token_requests(self) -> list[GraphCall]:
        return [call for call in self.calls if call.kind == "token"]

    def users_in(self, group: str) -> set[str]:
        """Transitive members that are not groups themselves."""
        found: set[str] = set()
        seen: set[str] = set()
        waiting = [group]
        while waiting:
            current = waiting.pop()
            if current in seen:
                continue
            seen.add(current)
            for member in self.groups.get(current, []):
                if member in self.groups:
                    waiting.append(member)
                else:
                    found.add(member)
        return found

    # -- the endpoints -------------------------------------------------------------------

    async def _token(self, request: web.Request) -> web.Response:
        form = await request.post()
        asked = {"grant_type": "client_credentials", "scope": GRAPH_SCOPE}
        wrong = sorted(key for key, value in asked.items() if form.get(key) != value)
        if request.match_info["tenant"] != self.tenant:
            wrong.append("tenant")
        if wrong:
            self.protocol_errors.append(f"token request with wrong {', '.join(wrong)}")
            self.calls.append(GraphCall("token", None, 400))
            return web.json_response({"error": "invalid_request"}, status=400)
        credentials = (form.get("client_id"), form.get("client_secret"))
        if credentials != (self.client_id, self.client_secret):
            self.calls.append(GraphCall("token", None, 401))
            return web.json_response({"error": "invalid_client"}, status=401)
        token = f"graph-token-{next(self._numbers)}"
        self._issued.add(token)
        self.calls.append(GraphCall("token", None, 200))
        answer = {"token_type": "Bearer", "expires_in": TOKEN_SECONDS, "access_token": token}
        return web.json_response(answer)

    async def _members(self, request: web.Request) -> web.Response:
        group = request.match_info["group"]
        status, body, headers = self._answer(request, group)
        self.calls.append(GraphCall("members", group, status))
        return web.json_response(body, status=status, headers=headers)

    def _answer(
        self, request: web.Request, group: str
    ) -> tuple[int, dict[str, Any], dict[str, str]]:
        if not self._authorized(request.headers.get("Authorization", "")):
            return 401, _error("InvalidAuthenticationToken", "Access token is invalid."), {}
        if self._faults:
            status, retry_after = self._faults.popleft()
            headers = {"Retry-After": retry_after} if retry_after is not None else {}
            return status, _error("TooManyRequests" if status == 429 else "UnknownError"), headers
        query = request.query
        if request.headers.get("ConsistencyLevel") != "eventual" or query.get("$count") != "true":
            self.protocol_errors.append("the cast to users without the advanced query parameters")
            return 400, _error("Request_UnsupportedQuery", "needs ConsistencyLevel"), {}
        if query.get("$select") != "id":
            self.protocol_errors.append("members read without $select=id")
        if group not in self.groups:
            return 404, _error("Request_ResourceNotFound", "no such group"), {}
        users = sorted(self.users_in(group))
        start = int(query.get("$skiptoken", "0"))
        size = min(int(query.get("$top", "100")), self.page_size)
        body: dict[str, Any] = {
            "@odata.count": len(users),
            "value": [{"id": user} for user in users[start : start + size]],
        }
        if start + size < len(users):
            link = request.url.update_query({"$skiptoken": str(start + size)})
            if self.next_link_base is not None:
                link = URL(self.next_link_base).join(link.relative())
            body["@odata.nextLink"] = str(link)
        return 200, body, {}

    def _authorized(self, header: str) -> bool:
        scheme, _, token = header.partition(" ")
        if scheme != "Bearer" or not token:
            return False
        if token in self._issued:
            return True
        if self.client_secret is not None:
            return False
        try:  # the local testing mode's token: signed with a key only the app knows
            claims = jwt.decode(token, options={"verify_signature": False})
        except jwt.InvalidTokenError:
            return False
        return bool(claims.get("iss") == LOCAL_ISSUER and claims.get("appid") == self.client_id)

    async def _unknown(self, request: web.Request) -> web.Response:
        self.protocol_errors.append(f"unexpected {request.method} {request.path}")
        return web.json_response(_error("BadRequest", "unknown path"), status=400)


def _error(code: str, message: str = "") -> dict[str, Any]:
    return {"error": {"code": code, "message": message}}
