"""Local fake of Slack's Web API on aiohttp: Slack-shaped answers, recorded protocol mistakes."""

from __future__ import annotations

import asyncio
import base64
import hashlib
import itertools
import json
import secrets
from collections import defaultdict, deque
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from aiohttp import web
from slack_sdk.models.blocks import Block
from slack_sdk.models.views import View

from tests.fakes.slack_installs import FakeInstalls, InstallRefused
from tests.fakes.slack_rate_limits import PostLimits, PostRateLimiter
from tests.fakes.slack_socket import SocketModeServer

# Method names and required parameters, extracted from Slack's published specification.
DEFAULT_SPEC = Path(__file__).resolve().parent / "data" / "slack_web_api_methods.json"
# Newer than the 2020-21 spec (chat.scheduledMessages.list is already in it).
EXTRA_METHODS = frozenset(
    ["apps.connections.open", "files.getUploadURLExternal", "files.completeUploadExternal"]
)
# Required by Slack's current docs but optional (or absent) in the old spec.
EXTRA_REQUIRED: dict[str, tuple[str, ...]] = {
    "chat.delete": ("channel", "ts"),
    "conversations.info": ("channel",),
    "conversations.members": ("channel",),
    "users.info": ("user",),
    "views.update": ("view",),
    "files.getUploadURLExternal": ("filename", "length"),
    "files.completeUploadExternal": ("files",),
}
# slack_sdk's views_open/views_push may send interactivity_pointer instead of trigger_id.
ALTERNATIVES = {"trigger_id": "interactivity_pointer"}
MESSAGE_METHODS = frozenset(["chat.postMessage", "chat.postEphemeral", "chat.update"])
VIEW_METHODS = frozenset(["views.open", "views.push", "views.update", "views.publish"])
JSON_FIELDS = ("blocks", "view", "attachments", "files", "metadata")
TEXT_LIMIT = 40_000
PLAIN_ONLY = frozenset(
    ["label", "placeholder", "title", "submit", "close", "hint", "confirm", "deny"]
)
NO_TEXT = "one of text, blocks or attachments is required"
TEXT_FIELDS = frozenset(["text", "blocks", "attachments"])
MEMBERS_PAGE, MEMBERS_MAX_PAGE = 100, 1000  # conversations.members limit: default, maximum


@dataclass
class ApiCall:
    """One Web API request, plus the status and body the fake answered with."""

    method: str
    params: dict[str, Any]
    headers: dict[str, str]
    status: int = 200
    response: dict[str, Any] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class ResponseUrlPost:
    """One POST to a response_url handed out by the fake (status 400 if it was rejected)."""

    key: str
    body: dict[str, Any]
    status: int = 200


class _Reject(Exception):
    def __init__(self, error: str, *problems: str) -> None:
        super().__init__(error)
        self.error, self.problems = error, problems


@cache
def load_spec(path: Path) -> dict[str, frozenset[str]]:
    """Every method in the extract, with its required parameters; a missing file raises."""
    methods = json.loads(path.read_text(encoding="utf-8"))["methods"]
    return {name: frozenset(required) for name, required in methods.items()}


def _given(params: dict[str, Any]) -> set[str]:
    return {k for k, v in params.items() if v not in (None, "", [])}


def _diff(sent: Any, parsed: Any, where: str) -> list[str]:
    # slack_sdk silently drops unknown fields/elements and coerces malformed text objects,
    # while Slack rejects them: anything lost in the parse/to_dict round trip is a problem.
    if sent is not None and parsed is None:
        return [f"{where}: unknown or unsupported element"]
    if isinstance(sent, dict) and isinstance(parsed, dict):
        out = [f"{where}/{k}: unsupported property" for k in sent if k not in parsed]
        for key in (k for k in sent if k in parsed):
            out += _diff(sent[key], parsed[key], f"{where}/{key}")
        return out
    if isinstance(sent, list) and isinstance(parsed, list) and len(sent) == len(parsed):
        pairs = enumerate(zip(sent, parsed, strict=True))
        return [p for i, (s, q) in pairs for p in _diff(s, q, f"{where}/{i}")]
    return [] if sent == parsed else [f"{where}: {sent!r:.80} is not valid here"]


