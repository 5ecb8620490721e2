"""Direct messages to the bot: each gets a private answer; what was written is never kept."""

from collections.abc import Callable
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bot.services import Services
from handlers.slack.blocks import build_card_blocks, to_payload
from handlers.slack.listeners import Listener

# A person writing (alone, with a file, or into a thread), not an edit, a deletion or a post
# by a bot, which arrive as message events too.
WRITTEN_BY_A_PERSON = frozenset({None, "file_share", "thread_broadcast"})


def register_messages(
    app: AsyncApp,
    services: Services,
    guard: Callable[[Listener], Listener],
) -> None:
    @guard
    async def on_direct_message(event: dict[str, Any], client: AsyncWebClient) -> None:
        # Only where it goes is read from the event: never its text, never who wrote it.
        if not is_a_persons_direct_message(event):
            return
        card = services.help.answer_message()
        thread = {"thread_ts": event["thread_ts"]} if event.get("thread_ts") else {}
        await client.chat_postMessage(
            channel=str(event["channel"]),
            text=card.text,
            blocks=to_payload(build_card_blocks(card)),
            **thread,
        )

    # Every message event is matched, even the ones ignored: an unmatched event gets a 404,
    # which Slack retries and counts against the app.
    app.event("message")(on_direct_message)


def is_a_persons_direct_message(event: dict[str, Any]) -> bool:
    """A person wrote to the bot in their DM with it (bots, the bot itself included, never)."""
    return (
        event.get("channel_type") == "im"
        and bool(event.get("channel"))
        and bool(event.get("user"))
        and not event.get("bot_id")
        and not event.get("bot_profile")
        and event.get("subtype") in WRITTEN_BY_A_PERSON
    )
