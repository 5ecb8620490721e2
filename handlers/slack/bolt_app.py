"""Builds the Bolt AsyncApp around our own Web API client."""

import logging
import re
from collections.abc import Awaitable, Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_bolt.response import BoltResponse

from handlers.slack.events import workspace_of
from handlers.slack.web_client import InstrumentedWebClient


def create_bolt_app(
    client: InstrumentedWebClient,
    signing_secret: str | None,
    installs: AsyncOAuthFlow | None = None,
    not_installed: str | None = None,
    allowed_teams: frozenset[str] = frozenset(),
    not_allowed: str = "",
) -> AsyncApp:
    """One workspace with the client's token, or each installed one with its own (`installs`).

    `not_installed` answers people in a workspace without an installation. url_verification
    and ssl_check are answered by Bolt. With `allowed_teams`, every request from another
    workspace (one installed before the list was set) is refused: a command with
    `not_allowed`, anything else with an empty acknowledgement.
    """
    bolt_logger = logging.getLogger("slack_bolt")
    # Bolt's debug output includes request bodies, which carry user ids and text.
    bolt_logger.setLevel(max(bolt_logger.getEffectiveLevel(), logging.INFO))
    if not any(isinstance(kept, BoltLines) for kept in bolt_logger.filters):
        bolt_logger.addFilter(BoltLines())
    app = AsyncApp(
        client=client,
        signing_secret=signing_secret,
        # Our route verifies first; Bolt checks again. Socket Mode has no signatures.
        request_verification_enabled=signing_secret is not None,
        logger=bolt_logger,
        process_before_response=True,  # guarded listeners ack, then go on alone
        oauth_flow=installs,
        user_facing_authorize_error_message=not_installed,
    )
    if allowed_teams:
        app.middleware(only_allowed_teams(allowed_teams, not_allowed))
    return app


class BoltLines(logging.Filter):
    """Bolt's warnings about a request it has no listener for quote the request's fields (a
    forged body's text) and add a code suggestion naming its ids: only the first line stays,
    without the fields."""

    _FIELDS = re.compile(r"\(\{.*\}\)", re.DOTALL)

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        first = self._FIELDS.sub("(fields left out)", message).partition("\n")[0]
        if first != message:
            record.msg, record.args = first, ()
        return True


# Uninstalling still works from a refused workspace: it deletes what was kept about it.
LEAVING = frozenset({"app_uninstalled", "tokens_revoked"})
Next = Callable[[], Awaitable[BoltResponse]]


def only_allowed_teams(
    allowed: frozenset[str], refusal: str
) -> Callable[[dict[str, Any], Next], Awaitable[BoltResponse]]:
    """Bolt middleware: requests from workspaces not in `allowed` go no further."""
    logger = logging.getLogger(__name__)

    async def check(body: dict[str, Any], next: Next) -> BoltResponse:
        if workspace_of(body).external_id in allowed:
            return await next()
        if (body.get("event") or {}).get("type") in LEAVING:
            return await next()
        logger.info("refused a Slack request from a workspace not on the allow-list")
        if body.get("command"):
            return BoltResponse(status=200, body=refusal)
        return BoltResponse(status=200, body="")

    return check
