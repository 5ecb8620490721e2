"""The Teams adapter's table of contents: every activity, one listener."""

import logging
from collections.abc import Awaitable, Callable
from typing import cast

from microsoft_teams.api import ActivityBase
from microsoft_teams.apps import App
from microsoft_teams.apps.routing.activity_context import ActivityContext

from bot.process.lifecycle import InFlight
from bot.process.metrics import Metrics
from bot.services import Services
from handlers.teams.activities import readable, tenant_of
from handlers.teams.addresses import TeamsAddresses
from handlers.teams.cards import JSON
from handlers.teams.click_notes import ClickNotes
from handlers.teams.directory import TeamsDirectory
from handlers.teams.listeners import TeamsListeners
from handlers.teams.pacing import calls_for
from handlers.teams.people import TeamsPeople
from handlers.teams.replies import Replies
from handlers.teams.service_urls import is_connector_url

logger = logging.getLogger(__name__)


def register(
    app: App,
    services: Services,
    addresses: TeamsAddresses,
    directory: TeamsDirectory,
    people: TeamsPeople,
    inflight: InFlight,
    metrics: Metrics,
    notes: ClickNotes,
    allowed_tenants: frozenset[str] = frozenset(),
    targeted_messages: bool = False,
    *,
    allow_loopback: bool = False,
) -> None:
    """Every activity goes through one listener, tracked so a shutdown waits for it.

    With `allowed_tenants`, an activity from another tenant gets 403 before anything is
    stored or sent: replying would mean calling into a tenant this copy does not serve.
    With `targeted_messages`, private answers in shared conversations are targeted messages
    (a Microsoft preview); otherwise they go to the person's 1:1 chat with the bot.

    An activity whose serviceUrl is not the Bot Connector's (handlers/teams/service_urls.py;
    with `allow_loopback`, also this computer) gets 400 before any call: the SDK would call
    whatever host it names, or Microsoft's default for none.
    """
    replies = Replies(app, addresses, people, targeted_messages)
    listeners = TeamsListeners(
        services, addresses, replies, inflight, metrics, notes, directory, people
    )

    @inflight.track
    async def on_activity(ctx: ActivityContext) -> JSON | None:  # type: ignore[type-arg]
        activity = ctx.activity.model_dump(by_alias=True, exclude_none=True, mode="json")
        if not readable(activity):  # no sender or place, or two tenants: nothing to act on
            return {"status": 400, "body": {"error": "the activity is missing who or where"}}
        if not is_connector_url(activity.get("serviceUrl"), allow_loopback):
            logger.info("refused a Teams activity whose serviceUrl is not the Bot Connector")
            return {"status": 400, "body": {"error": "the serviceUrl is not the Bot Connector"}}
        if allowed_tenants and tenant_of(activity) not in allowed_tenants:
            logger.info("refused a Teams activity from a tenant not on the allow-list")
            return {"status": 403, "body": {"error": "this tenant is not served here"}}
        with calls_for(tenant_of(activity)):  # replies count against its tenant's budget
            return await listeners.on_activity(activity)

    # The SDK types middleware as returning nothing, but uses what it returns as the answer.
    app.use(cast(Callable[[ActivityContext[ActivityBase]], Awaitable[None]], on_activity))
