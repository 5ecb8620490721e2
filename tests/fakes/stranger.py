"""A server that is no part of Slack or Teams: it records every request and refuses it.

Used two ways: as an address a forged response_url or serviceUrl points at, and as the HTTP
proxy of the app's outgoing calls (HTTPS_PROXY), so that a call to any host but the local
fakes (Microsoft's default service URL, a made-up host) is recorded instead of leaving the
machine. A proxied https call arrives as `CONNECT host:443`; a plain one with its full URL.
"""

import asyncio
import contextlib

REFUSAL = b"HTTP/1.1 403 Forbidden\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"


class Stranger:
    """Listens on 127.0.0.1; `requests` holds each request line it was sent."""

    def __init__(self) -> None:
        self.requests: list[str] = []
        self._server: asyncio.Server | None = None
        self.origin = ""

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._serve, "127.0.0.1", 0)
        port = self._server.sockets[0].getsockname()[1]
        self.origin = f"http://127.0.0.1:{port}"

    @property
    def remote_origin(self) -> str:
        """An address on another host (never looked up): only a proxied call reaches it."""
        return self.origin.replace("127.0.0.1", "stranger.example")

    async def stop(self) -> None:
        if self._server is not None:
            self._server.close()
            await self._server.wait_closed()

    async def _serve(self, reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        with contextlib.suppress(ConnectionError, asyncio.IncompleteReadError, ValueError):
            head = await reader.readuntil(b"\r\n\r\n")
            self.requests.append(head.split(b"\r\n", 1)[0].decode("latin-1"))
            writer.write(REFUSAL)
            await writer.drain()
        writer.close()
