"""Events API: retried deliveries take effect once; App Home shows the introduction."""

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.domain.workspaces import WorkspaceRef
from bot.services import Services, Where
from handlers.slack.blocks import build_home_view
from handlers.slack.listeners import Listener

logger = logging.getLogger(__name__)

PLATFORM = "slack"


def workspace_of(body: dict[str, Any]) -> WorkspaceRef:
    """The workspace a payload came from (events, commands and interactions alike)."""
    team = body.get("team_id") or (body.get("team") or {}).get("id") or ""
    return WorkspaceRef(PLATFORM, str(team))


def register_events(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    app.use(_OncePerEvent(services))

    @guard
    async def on_app_home_opened(
        event: dict[str, Any], body: dict[str, Any], client: AsyncWebClient
    ) -> None:
        user = event.get("user")
        if event.get("tab", "home") == "home" and isinstance(user, str) and user:
            await publish_home(client, services, workspace_of(body), user)

    app.event("app_home_opened")(on_app_home_opened)

    @guard
    async def on_user_change(event: dict[str, Any], body: dict[str, Any]) -> None:
        # A deactivated account: what Wellspring held about them goes (offers move on).
        user = event.get("user")
        if isinstance(user, dict) and user.get("deleted") is True and user.get("id"):
            await services.personal_data.leave(workspace_of(body), str(user["id"]))

    app.event("user_change")(on_user_change)

    async def on_group_changed(body: dict[str, Any]) -> None:
        # A user group's members changed: roles that follow groups are asked again.
        services.roles.forget(workspace_of(body))

    for group_event in ("subteam_members_changed", "subteam_updated"):
        app.event(group_event)(guard(on_group_changed))
    if app.installation_store is not None:
        # Bolt's own listeners delete the stored token; guarded so shutdown waits for them.
        app.event("app_uninstalled")(guard(app.default_app_uninstalled_event_listener()))
        app.event("tokens_revoked")(guard(app.default_tokens_revoked_event_listener()))


async def publish_home(
    client: AsyncWebClient, services: Services, workspace: WorkspaceRef, user: str
) -> None:
    """The App Home: what Wellspring is, private reminders, and a supervisor's teams."""
    cards = await services.dispatch.home(Where(workspace, user, None))
    await client.views_publish(user_id=user, view=build_home_view(cards[0].text, cards))


class _OncePerEvent(AsyncMiddleware):
    """Answers a repeated delivery of an event (Slack's retries) without handling it again."""

    def __init__(self, services: Services) -> None:
        self._services = services

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        body = req.body
        event_id = body.get("event_id")
        if body.get("type") != "event_callback" or not event_id:
            return await next()
        if await self._services.deliveries.record_delivery(workspace_of(body), str(event_id)):
            return await next()
        logger.info("ignored a repeated event delivery")
        return BoltResponse(status=200, body="")
