"""Slack adapter; `register` is its table of contents."""

import logging
from typing import Any

from slack_bolt.async_app import AsyncApp

from bot.lifecycle import InFlight
from bot.metrics import Metrics
from bot.services import Services
from handlers.slack.actions import register_actions
from handlers.slack.commands import register_commands
from handlers.slack.debriefs import register_debriefs
from handlers.slack.events import register_events
from handlers.slack.listeners import guarded
from handlers.slack.views import register_views
from handlers.slack.web_client import InstrumentedWebClient

logger = logging.getLogger(__name__)


def register(
    app: AsyncApp,
    services: Services,
    client: InstrumentedWebClient,
    inflight: InFlight,
    metrics: Metrics,
) -> None:
    """Attach every Wellspring listener to a Bolt app; listeners call Slack through `client`."""
    guard = guarded(services, inflight)
    register_commands(app, services, client, guard)
    register_actions(app, services, client, guard)
    register_views(app, services, client, guard)
    register_events(app, services, client, guard)
    register_debriefs(app, services, client, guard)

    async def on_error(error: Exception, body: dict[str, Any]) -> None:
        # Only the kind of failure is logged: bodies carry user ids and text.
        metrics.errors.labels("slack_listener").inc()
        logger.error(
            "listener failed on a %s request: %s",
            body.get("type") or "command",
            type(error).__name__,
            exc_info=error,
        )

    app.error(on_error)
