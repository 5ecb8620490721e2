"""Slack adapter; `register` is its table of contents."""

import contextlib
import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse

from bot.ports.platform import ConversationUnavailable
from bot.process.lifecycle import InFlight
from bot.process.metrics import Metrics
from bot.services import Services
from handlers.slack.ack_queue import acks_of
from handlers.slack.actions import register_actions
from handlers.slack.clients import SlackClients
from handlers.slack.commands import register_commands
from handlers.slack.events import register_events, workspace_of
from handlers.slack.listeners import guarded
from handlers.slack.messages import register_messages
from handlers.slack.respond import PooledRespond
from handlers.slack.response_urls import ResponseUrls
from handlers.slack.views import register_views

logger = logging.getLogger(__name__)
# The payload kinds a log line may name; any other `type` a body claims is logged as "other".
PAYLOAD_KINDS = frozenset(
    {"command", "block_actions", "view_submission", "view_closed", "event_callback", "shortcut"}
)


def register(
    app: AsyncApp,
    services: Services,
    clients: SlackClients,
    inflight: InFlight,
    metrics: Metrics,
) -> None:
    """Attach every Wellspring listener to a Bolt app.

    Listeners get `client` from the request's context: our instrumented client for the
    workspace the request came from.
    """
    guard = guarded(services, inflight, metrics, acks_of(app))
    app.use(_WorkspaceClient(clients, ResponseUrls(clients.api_url)))
    # Bolt tries listeners in this order: clicks, the most frequent, first.
    register_actions(app, services, guard)
    register_commands(app, services, guard)
    register_views(app, services, guard)
    register_events(app, services, guard)
    register_messages(app, services, guard)

    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        # Only the kind of failure is logged: bodies carry user ids and text.
        metrics.errors.labels("slack_listener").inc()
        kind = body.get("type") or "command"
        logger.error(
            "listener failed on a %s request: %s",
            kind if kind in PAYLOAD_KINDS else "other",
            type(error).__name__,
            exc_info=error,
        )

    app.error(on_error)


class _WorkspaceClient(AsyncMiddleware):
    """Puts the workspace's client, and respond() on the shared session, in the context.

    A request whose response_url is not Slack's gets 400 before anything is done or posted:
    Slack never sends one, and a reply there would hand a stranger what the bot says.
    A middleware class: Bolt builds no keyword arguments for it, as it does for functions.
    """

    def __init__(self, clients: SlackClients, response_urls: ResponseUrls) -> None:
        self._clients = clients
        self._response_urls = response_urls

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        if not all(self._response_urls.allows(url) for url in _response_urls(req.body)):
            logger.info("refused a Slack request whose response_url is not Slack's")
            return BoltResponse(status=400, body="")
        context = req.context
        # Not installed (any more): Bolt's own client is enough for the uninstall events.
        with contextlib.suppress(ConversationUnavailable):
            context["client"] = await self._clients.for_workspace(workspace_of(req.body))
        if context.response_url is not None:
            context["respond"] = PooledRespond(context.response_url, self._clients.session)
        return await next()


def _response_urls(body: dict[str, Any]) -> list[object]:
    """Every response_url a body carries (a submitted form has one per conversation)."""
    urls = [body["response_url"]] if body.get("response_url") is not None else []
    for answer_to in body.get("response_urls") or []:
        if isinstance(answer_to, dict):
            urls.append(answer_to.get("response_url"))
    return urls
