"""Ask Slack once at start whether it takes our tokens, so a wrong one stops the app clearly.

Without this, a refused app-level token makes Socket Mode retry for ever, and a refused
bot token shows up only as failed posts hours later.
"""

import logging
from collections.abc import Awaitable

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

logger = logging.getLogger(__name__)

# Slack's answers that mean "this token will never work", as opposed to a passing fault.
REFUSALS = frozenset(
    {
        "invalid_auth",
        "not_authed",
        "account_inactive",
        "token_revoked",
        "token_expired",
        "not_allowed_token_type",
    }
)


class TokenRefused(Exception):
    """Slack refused the token held in `setting`, saying `error`."""

    def __init__(self, setting: str, error: str) -> None:
        super().__init__(f"{setting}: {error}")
        self.setting, self.error = setting, error


async def check_tokens(client: AsyncWebClient, app_token: str | None) -> None:
    """Raise TokenRefused for the first token Slack refuses; carry on if Slack can't be reached.

    A client without a token (workspaces install the app) has no bot token to check.
    """
    if client.token:
        await _ask("SLACK_BOT_TOKEN", client.auth_test())
    if app_token:
        await _ask("SLACK_APP_TOKEN", client.apps_connections_open(app_token=app_token))


async def _ask(setting: str, call: Awaitable[AsyncSlackResponse]) -> None:
    try:
        await call
    except SlackApiError as error:
        reason = str(error.response.get("error", ""))
        if reason in REFUSALS:
            raise TokenRefused(setting, reason) from None
        logger.warning("could not check %s at start: %s", setting, reason)
    except (aiohttp.ClientError, OSError) as error:
        # Slack is unreachable for now: the clients retry, so starting is still right.
        logger.warning("could not reach Slack to check %s: %s", setting, type(error).__name__)


async def count_unknown(client: AsyncWebClient, ids: list[str]) -> int:
    """How many of the ids Slack knows no one by (a typo, someone who left); 0 if unreachable.

    A count, not the ids, so the start-up line names no one.
    """
    unknown = 0
    for person in ids:
        try:
            await client.users_info(user=person)
        except SlackApiError as error:
            unknown += error.response.get("error") == "user_not_found"
        except (aiohttp.ClientError, OSError):
            return 0  # Slack can't be reached: nothing can be said either way
    return unknown