def _mrkdwn_misuse(node: Any, where: str, kind: str = "") -> list[str]:
    # slack_sdk lets mrkdwn through where Slack only takes plain_text; Slack rejects it.
    if isinstance(node, list):
        return [p for i, n in enumerate(node) for p in _mrkdwn_misuse(n, f"{where}/{i}", kind)]
    if not isinstance(node, dict):
        return []
    own, out = node.get("type"), []
    kind = str(own or kind)  # options have no type: judge them by their enclosing element
    for key, value in node.items():
        plain = key in PLAIN_ONLY or (key == "text" and own in ("header", "button"))
        if key in ("text", "description") and "value" in node and own is None:
            plain = kind not in ("checkboxes", "radio_buttons")  # an option object
        if plain and isinstance(value, dict) and value.get("type") == "mrkdwn":
            out.append(f"{where}/{key}: must be plain_text")
        out += _mrkdwn_misuse(value, f"{where}/{key}", kind)
    return out


def block_problems(blocks: Any, limit: int = 50, where: str = "") -> list[str]:
    """Block Kit problems in a `blocks` array, judged by slack_sdk's models."""
    if not isinstance(blocks, list):
        return [f"{where}/blocks: must be an array"]
    problems = []
    if len(blocks) > limit:
        problems.append(f"{where}/blocks: {len(blocks)} blocks, at most {limit}")
    for i, raw in enumerate(blocks):
        try:
            model = Block.parse(raw)  # None for an unknown type (slack_sdk only logs it)
            if model is None:
                problems.append(f"{where}/blocks/{i}: unknown block {str(raw)[:80]}")
            else:  # to_dict() is where slack_sdk enforces lengths and required fields
                problems += _diff(raw, model.to_dict(), f"{where}/blocks/{i}")
                problems += _mrkdwn_misuse(raw, f"{where}/blocks/{i}")
                problems += _repeated_action_ids(raw, f"{where}/blocks/{i}")
        except Exception as exc:  # formation, Type and Key errors all mean "malformed"
            problems.append(f"{where}/blocks/{i}: {type(exc).__name__}: {exc}")
    return problems


def _repeated_action_ids(raw: dict[str, Any], where: str) -> list[str]:
    """Slack refuses a block whose elements share an action_id."""
    ids = [e.get("action_id") for e in raw.get("elements", []) if isinstance(e, dict)]
    ids = [i for i in ids if i]
    return [f"{where}: repeated action_id"] if len(ids) != len(set(ids)) else []


def view_problems(view: Any) -> list[str]:
    """Problems with a modal or home view: its blocks first, then its own fields."""
    if not isinstance(view, dict) or view.get("type") not in ("modal", "home"):
        return [f"/view: not a modal or home view: {str(view)[:80]}"]
    if problems := block_problems(view.get("blocks", []), 100, "/view"):
        return problems
    try:
        parsed = View(**view).to_dict()
    except Exception as exc:  # as in block_problems
        return [f"/view: {type(exc).__name__}: {exc}"]
    top = {k: v for k, v in view.items() if k != "blocks"}
    return _diff(top, parsed, "/view") + _mrkdwn_misuse(top, "/view")


def check_message(body: dict[str, Any]) -> None:
    """Raise _Reject for an over-long text or invalid blocks in a message body."""
    text = body.get("text")
    if isinstance(text, str) and len(text) > TEXT_LIMIT:
        raise _Reject("msg_too_long", f"text has {len(text)} chars, at most {TEXT_LIMIT}")
    if body.get("blocks") is not None and (problems := block_problems(body["blocks"])):
        raise _Reject("invalid_blocks", *problems)


