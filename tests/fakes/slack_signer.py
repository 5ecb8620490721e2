"""Sends signed requests to the app exactly as Slack does: commands, interactions, events."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
import secrets
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import aiohttp

from tests.fakes.slack_api import FakeSlack

VERIFICATION_TOKEN = "fakeVerificationToken0000"  # deprecated field Slack still sends
USER_AGENT = "Slackbot 1.0 (+https://api.slack.com/robots)"
FORM, JSON = "application/x-www-form-urlencoded", "application/json"
DEFAULT_CHANNELS = {"C0TEAM": "team-north"}  # matches command()'s defaults


def sign(body: bytes, secret: str, timestamp: int) -> dict[str, str]:
    """Slack's v0 signing headers for `body` sent at `timestamp`."""
    base = b"v0:%d:%s" % (timestamp, body)
    digest = hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()
    return {"X-Slack-Request-Timestamp": str(timestamp), "X-Slack-Signature": f"v0={digest}"}


@dataclass
class Reply:
    """The app's HTTP answer to one request, plus the response_url the request carried."""

    status: int
    text: str
    headers: dict[str, str]
    response_url: str | None = None

    def json(self) -> Any:
        return json.loads(self.text)


class SignedSlackClient:
    """Plays Slack's side of the HTTP conversation with the app under test."""

    def __init__(
        self,
        app_url: str,
        signing_secret: str,
        fake: FakeSlack,
        *,
        team_id: str = "T0AGENCY",
        api_app_id: str = "A0WELL",
    ) -> None:
        self.app_url, self.signing_secret, self.fake = app_url.rstrip("/"), signing_secret, fake
        self.team_id, self.api_app_id = team_id, api_app_id
        self._session: aiohttp.ClientSession | None = None
        self._seq = itertools.count(1)

    async def close(self) -> None:
        if self._session is not None:
            await self._session.close()
            self._session = None

    async def raw(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: int | None = None,
        secret: str | None = None,
        signed: bool = True,
        path: str = "/slack/events",
        headers: dict[str, str] | None = None,
    ) -> Reply:
        """POST `body` to the app; `secret` forges a bad signature, `signed=False` omits it."""
        sent = {"Content-Type": content_type, "User-Agent": USER_AGENT, **(headers or {})}
        if signed:
            ts = int(time.time()) if timestamp is None else timestamp
            sent.update(sign(body, self.signing_secret if secret is None else secret, ts))
        if self._session is None:
            self._session = aiohttp.ClientSession()
        async with self._session.post(self.app_url + path, data=body, headers=sent) as resp:
            return Reply(resp.status, await resp.text(), dict(resp.headers))

    async def command(
        self,
        command: str,
        text: str = "",
        *,
        user_id: str = "U0ALICE",
        channel_id: str = "C0TEAM",
        channel_name: str = "team-north",
        timestamp: int | None = None,
        secret: str | None = None,
    ) -> Reply:
        """A slash command POST, form-encoded with Slack's fields in Slack's order."""
        response_url = self.fake.new_response_url()
        form = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "team_domain": "agency",
            "channel_id": channel_id,
            "channel_name": channel_name,
            "user_id": user_id,
            "user_name": self._user_name(user_id),
            "command": command,
            "text": text,
            "api_app_id": self.api_app_id,
            "is_enterprise_install": "false",
            "response_url": response_url,
            "trigger_id": self._trigger_id(),
        }
        reply = await self._deliver_command(form, timestamp=timestamp, secret=secret)
        reply.response_url = response_url
        return reply

    async def interaction(self, payload: dict[str, Any], **sign_kw: Any) -> Reply:
        """An interactivity POST: form field `payload` holding the JSON payload."""
        reply = await self._deliver_interaction(payload, **sign_kw)
        reply.response_url = payload.get("response_url")
        return reply

    async def block_action(
        self,
        action_id: str,
        value: str,
        *,
        user_id: str = "U0ALICE",
        channel_id: str = "C0TEAM",
        message_ts: str = "1700000000.000100",
        block_id: str = "b1",
        message: dict[str, Any] | None = None,
    ) -> Reply:
        """A button click on the bot's message at `message_ts` (a `block_actions` payload)."""
        message = message or self._posted(message_ts)
        action: dict[str, Any] = {
            "action_id": action_id,
            "block_id": block_id,
            "value": value,
            "type": "button",
        }
        action["text"] = {"type": "plain_text", "text": value, "emoji": True}
        action["action_ts"] = f"{int(time.time())}.{next(self._seq):06d}"
        container = {"type": "message", "message_ts": message_ts, "channel_id": channel_id}
        payload = {
            **self._common("block_actions", user_id),
            "container": {**container, "is_ephemeral": False},
            "channel": {"id": channel_id, "name": self._channel_name(channel_id)},
            "message": message,
            "state": {"values": {}},
            "response_url": self.fake.new_response_url(),
            "actions": [action],
        }
        return await self.interaction(payload)

    async def view_submission(
        self,
        callback_id: str,
        values: dict[str, dict[str, dict[str, Any]]],
        *,
        user_id: str = "U0ALICE",
        private_metadata: str | None = None,
    ) -> Reply:
        """Submit the modal with `callback_id` (the last one the bot opened, if any)."""
        opened = [v for v in self.fake.views.values() if v.get("callback_id") == callback_id]
        view = dict(opened[-1]) if opened else self._invented_view(callback_id)
        view.setdefault("root_view_id", view["id"])
        view.setdefault("previous_view_id", None)
        view.setdefault("app_id", self.api_app_id)
        if private_metadata is not None:
            view["private_metadata"] = private_metadata
        view["state"] = {"values": values}
        payload = {**self._common("view_submission", user_id), "view": view, "response_urls": []}
        return await self.interaction(payload)

    async def event(
        self,
        event: dict[str, Any],
        *,
        event_id: str | None = None,
        retry_num: int | None = None,
        retry_reason: str = "http_timeout",
    ) -> Reply:
        """An Events API `event_callback`; a retry carries Slack's X-Slack-Retry-* headers."""
        envelope = {
            "token": VERIFICATION_TOKEN,
            "team_id": self.team_id,
            "api_app_id": self.api_app_id,
            "event": event,
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._seq):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "enterprise_id": None,
                    "team_id": self.team_id,
                    "user_id": self.fake.bot_user_id,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "is_ext_shared_channel": False,
        }
        return await self._deliver_event(envelope, retry_num, retry_reason)

    async def url_verification(self, challenge: str) -> Reply:
        body = {"token": VERIFICATION_TOKEN, "challenge": challenge, "type": "url_verification"}
        return await self.raw(json.dumps(body).encode(), JSON)

    async def _deliver_command(self, form: dict[str, str], **sign_kw: Any) -> Reply:
        return await self.raw(urlencode(form).encode(), FORM, **sign_kw)

    async def _deliver_interaction(self, payload: dict[str, Any], **sign_kw: Any) -> Reply:
        return await self.raw(urlencode({"payload": json.dumps(payload)}).encode(), FORM, **sign_kw)

    async def _deliver_event(
        self, envelope: dict[str, Any], retry_num: int | None, retry_reason: str
    ) -> Reply:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": retry_reason}
        return await self.raw(json.dumps(envelope).encode(), JSON, headers=headers)

    def _common(self, kind: str, user_id: str) -> dict[str, Any]:
        # Fields every interactivity payload carries.
        name = self._user_name(user_id)
        user = {"id": user_id, "username": name, "name": name, "team_id": self.team_id}
        return {
            "type": kind,
            "team": {"id": self.team_id, "domain": "agency"},
            "user": user,
            "api_app_id": self.api_app_id,
            "token": VERIFICATION_TOKEN,
            "trigger_id": self._trigger_id(),
            "enterprise": None,
            "is_enterprise_install": False,
        }

    def _invented_view(self, callback_id: str) -> dict[str, Any]:
        # Registered with the fake so a later views.update on its id behaves as on Slack.
        view_id = f"V{secrets.token_hex(5).upper()}"
        view = {
            "id": view_id,
            "team_id": self.team_id,
            "type": "modal",
            "callback_id": callback_id,
            "private_metadata": "",
            "external_id": "",
            "title": {"type": "plain_text", "text": "Wellspring"},
            "blocks": [],
            "hash": f"1700000000.{secrets.token_hex(4)}",
            "bot_id": self.fake.bot_id,
        }
        self.fake.views[view_id] = view
        return dict(view)

    def _posted(self, ts: str) -> dict[str, Any]:
        # The message as the fake last posted or updated it, so handlers see its real blocks.
        found: dict[str, Any] = {
            "type": "message",
            "user": self.fake.bot_user_id,
            "bot_id": self.fake.bot_id,
        }
        found.update(ts=ts, text="", blocks=[])
        for call in self.fake.calls:
            if call.ok and call.method in ("chat.postMessage", "chat.update"):
                found = call.response["message"] if call.response["ts"] == ts else found
        return dict(found)

    def _channel_name(self, channel_id: str) -> str:
        known = self.fake.channels.get(channel_id) or DEFAULT_CHANNELS.get(channel_id)
        return known or channel_id.lower()

    def _trigger_id(self) -> str:
        return f"{next(self._seq)}.{int(time.time())}.{secrets.token_hex(16)}"

    def _user_name(self, user_id: str) -> str:
        return str(self.fake.users.get(user_id, {}).get("name", user_id.lower()))


class SocketModeSlackClient(SignedSlackClient):
    """The same deliveries, pushed over the fake's Socket Mode websocket instead of HTTP.

    The Reply carries the payload the app acked with, as JSON, with status 200.
    """

    def __init__(self, fake: FakeSlack, **kw: Any) -> None:
        super().__init__("http://socket-mode.invalid", "", fake, **kw)

    async def _deliver_command(self, form: dict[str, str], **_sign_kw: Any) -> Reply:
        return _acked(await self.fake.socket.push("slash_commands", form))

    async def _deliver_interaction(self, payload: dict[str, Any], **_sign_kw: Any) -> Reply:
        return _acked(await self.fake.socket.push("interactive", payload))

    async def _deliver_event(
        self, envelope: dict[str, Any], retry_num: int | None, retry_reason: str
    ) -> Reply:
        retry = {"retry_attempt": retry_num, "retry_reason": retry_reason} if retry_num else {}
        return _acked(await self.fake.socket.push("events_api", envelope, **retry))


def _acked(payload: dict[str, Any]) -> Reply:
    return Reply(200, json.dumps(payload) if payload else "", {})
