"""Socket Mode: Slack pushes events over a websocket, so no public URL is needed."""

from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler
from slack_bolt.async_app import AsyncApp


async def create_socket_mode(bolt: AsyncApp, app_token: str) -> AsyncSocketModeHandler:
    """Connect (without blocking) and return the handler, to be closed at shutdown."""
    handler = AsyncSocketModeHandler(bolt, app_token, web_client=bolt.client)
    await handler.connect_async()  # type: ignore[no-untyped-call]
    return handler
