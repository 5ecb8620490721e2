"""Slack's side of Socket Mode: a websocket that pushes envelopes and collects the app's acks."""

import asyncio
import json
import secrets
from collections.abc import Callable
from typing import Any

from aiohttp import WSMsgType, web

HELLO = {
    "type": "hello",
    "num_connections": 1,
    "debug_info": {"host": "applink-fake", "approximate_connection_time": 18060},
    "connection_info": {"app_id": "A0WELL"},
}


class SocketModeServer:
    """Serves `GET /socket` for the fake Web API; `push` plays one delivery through it."""

    def __init__(self) -> None:
        self.connections: list[web.WebSocketResponse] = []
        self.acks: dict[str, dict[str, Any]] = {}  # envelope id -> the ack's payload
        self.unacked: list[str] = []  # text frames that were not an ack of a known envelope
        self._sent: set[str] = set()
        self._changed = asyncio.Condition()

    async def handle(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse(autoping=True)
        await ws.prepare(request)
        await ws.send_json(HELLO)
        await self._note(lambda: self.connections.append(ws))
        try:
            async for frame in ws:
                if frame.type == WSMsgType.TEXT:
                    await self._receive(frame.data)
        finally:
            await self._note(lambda: self.connections.remove(ws))
        return ws

    async def wait_for_connections(self, count: int = 1, timeout: float = 5.0) -> None:
        """Until exactly `count` sockets are open (0: until the app has closed its own)."""
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: len(self.connections) == count)

    async def push(
        self,
        kind: str,
        payload: dict[str, Any],
        *,
        retry_attempt: int = 0,
        retry_reason: str = "",
        timeout: float = 5.0,
    ) -> dict[str, Any]:
        """Send one envelope as Slack does; the payload the app acked it with ({} if none)."""
        if not self.connections:
            await self.wait_for_connections(1, timeout)
        envelope_id = secrets.token_hex(16)
        envelope: dict[str, Any] = {
            "envelope_id": envelope_id,
            "type": kind,
            "payload": payload,
            "accepts_response_payload": kind != "events_api",
        }
        if kind == "events_api":
            envelope.update(retry_attempt=retry_attempt, retry_reason=retry_reason)
        self._sent.add(envelope_id)
        await self.connections[-1].send_json(envelope)
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: envelope_id in self.acks)
        return self.acks[envelope_id]

    async def refresh(self, timeout: float = 5.0) -> None:
        """What Slack does every few hours: ask the app to move to a new connection.

        Returns once the old connection is closed and a new one is open.
        """
        await self.wait_for_connections(1, timeout)
        old = self.connections[-1]
        await old.send_json(
            {"type": "disconnect", "reason": "refresh_requested", "debug_info": {"host": "fake"}}
        )
        async with asyncio.timeout(timeout), self._changed:
            await self._changed.wait_for(lambda: old not in self.connections and self.connections)

    async def close(self) -> None:
        for ws in list(self.connections):
            await ws.close()

    async def _receive(self, data: str) -> None:
        try:
            ack = json.loads(data)
            envelope_id = ack["envelope_id"]
        except (ValueError, TypeError, KeyError):
            envelope_id = None
        if envelope_id not in self._sent:
            await self._note(lambda: self.unacked.append(data))
            return
        await self._note(lambda: self.acks.__setitem__(envelope_id, ack.get("payload") or {}))

    async def _note(self, change: Callable[[], object]) -> None:
        async with self._changed:
            change()
            self._changed.notify_all()
