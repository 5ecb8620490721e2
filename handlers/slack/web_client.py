"""The Slack Web API client: configurable base URL, retries, and call metrics."""

import logging
from typing import Any

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
    AsyncServerErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.process.metrics import Metrics


class InstrumentedWebClient(AsyncWebClient):
    """AsyncWebClient that counts every API call by method and outcome."""

    def __init__(self, *, metrics: Metrics, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self._metrics = metrics

    def with_token(self, token: str) -> "InstrumentedWebClient":
        """A sibling for another workspace: same URL, session, retries and metrics."""
        return InstrumentedWebClient(
            metrics=self._metrics,
            token=token,
            base_url=self.base_url,
            session=self.session,
            timeout=self.timeout,
            retry_handlers=self.retry_handlers,
        )

    async def api_call(self, api_method: str, **kwargs: Any) -> AsyncSlackResponse:
        outcome = "ok"
        try:
            return await super().api_call(api_method, **kwargs)
        except SlackApiError as error:
            outcome = str(error.response.get("error", "error"))
            raise
        except Exception:
            outcome = "exception"
            raise
        finally:
            self._metrics.api_calls.labels("slack", api_method, outcome).inc()


def create_web_client(
    token: str, base_url: str, metrics: Metrics, session: aiohttp.ClientSession
) -> InstrumentedWebClient:
    """A client retrying on 429 (after Retry-After), 5xx and dropped connections."""
    sdk_logger = logging.getLogger("slack_sdk")
    # slack_sdk's debug output holds request and response bodies: user ids and text.
    sdk_logger.setLevel(max(sdk_logger.getEffectiveLevel(), logging.INFO))
    return InstrumentedWebClient(
        token=token or None,  # none when workspaces install the app
        base_url=base_url,
        session=session,
        timeout=15,
        metrics=metrics,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(max_retry_count=2),
            AsyncRateLimitErrorRetryHandler(max_retry_count=3),
            AsyncServerErrorRetryHandler(max_retry_count=2),
        ],
    )
