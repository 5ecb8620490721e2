"""Local fake of the Bot Connector service that a Teams bot calls at an activity's serviceUrl."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from aiohttp import web

from tests.fakes.teams_rate_limits import ConnectorLimits, ConnectorRateLimiter

ADAPTIVE_CARD = "application/vnd.microsoft.card.adaptive"
# Teams refuses a bot message over about 100 KB (its JSON as UTF-16, base64 images not counted).
MESSAGE_LIMIT = 100 * 1024
PAGE_SIZE, MAX_PAGE_SIZE = 200, 500  # pagedmembers: default and largest page
ERROR_CODES = {
    400: "BadArgument",
    403: "BotNotInConversationRoster",
    404: "ConversationNotFound",
    412: "PreconditionFailed",
    413: "MessageSizeTooBig",
    429: "TooManyRequests",
    500: "InternalServerError",
    502: "BadGateway",
    503: "ServiceUnavailable",
    504: "GatewayTimeout",
}
KINDS = frozenset(
    {"create_conversation", "send", "reply", "update", "delete"}
    | {"members", "paged_members", "member", "team", "team_channels"}
)
# How each kind of call counts against a conversation's rate limits (see teams_rate_limits).
LIMITED_AS = {"send": "send", "reply": "send", "update": "send", "delete": "send"} | {
    "members": "read",
    "paged_members": "read",
    "member": "read",
}


def personal_conversation_id(user_id: str) -> str:
    """The 1:1 conversation id the connector gives for the bot and this user (stable)."""
    return "a:1" + hashlib.sha1(user_id.encode()).hexdigest()[:24]


def group_conversation_id(user_ids: list[str]) -> str:
    """The group chat id for exactly these users (only when group chats are allowed)."""
    digest = hashlib.sha1(",".join(sorted(user_ids)).encode()).hexdigest()[:24]
    return f"19:{digest}@thread.v2"


@dataclass
class ConnectorCall:
    """One request to the fake, with what it answered."""

    kind: str
    method: str
    path: str
    query: dict[str, str]
    body: Any
    authorization: str
    conversation: str | None = None
    activity_id: str | None = None
    status: int = 200
    response: Any = None

    @property
    def ok(self) -> bool:
        return 200 <= self.status < 300

    @property
    def targeted(self) -> bool:
        return self.query.get("isTargetedActivity", "").lower() == "true"


@dataclass
class Posted:
    """An activity the connector accepted: sent, replied, updated or deleted."""

    kind: str  # "send", "reply", "update" or "delete"
    conversation: str
    id: str
    activity: dict[str, Any]
    targeted: bool = False

    @property
    def text(self) -> str:
        return str(self.activity.get("text") or "")

    @property
    def cards(self) -> list[dict[str, Any]]:
        """The Adaptive Cards among the attachments, in order."""
        return [
            a["content"]
            for a in self.activity.get("attachments") or []
            if isinstance(a, dict) and a.get("contentType") == ADAPTIVE_CARD
        ]

    @property
    def recipient(self) -> str | None:
        recipient = self.activity.get("recipient")
        return recipient.get("id") if isinstance(recipient, dict) else None

    @property
    def reply_to_id(self) -> str | None:
        return self.activity.get("replyToId")


class _Refuse(Exception):
    def __init__(self, status: int, message: str, *, code: str | None = None) -> None:
        super().__init__(message)
        self.status, self.message = status, message
        self.code = code or ERROR_CODES.get(status, "BadArgument")


def error_body(code: str, message: str) -> dict[str, Any]:
    """The Bot Framework error response shape."""
    return {"error": {"code": code, "message": message}}


def _message_size(activity: dict[str, Any]) -> int:
    # base64 images do not count towards Teams' limit: blank out data: URIs before measuring.
    text = json.dumps(activity, ensure_ascii=False)
    parts = text.split('"data:')
    measured = parts[0] + "".join('""' + p.split('"', 1)[-1] for p in parts[1:])
    return len(measured.encode("utf-16-le"))


class FakeBotConnector:
    """Bot Connector double serving real HTTP on 127.0.0.1; tests fill `rosters` and `teams`.

    Conversations are not registered up front: the bot may post to any conversation id that
    is not in `removed` (uninstalled: 403). Member look-ups need a roster (404 otherwise).
    With `rate_limits`, calls beyond Teams' limits get 429 and Retry-After (`rate_limiter`).
    """

    def __init__(
        self, *, allow_group_chats: bool = False, rate_limits: ConnectorLimits | None = None
    ) -> None:
        # Teams does not let a bot create a group chat (isGroup without a channel): it answers
        # 400, unless a test turns this on to stand in for a Graph-created chat.
        self.allow_group_chats = allow_group_chats
        self.rate_limiter = ConnectorRateLimiter(rate_limits) if rate_limits else None
        self.calls: list[ConnectorCall] = []
        self.posted: list[Posted] = []
        self.protocol_errors: list[str] = []
        self.rosters: dict[str, list[dict[str, Any]]] = {}
        self.teams: dict[str, dict[str, Any]] = {}  # team id -> TeamDetails, for GET /v3/teams
        self.channels: dict[str, list[dict[str, Any]]] = {}  # team id -> [{"id", "name"}]
        self.removed: set[str] = set()  # conversations the bot was removed from
        self.created: dict[str, list[dict[str, Any]]] = {}  # conversation id -> members given
        self._activities: dict[str, dict[str, dict[str, Any]]] = defaultdict(dict)
        self._faults: defaultdict[str, deque[tuple[int, int | None]]] = defaultdict(deque)
        self._ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""

    async def start(self) -> None:
        app = web.Application()
        conv = "/v3/conversations/{conversation}"
        app.router.add_post("/v3/conversations", self._create_conversation)
        app.router.add_post(conv + "/activities", self._send)
        app.router.add_post(conv + "/activities/{activity}", self._send)
        app.router.add_put(conv + "/activities/{activity}", self._update)
        app.router.add_delete(conv + "/activities/{activity}", self._delete)
        app.router.add_get(conv + "/members", self._members)
        app.router.add_get(conv + "/pagedmembers", self._paged_members)  # REST reference
        app.router.add_get(conv + "/pagedMembers", self._paged_members)  # what the SDK sends
        app.router.add_get(conv + "/members/{member}", self._member)
        app.router.add_get("/v3/teams/{team}", self._team)
        app.router.add_get("/v3/teams/{team}/conversations", self._team_channels)
        app.router.add_route("*", "/{tail:.*}", self._unknown)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def service_url(self) -> str:
        """What incoming activities carry as serviceUrl (Teams' own ends in a slash too)."""
        return f"{self.base_url}/"

    # -- what tests read ---------------------------------------------------------------

    def calls_to(self, kind: str) -> list[ConnectorCall]:
        return [c for c in self.calls if c.kind == kind]

    def sent(self, conversation: str | None = None) -> list[Posted]:
        """Message activities accepted by send or reply, in order (targeted ones included)."""
        return [
            p
            for p in self.posted
            if p.kind in ("send", "reply")
            and p.activity.get("type") == "message"
            and self._in(p, conversation)
        ]

    def updates(self, conversation: str | None = None) -> list[Posted]:
        return [p for p in self.posted if p.kind == "update" and self._in(p, conversation)]

    def _in(self, posted: Posted, conversation: str | None) -> bool:
        # A channel's id also matches the threads in it ("<channel>;messageid=<root>").
        return conversation in (None, posted.conversation, self._thread(posted.conversation))

    def deleted(self) -> list[Posted]:
        return [p for p in self.posted if p.kind == "delete"]

    def activity(self, conversation: str, activity_id: str) -> dict[str, Any] | None:
        """The activity as it now stands (after updates), or None if deleted or unknown."""
        return self._activities.get(conversation, {}).get(activity_id)

    def fail_next(
        self, kind: str, status: int = 429, retry_after: int | None = 1, times: int = 1
    ) -> None:
        """Answer the next `times` calls of `kind` with `status` (429 carries Retry-After)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {sorted(KINDS)}")
        self._faults[kind].extend([(status, retry_after)] * times)

    def clear_faults(self) -> None:
        """Answer normally again, whatever `fail_next` had queued."""
        for queued in self._faults.values():
            queued.clear()

    def remove_bot(self, conversation: str) -> None:
        """The bot was uninstalled there: from now on every call about it gets 403."""
        self.removed.add(conversation.split(";")[0])

    async def wait_for(
        self, kind: str, count: int = 1, timeout: float = 5.0
    ) -> list[ConnectorCall]:
        """Wait until `count` calls of `kind` were recorded (refused ones included)."""
        if kind not in KINDS:
            raise ValueError(f"unknown kind {kind!r}; one of {sorted(KINDS)}")
        await self._wait(lambda: len(self.calls_to(kind)) >= count, timeout, f"{count} {kind}")
        return self.calls_to(kind)

    async def wait_for_sent(
        self, count: int = 1, conversation: str | None = None, timeout: float = 5.0
    ) -> list[Posted]:
        """Wait until `count` messages were accepted (in `conversation` if given)."""
        where = f" in {conversation}" if conversation else ""
        await self._wait(
            lambda: len(self.sent(conversation)) >= count, timeout, f"{count} sent{where}"
        )
        return self.sent(conversation)

    async def _wait(self, done: Callable[[], bool], seconds: float, what: str) -> None:
        try:
            async with asyncio.timeout(seconds), self._changed:
                await self._changed.wait_for(done)
        except TimeoutError:
            seen = [f"{c.kind} {c.status}" for c in self.calls]
            raise AssertionError(
                f"waited {seconds}s for {what}; calls: {seen}; "
                f"protocol errors: {self.protocol_errors}"
            ) from None

    # -- the HTTP side -----------------------------------------------------------------

    async def _handle(
        self,
        request: web.Request,
        kind: str,
        answer: Callable[[ConnectorCall], Any],
    ) -> web.Response:
        conversation = request.match_info.get("conversation")
        call = ConnectorCall(
            kind=kind,
            method=request.method,
            path=request.path,
            query=dict(request.query),
            body=None,
            authorization=request.headers.get("Authorization", ""),
            conversation=conversation,
            activity_id=request.match_info.get("activity"),
        )
        headers: dict[str, str] = {}
        try:
            if request.can_read_body:
                try:
                    call.body = json.loads(await request.text())
                except ValueError as exc:
                    self.protocol_errors.append(f"{kind}: body is not JSON: {exc}")
                    raise _Refuse(400, "the body is not valid JSON") from None
            if self._faults[kind]:
                status, retry_after = self._faults[kind].popleft()
                if status == 429 and retry_after is not None:
                    headers["Retry-After"] = str(retry_after)
                raise _Refuse(status, "fault injected by the test")
            if (retry_after := self._rate_limited(kind, conversation)) is not None:
                headers["Retry-After"] = str(retry_after)
                raise _Refuse(429, "Too many requests.")
            if conversation and conversation.split(";")[0] in self.removed:
                raise _Refuse(403, "The bot is not part of the conversation roster.")
            call.response = answer(call)
            call.status = 201 if kind == "create_conversation" else 200
        except _Refuse as refused:
            call.status, call.response = refused.status, error_body(refused.code, refused.message)
        await self._record(call)
        if call.response is None:
            return web.Response(status=call.status, headers=headers)
        return web.json_response(call.response, status=call.status, headers=headers)

    def _rate_limited(self, kind: str, conversation: str | None) -> int | None:
        if self.rate_limiter is None:
            return None
        thread = self._thread(conversation) if conversation else None
        return self.rate_limiter.admit(LIMITED_AS.get(kind, "other"), thread)

    async def _record(self, call: ConnectorCall) -> None:
        self.calls.append(call)
        async with self._changed:
            self._changed.notify_all()

    async def _unknown(self, request: web.Request) -> web.Response:
        self.protocol_errors.append(f"no Bot Connector endpoint {request.method} {request.path}")
        await self._record(ConnectorCall("unknown", request.method, request.path, {}, None, ""))
        body = error_body("NotFound", "No such endpoint.")
        return web.json_response(body, status=404)

    async def _create_conversation(self, request: web.Request) -> web.Response:
        return await self._handle(request, "create_conversation", self._new_conversation)

    async def _send(self, request: web.Request) -> web.Response:
        kind = "reply" if "activity" in request.match_info else "send"
        return await self._handle(request, kind, self._post_activity)

    async def _update(self, request: web.Request) -> web.Response:
        return await self._handle(request, "update", self._update_activity)

    async def _delete(self, request: web.Request) -> web.Response:
        return await self._handle(request, "delete", self._delete_activity)

    async def _members(self, request: web.Request) -> web.Response:
        return await self._handle(request, "members", lambda c: list(self._roster(c)))

    async def _paged_members(self, request: web.Request) -> web.Response:
        return await self._handle(request, "paged_members", self._members_page)

    async def _member(self, request: web.Request) -> web.Response:
        member = request.match_info["member"]
        return await self._handle(request, "member", lambda c: self._one_member(c, member))

    async def _team(self, request: web.Request) -> web.Response:
        team = request.match_info["team"]
        return await self._handle(request, "team", lambda c: self._team_details(team))

    async def _team_channels(self, request: web.Request) -> web.Response:
        team = request.match_info["team"]
        return await self._handle(request, "team_channels", lambda c: self._channels_of(team))

    # -- answers -----------------------------------------------------------------------

    def _new_conversation(self, call: ConnectorCall) -> dict[str, Any]:
        body = call.body if isinstance(call.body, dict) else {}
        members = [m for m in body.get("members") or [] if isinstance(m, dict) and m.get("id")]
        tenant = body.get("tenantId") or (body.get("channelData") or {}).get("tenant", {}).get("id")
        channel = (body.get("channelData") or {}).get("channel", {}).get("id")
        if not tenant:
            self._protocol(call, "creating a conversation needs tenantId or channelData.tenant.id")
            raise _Refuse(400, "Tenant id is required.")
        first_id = self._next_id()
        if body.get("isGroup") and channel:  # a new thread in a channel: needs its first post
            if not isinstance(body.get("activity"), dict):
                self._protocol(call, "a new channel thread needs an activity")
                raise _Refuse(400, "An activity is required to start a channel thread.")
            conversation = f"{channel};messageid={first_id}"
        elif body.get("isGroup"):
            if not self.allow_group_chats:
                self._protocol(call, "Teams does not let a bot create a group chat")
                raise _Refuse(400, "Bots cannot create group chats.")
            conversation = group_conversation_id([m["id"] for m in members])
        elif len(members) == 1:
            conversation = personal_conversation_id(members[0]["id"])
        else:
            self._protocol(call, f"a 1:1 conversation needs exactly one member, got {len(members)}")
            raise _Refuse(400, "Exactly one member is required.")
        self.created[conversation] = members
        self.rosters.setdefault(conversation, [self._known(m) for m in members])
        answer: dict[str, Any] = {"id": conversation}
        if isinstance(body.get("activity"), dict):
            first = Posted("send", conversation, first_id, body["activity"])
            self._check_activity(call, first.activity)
            self._store(first)
            answer["activityId"] = first.id
        return answer

    def _post_activity(self, call: ConnectorCall) -> dict[str, Any]:
        activity = self._check_activity(call, call.body)
        if call.targeted and not (activity.get("recipient") or {}).get("id"):
            self._protocol(call, "a targeted activity needs recipient.id")
            raise _Refuse(400, "A targeted activity needs a recipient.")
        if call.activity_id and not activity.get("replyToId"):
            activity = {**activity, "replyToId": call.activity_id}
        posted = Posted(call.kind, str(call.conversation), self._next_id(), activity, call.targeted)
        self._store(posted)
        return {"id": posted.id}

    def _update_activity(self, call: ConnectorCall) -> dict[str, Any]:
        activity = self._check_activity(call, call.body)
        conversation, activity_id = str(call.conversation), str(call.activity_id)
        if activity_id not in self._activities[self._thread(conversation)]:
            raise _Refuse(404, "Activity not found.", code="ActivityNotFound")
        self._store(Posted("update", conversation, activity_id, activity, call.targeted))
        return {"id": activity_id}

    def _delete_activity(self, call: ConnectorCall) -> None:
        conversation, activity_id = str(call.conversation), str(call.activity_id)
        stored = self._activities[self._thread(conversation)].get(activity_id)
        if stored is None:
            raise _Refuse(404, "Activity not found.", code="ActivityNotFound")
        self._store(Posted("delete", conversation, activity_id, stored, call.targeted))

    def _check_activity(self, call: ConnectorCall, body: Any) -> dict[str, Any]:
        """Refuse what Teams refuses; record protocol errors for the app's mistakes."""
        if not isinstance(body, dict):
            self._protocol(call, "the activity is not a JSON object")
            raise _Refuse(400, "The activity must be a JSON object.")
        if not body.get("type"):
            self._protocol(call, "activity without a type")
            raise _Refuse(400, "Activity type is required.")
        attachments = body.get("attachments") or []
        if body["type"] == "message" and not body.get("text") and not attachments:
            self._protocol(call, "message activity with neither text nor attachments")
            raise _Refuse(400, "A message needs text or attachments.")
        if (size := _message_size(body)) > MESSAGE_LIMIT:
            self._protocol(call, f"message of {size} bytes, Teams takes at most {MESSAGE_LIMIT}")
            raise _Refuse(413, "The message is too large.")
        for i, attachment in enumerate(attachments):
            if not isinstance(attachment, dict) or not attachment.get("contentType"):
                self._protocol(call, f"attachments/{i}: no contentType")
                raise _Refuse(400, "Every attachment needs a contentType.")
            if attachment["contentType"] == ADAPTIVE_CARD:
                self._check_card(call, attachment.get("content"), f"attachments/{i}")
        return body

    def _check_card(self, call: ConnectorCall, card: Any, where: str) -> None:
        # Imported here: the card checker is written alongside this fake and may not exist yet.
        from tests.support.adaptive_cards import card_problems

        if not isinstance(card, dict):
            self._protocol(call, f"{where}: Adaptive Card content is not an object")
            return
        for problem in card_problems(card):
            self._protocol(call, f"{where}: {problem}")

    def _protocol(self, call: ConnectorCall, problem: str) -> None:
        where = f" {call.conversation}" if call.conversation else ""
        self.protocol_errors.append(f"{call.kind}{where}: {problem}")

    def _roster(self, call: ConnectorCall) -> list[dict[str, Any]]:
        conversation = self._thread(str(call.conversation))
        if conversation not in self.rosters:
            raise _Refuse(404, f"Conversation {conversation} not found.")
        return self.rosters[conversation]

    def _members_page(self, call: ConnectorCall) -> dict[str, Any]:
        members = self._roster(call)
        size_text = call.query.get("pageSize", str(PAGE_SIZE))
        if not size_text.isdigit() or int(size_text) < 1:
            self._protocol(call, f"pageSize must be a positive number, got {size_text!r}")
            raise _Refuse(400, "Invalid pageSize.")
        size = min(int(size_text), MAX_PAGE_SIZE)
        token = call.query.get("continuationToken")
        try:  # binascii.Error and UnicodeDecodeError are ValueErrors
            start = int(base64.urlsafe_b64decode(token).decode().split(":")[1]) if token else 0
        except (ValueError, IndexError):
            self._protocol(call, f"continuationToken {token!r} was not issued by the connector")
            raise _Refuse(400, "Invalid continuation token.") from None
        end = start + size
        page: dict[str, Any] = {"members": members[start:end]}
        if end < len(members):
            page["continuationToken"] = base64.urlsafe_b64encode(f"at:{end}".encode()).decode()
        return page

    def _one_member(self, call: ConnectorCall, member: str) -> dict[str, Any]:
        for account in self._roster(call):
            if member in (account.get("id"), account.get("aadObjectId")):
                return account
        raise _Refuse(404, "The member is not in the conversation.", code="MemberNotFound")

    def _team_details(self, team: str) -> dict[str, Any]:
        if team not in self.teams:
            raise _Refuse(404, f"Team {team} not found.", code="TeamNotFound")
        return self.teams[team]

    def _channels_of(self, team: str) -> dict[str, Any]:
        self._team_details(team)
        return {"conversations": self.channels.get(team, [{"id": team, "name": "General"}])}

    def _known(self, member: dict[str, Any]) -> dict[str, Any]:
        """The full channel account for a member given only by id, if any roster has it."""
        for roster in self.rosters.values():
            for account in roster:
                if account.get("id") == member["id"]:
                    return account
        return member

    def _store(self, posted: Posted) -> None:
        thread = self._activities[self._thread(posted.conversation)]
        if posted.kind == "delete":
            thread.pop(posted.id, None)
        else:
            thread[posted.id] = posted.activity
        self.posted.append(posted)

    @staticmethod
    def _thread(conversation: str) -> str:
        # A channel thread's id is the channel's id plus ";messageid=<root>"; activities and
        # rosters belong to the channel.
        return conversation.split(";")[0]

    def _next_id(self) -> str:
        # Teams message ids are epoch milliseconds.
        return str(1_764_000_000_000 + next(self._ids))
