"""What Slack's profile tells us about a person: only their time zone."""

from slack_sdk.web.async_client import AsyncWebClient

DEFAULT_TIMEZONE = "UTC"


async def timezone_of(client: AsyncWebClient, user_id: str) -> str:
    """The person's time zone (users.info), as a form's default; UTC if Slack can't say."""
    try:
        profile = await client.users_info(user=user_id)
    except Exception:
        return DEFAULT_TIMEZONE
    user = profile.get("user") or {}
    return str(user.get("tz") or DEFAULT_TIMEZONE)
