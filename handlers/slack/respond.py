"""respond() over the app's shared HTTP session: Bolt's own opens a new session per reply."""

from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


class PooledRespond(AsyncRespond):
    """Posts to the request's response_url on a kept-alive connection of `session`."""

    def __init__(self, response_url: str | None, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self._session = session

    async def __call__(  # type: ignore[override]
        self, text: str = "", blocks: Any = None, **fields: Any
    ) -> WebhookResponse:
        if self.response_url is None:
            raise ValueError("respond is unsupported here as there is no response_url")
        client = AsyncWebhookClient(url=self.response_url, session=self._session)
        return await client.send(text=text, blocks=blocks, **fields)