class FakeSlack:
    """Slack Web API double serving real HTTP on 127.0.0.1.

    Method names and required parameters are checked against the extract of Slack's
    specification at `spec_path` (a missing file raises). With `spec_path=None` method
    checking is off and any method name is accepted; everything else works either way.
    With `post_limits`, chat.postMessage is rate limited as Slack does (see `rate_limiter`).
    """

    bot_id = "B0BOT"

    def __init__(
        self,
        *,
        spec_path: Path | None = DEFAULT_SPEC,
        team_id: str = "T0AGENCY",
        bot_user_id: str = "U0BOT",
        post_limits: PostLimits | None = None,
    ) -> None:
        self.team_id, self.bot_user_id = team_id, bot_user_id
        self._spec = load_spec(spec_path) if spec_path is not None else None
        self.calls: list[ApiCall] = []
        self.response_posts: list[ResponseUrlPost] = []
        self.protocol_errors: list[str] = []
        self.users: dict[str, dict[str, Any]] = {}
        self.channels: dict[str, str] = {}  # id -> name for conversations.info
        self.members: dict[str, list[str]] = {}  # channel id -> user ids, in answer order
        self.usergroups: dict[str, list[str]] = {}  # user group id ("S...") -> user ids
        self.views: dict[str, dict[str, Any]] = {}  # id -> view as last answered
        self.uploads: dict[str, bytes] = {}
        self.rate_limiter = PostRateLimiter(post_limits) if post_limits else None
        self.history: defaultdict[str, list[dict[str, Any]]] = defaultdict(list)  # newest last
        self._files: dict[str, tuple[str, int]] = {}  # id -> (filename, announced length)
        self._faults: defaultdict[str, deque[tuple[int, str | None, int]]] = defaultdict(deque)
        self._hooks: dict[str, int] = {}  # response_url key -> posts so far
        self._seq, self._ts = itertools.count(1), 0
        self._changed = asyncio.Condition()
        self._runner: web.AppRunner | None = None
        self.base_url = ""
        self.socket = SocketModeServer()
        self.installs = FakeInstalls("A0WELL", bot_user_id, self.bot_id)

    async def start(self) -> None:
        app = web.Application()
        # GET as well: slack_sdk sends users.info, conversations.info etc. as GET + query.
        app.router.add_route("*", "/api/{method}", self._api)
        app.router.add_post("/response/{key}", self._response_url)
        app.router.add_post("/upload/{file_id}", self._upload)
        app.router.add_get("/socket", self.socket.handle)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        await web.TCPSite(self._runner, "127.0.0.1", 0).start()
        self.base_url = f"http://127.0.0.1:{self._runner.addresses[0][1]}"

    async def stop(self) -> None:
        await self.socket.close()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def calls_to(self, method: str) -> list[ApiCall]:
        return [c for c in self.calls if c.method == method]

    def new_response_url(self) -> str:
        key = secrets.token_hex(8)
        self._hooks[key] = 0
        return f"{self.base_url}/response/{key}"

    def add_user(
        self,
        user_id: str,
        *,
        tz: str = "America/Chicago",
        name: str | None = None,
        deleted: bool = False,
    ) -> dict[str, Any]:
        """Register a user for users.info and return its Slack user object."""
        name = name or user_id.lower()
        offset = datetime.now(ZoneInfo(tz)).utcoffset() or timedelta()
        user: dict[str, Any] = dict(
            id=user_id, team_id=self.team_id, name=name, real_name=name.title(), tz=tz
        )
        user.update(deleted=deleted, is_bot=False, tz_offset=int(offset.total_seconds()))
        user["profile"] = {"real_name": name.title(), "display_name": name}
        self.users[user_id] = user
        return user

    def fail_next(
        self,
        method: str,
        *,
        status: int = 200,
        error: str | None = None,
        retry_after: int | None = None,
        times: int = 1,
    ) -> None:
        """Queue faults: 429 with Retry-After, 5xx, or HTTP 200 `{"ok": false, "error": error}`."""
        if status == 200 and not error:
            raise ValueError("an HTTP 200 fault needs error=")
        self._faults[method].extend([(status, error, retry_after or 0)] * times)

    async def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> list[ApiCall]:
        """Wait until `count` calls of `method` were recorded (failed ones included)."""
        await self._wait(lambda: len(self.calls_to(method)) >= count, timeout, f"{count} {method}")
        return self.calls_to(method)

    async def wait_for_response_posts(
        self, count: int = 1, timeout: float = 5.0
    ) -> list[ResponseUrlPost]:
        await self._wait(lambda: len(self.response_posts) >= count, timeout, f"{count} posts")
        return list(self.response_posts)

    async def _wait(self, done: Callable[[], bool], seconds: float, what: str) -> None:
        try:
            async with asyncio.timeout(seconds), self._changed:
                await self._changed.wait_for(done)
        except TimeoutError:
            calls, posts = [c.method for c in self.calls], len(self.response_posts)
            raise AssertionError(
                f"waited {seconds}s for {what}; calls: {calls}; response_url posts: {posts}; "
                f"protocol errors: {self.protocol_errors}"
            ) from None

    async def _record(self, bucket: list[Any], item: Any) -> None:
        bucket.append(item)
        async with self._changed:
            self._changed.notify_all()

    def _reply(self, body: dict[str, Any], status: int = 200, **headers: str) -> web.Response:
        headers["X-Slack-Req-Id"] = secrets.token_hex(16)
        return web.json_response(body, status=status, headers=headers)

    def _reject(self, where: str, rej: _Reject) -> dict[str, Any]:
        self.protocol_errors.extend(f"{where}: {p}" for p in rej.problems)
        meta = {"messages": [f"[ERROR] {p}" for p in rej.problems]}
        return {"ok": False, "error": rej.error, "response_metadata": meta}

    async def _api(self, request: web.Request) -> web.Response:
        method, auth = request.match_info["method"], request.headers.get("Authorization", "")
        params: dict[str, Any] = dict(request.query)
        token = auth.removeprefix("Bearer ").strip() if auth.startswith("Bearer ") else ""
        unreadable = ""
        if request.content_type == "application/json":
            try:
                params.update(await request.json())
            except (ValueError, TypeError) as exc:
                unreadable = f"body is not a JSON object: {exc}"
        elif request.content_type in ("application/x-www-form-urlencoded", "multipart/form-data"):
            form = await request.post()
            params.update({k: v for k, v in form.items() if isinstance(v, str)})
            # Slack still accepts a token in a POST form body (not in JSON or the query).
            token = token or str(form.get("token", "")).strip()
        elif request.body_exists:
            unreadable = f"unsupported Content-Type {request.content_type!r}"
        params.pop("token", None)
        for key in JSON_FIELDS:  # forms carry blocks/view/files as JSON strings
            if isinstance(params.get(key), str) and params[key].lstrip()[:1] in ("[", "{"):
                try:
                    params[key] = json.loads(params[key])
                except ValueError:
                    unreadable = f"{key} is not valid JSON"
        call, headers = ApiCall(method, params, dict(request.headers)), dict[str, str]()
        try:
            if method == "oauth.v2.access":  # the app's client credentials, not a token
                call.response = self._exchange(auth, params)
            else:
                self._check(method, params, token, unreadable)
                if (retry_after := self._rate_limited(method, params, token)) is not None:
                    call.status, headers["Retry-After"] = 429, str(retry_after)
                    call.response = {"ok": False, "error": "ratelimited"}
                else:
                    call.response = self._answer_or_fault(method, params, token, call, headers)
        except _Reject as rej:
            call.response = self._reject(method, rej)
        await self._record(self.calls, call)
        return self._reply(call.response, call.status, **headers)

    def _check(self, method: str, params: dict[str, Any], token: str, unreadable: str) -> None:
        if self._spec is not None and method not in self._spec and method not in EXTRA_METHODS:
            raise _Reject("unknown_method", f"unknown method {method!r}")
        if not token:
            raise _Reject("not_authed", "no token; expected 'Authorization: Bearer xoxb-...'")
        if not token.startswith(("xoxb-", "xoxp-", "xapp-")):
            raise _Reject("invalid_auth", f"malformed token {token[:5]!r}...")
        if token in self.installs.revoked:
            raise _Reject("token_revoked")  # the app could not have known: no protocol error
        if (method == "apps.connections.open") != token.startswith("xapp-"):
            raise _Reject("not_allowed_token_type", f"a {token[:5]}... token cannot call this")
        if unreadable:
            raise _Reject("invalid_form_data", unreadable)
        given = _given(params)
        required = set(EXTRA_REQUIRED.get(method, ())) | (self._spec or {}).get(method, set())
        if missing := [p for p in sorted(required) if not {p, ALTERNATIVES.get(p)} & given]:
            raise _Reject("invalid_arguments", *(f"missing required field: {p}" for p in missing))
        if method == "files.getUploadURLExternal" and not str(params["length"]).isdigit():
            raise _Reject("invalid_arguments", f"length must be a byte count: {params['length']!r}")
        if method in MESSAGE_METHODS - {"chat.update"} and not TEXT_FIELDS & given:
            raise _Reject("no_text", NO_TEXT)
        if method in MESSAGE_METHODS:
            check_message(params)
        if method in VIEW_METHODS and (problems := view_problems(params.get("view"))):
            raise _Reject("invalid_blocks", *problems)
        if method == "views.update" and not {"view_id", "external_id"} & given:
            raise _Reject("invalid_arguments", "views.update needs view_id or external_id")

    def _rate_limited(self, method: str, params: dict[str, Any], token: str) -> int | None:
        """Retry-After seconds when chat.postMessage is over a limit; None otherwise."""
        if self.rate_limiter is None or method != "chat.postMessage":
            return None
        team = self.installs.team_of(token) or self.team_id
        return self.rate_limiter.admit(team, str(params.get("channel", "")))

    def _history(self, p: dict[str, Any]) -> dict[str, Any]:
        """conversations.history: newest first; metadata only when asked for."""
        limit = int(p.get("limit") or 100)
        with_metadata = str(p.get("include_all_metadata", "")).lower() in ("1", "true")
        found = list(reversed(self.history[str(p["channel"])]))
        shown = [
            m if with_metadata else {k: v for k, v in m.items() if k != "metadata"}
            for m in found[:limit]
        ]
        return {"messages": shown, "has_more": len(found) > limit}

    def _next_ts(self) -> str:
        self._ts += 100
        return f"{1_700_000_000 + self._ts // 1_000_000}.{self._ts % 1_000_000:06d}"

    def dm_id(self, *users: str) -> str:
        """The conversation id conversations.open gives for exactly these users."""
        return self._dm_id(set(users))

    def _dm_id(self, users: set[str]) -> str:
        digest = hashlib.sha1(",".join(sorted(users)).encode()).hexdigest()[:10].upper()
        return ("D" if len(users) == 1 else "G") + digest

    def _answer_or_fault(
        self,
        method: str,
        params: dict[str, Any],
        token: str,
        call: ApiCall,
        headers: dict[str, str],
    ) -> dict[str, Any]:
        if not self._faults[method]:
            return {"ok": True, **self._answer(method, params, token)}
        call.status, error, retry_after = self._faults[method].popleft()
        if call.status == 429:
            error, headers["Retry-After"] = "ratelimited", str(retry_after)
        return {"ok": False, "error": error or "internal_error"}

    def _exchange(self, authorization: str, params: dict[str, Any]) -> dict[str, Any]:
        try:
            return {"ok": True, **self.installs.exchange(authorization, params)}
        except InstallRefused as refused:
            return {"ok": False, "error": refused.error}

    def _answer(self, method: str, p: dict[str, Any], token: str) -> dict[str, Any]:
        """Slack's success payload for `method` (fields apps rely on; `{}` for the rest)."""
        channel, ts = str(p.get("channel", "")), str(p.get("ts", ""))
        if method in ("chat.postMessage", "chat.postEphemeral"):
            ts = self._next_ts()
        message = dict(type="message", text=p.get("text", ""), blocks=p.get("blocks") or [], ts=ts)
        message.update(user=self.bot_user_id, bot_id=self.bot_id)
        match method:
            case "auth.test":
                team = self.installs.team_of(token) or self.team_id
                ids = dict(team_id=team, user_id=self.bot_user_id, bot_id=self.bot_id)
                return {"url": "https://agency.slack.com/", "team": "Agency", **ids}
            case "chat.postMessage":  # a user id as channel means the DM with that user
                dm = self._dm_id({channel}) if channel[:1] in ("U", "W") else channel
                if isinstance(p.get("metadata"), dict):
                    message["metadata"] = p["metadata"]
                self.history[dm].append(message)
                return {"channel": dm, "ts": ts, "message": message}
            case "conversations.history":
                return self._history(p)
            case "chat.postEphemeral":
                return {"message_ts": ts}
            case "chat.update":
                return {"channel": channel, "ts": ts, "text": message["text"], "message": message}
            case "chat.delete":
                return {"channel": channel, "ts": ts}
            case "views.open" | "views.push" | "views.update" | "views.publish":
                return self._store_view(p)
            case "users.info":
                user = self.users.get(p["user"])
                return {"user": user} if user else {"ok": False, "error": "user_not_found"}
            case "usergroups.users.list":
                group = self.usergroups.get(str(p["usergroup"]))
                if group is None:
                    return {"ok": False, "error": "no_such_subteam"}
                return {"users": list(group)}
            case "conversations.open":
                users = {u.strip() for u in str(p.get("users", "")).split(",") if u.strip()}
                if any(self.users.get(u, {}).get("deleted") for u in users):
                    return {"ok": False, "error": "user_disabled"}
                if channel or users:
                    return {"channel": {"id": channel or self._dm_id(users)}}
                return {"ok": False, "error": "users_list_not_supplied"}
            case "conversations.info":
                info: dict[str, Any] = dict(
                    id=channel, name=self.channels.get(channel, channel.lower())
                )
                info.update(is_archived=False, is_member=True, is_im=channel.startswith("D"))
                return {"channel": info}
            case "conversations.members":
                return self._members_page(channel, p.get("limit"), p.get("cursor"))
            case "files.getUploadURLExternal":
                file_id = f"F{next(self._seq):010d}"
                self._files[file_id] = (p["filename"], int(p["length"]))
                return {"upload_url": f"{self.base_url}/upload/{file_id}", "file_id": file_id}
            case "files.completeUploadExternal":
                return self._complete_upload(p["files"])
            case "apps.connections.open":
                return {"url": self.base_url.replace("http://", "ws://") + "/socket"}
            case "auth.revoke":  # the token stops working at once
                self.installs.revoked.add(token)
                return {"revoked": True}
        return {}

    def _store_view(self, p: dict[str, Any]) -> dict[str, Any]:
        external = {v["external_id"]: k for k, v in self.views.items() if v.get("external_id")}
        view_id = p.get("view_id") or external.get(p.get("external_id"))
        if p.get("view_id") and view_id not in self.views:
            return {"ok": False, "error": "not_found"}
        view_id = view_id or f"V{next(self._seq):010d}"
        view = {"private_metadata": "", "callback_id": "", "external_id": "", **p["view"]}
        view.update(id=view_id, team_id=self.team_id, bot_id=self.bot_id, state={"values": {}})
        view["hash"] = f"1700000000.{secrets.token_hex(4)}"
        self.views[view_id] = view
        return {"view": view}

    def _members_page(self, channel: str, limit: Any, cursor: Any) -> dict[str, Any]:
        """One page of conversations.members; the opaque cursor encodes an offset."""
        if channel not in self.members:
            return {"ok": False, "error": "channel_not_found"}
        size = str(limit if limit not in (None, "") else MEMBERS_PAGE)
        if not size.isdigit() or not 1 <= int(size) <= MEMBERS_MAX_PAGE:
            return {"ok": False, "error": "invalid_limit"}
        try:  # binascii.Error and UnicodeDecodeError are ValueErrors
            start = int(base64.b64decode(str(cursor)).decode().split(":")[1]) if cursor else 0
        except (ValueError, IndexError):
            start = -1
        if start < 0:
            return {"ok": False, "error": "invalid_cursor"}
        users = self.members[channel]
        end = start + int(size)
        more = base64.b64encode(f"offset:{end}".encode()).decode() if end < len(users) else ""
        return {"members": users[start:end], "response_metadata": {"next_cursor": more}}

    def _complete_upload(self, files: Any) -> dict[str, Any]:
        if not isinstance(files, list) or not files:
            raise _Reject("invalid_arguments", "files must be a non-empty JSON array")
        if lost := [f.get("id") for f in files if f.get("id") not in self.uploads]:
            raise _Reject("invalid_arguments", f"files never uploaded: {lost}")
        out = []
        for f in files:
            name, size = self._files[f["id"]][0], len(self.uploads[f["id"]])
            out.append({"id": f["id"], "name": name, "title": f.get("title") or name, "size": size})
        return {"files": out}

    async def _response_url(self, request: web.Request) -> web.Response:
        key = request.match_info["key"]
        where = f"response_url {key}"
        if key not in self._hooks:
            self.protocol_errors.append(f"{where}: not issued by the fake")
            return self._reply({"ok": False, "error": "invalid_url"}, 404)
        try:
            body = json.loads(await request.text())
        except ValueError:
            body = None
        if not isinstance(body, dict):
            self.protocol_errors.append(f"{where}: body is not a JSON object")
            return self._reply({"ok": False, "error": "invalid_payload"}, 400)
        self._hooks[key] += 1
        post, answer = ResponseUrlPost(key, body), {"ok": True}
        try:
            if self._hooks[key] > 5:  # Slack honours five posts per response_url
                raise _Reject("used_url", "response_url used more than 5 times")
            if body.get("response_type") not in (None, "in_channel", "ephemeral"):
                raise _Reject("invalid_arguments", f"bad response_type {body['response_type']!r}")
            if not body.get("delete_original") and not TEXT_FIELDS & _given(body):
                raise _Reject("no_text", NO_TEXT)
            check_message(body)
        except _Reject as rej:
            post.status, answer = 400, self._reject(where, rej)
        await self._record(self.response_posts, post)
        return self._reply(answer, post.status)

    async def _upload(self, request: web.Request) -> web.Response:
        file_id, data = request.match_info["file_id"], await request.read()
        if file_id not in self._files:
            self.protocol_errors.append(f"upload: unknown file id {file_id!r}")
            return web.Response(status=404, text="not_found")
        if len(data) != self._files[file_id][1]:
            self.protocol_errors.append(f"upload {file_id}: {len(data)} bytes, not as announced")
        self.uploads[file_id] = data
        return web.Response(text=f"OK - {len(data)}")
