"""A TCP proxy between the app and PostgreSQL that a test can take down, as an outage would.

While down it cuts every open connection and stops listening, so a new connection is
refused, exactly as when the database server has stopped. Back up, it listens again on
the same port and forwards as before.
"""

import asyncio
import contextlib
from collections.abc import AsyncIterator

CHUNK = 64 * 1024


class TcpProxy:
    """Forwards 127.0.0.1:`port` to `target_host`:`target_port`."""

    def __init__(self, target_host: str, target_port: int) -> None:
        self._target = (target_host, target_port)
        self._server: asyncio.Server | None = None
        self._pipes: set[asyncio.Task[None]] = set()
        self._writers: set[asyncio.StreamWriter] = set()
        self.port = 0

    async def start(self) -> None:
        self._server = await asyncio.start_server(self._accept, "127.0.0.1", self.port)
        self.port = self._server.sockets[0].getsockname()[1]

    async def stop(self) -> None:
        await self._go_down()

    @contextlib.asynccontextmanager
    async def down(self) -> AsyncIterator[None]:
        """An outage for as long as the block runs: open connections cut, new ones refused."""
        await self._go_down()
        try:
            yield
        finally:
            await self.start()

    async def cut(self) -> None:
        """Reset every open connection, as a database restart or a failover does; new ones
        are forwarded as before."""
        for writer in list(self._writers):
            writer.transport.abort()  # a reset, as when the server's process is gone
        for pipe in list(self._pipes):
            pipe.cancel()
        await asyncio.gather(*self._pipes, return_exceptions=True)

    async def _go_down(self) -> None:
        if self._server is not None:
            self._server.close()
            self._server = None
        await self.cut()

    async def _accept(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        try:
            server_r, server_w = await asyncio.open_connection(*self._target)
        except OSError:
            client_w.transport.abort()
            return
        self._writers |= {client_w, server_w}
        pipes = {
            asyncio.create_task(_pipe(client_r, server_w)),
            asyncio.create_task(_pipe(server_r, client_w)),
        }
        self._pipes |= pipes
        try:
            # When either side closes, close both.
            await asyncio.wait(pipes, return_when=asyncio.FIRST_COMPLETED)
        finally:
            for pipe in pipes:
                pipe.cancel()
            await asyncio.gather(*pipes, return_exceptions=True)
            self._pipes -= pipes
            for writer in (client_w, server_w):
                self._writers.discard(writer)
                writer.transport.abort()


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
    with contextlib.suppress(ConnectionError):
        while data := await reader.read(CHUNK):
            writer.write(data)
            await writer.drain()
