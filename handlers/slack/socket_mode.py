"""Socket Mode: Slack pushes events over a websocket, so no public URL is needed."""

from typing import TYPE_CHECKING

from slack_bolt.async_app import AsyncApp

if TYPE_CHECKING:  # imported only in Socket Mode: it costs a tenth of a second at start
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler


async def create_socket_mode(bolt: AsyncApp, app_token: str) -> "AsyncSocketModeHandler":
    """Connect (without blocking) and return the handler, to be closed at shutdown."""
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    handler = AsyncSocketModeHandler(bolt, app_token, web_client=bolt.client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler
