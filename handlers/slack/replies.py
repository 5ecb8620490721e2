"""Private replies: a card rendered as an ephemeral response."""

from typing import Any

from bot.outgoing.messages import Card
from handlers.slack.blocks import build_cards_blocks, to_payload


def ephemeral(*cards: Card, replace: bool = False) -> dict[str, Any]:
    """Arguments for ack() or respond() that show `cards` only to the person who acted."""
    reply: dict[str, Any] = {
        "text": cards[0].text,
        "blocks": to_payload(build_cards_blocks(list(cards))),
        "response_type": "ephemeral",
    }
    if replace:
        reply["replace_original"] = True
    return reply


def in_conversation(card: Card) -> dict[str, Any]:
    """Arguments for respond() that post `card` for everyone in the conversation to see."""
    return {
        "text": card.text,
        "blocks": to_payload(build_cards_blocks([card])),
        "response_type": "in_channel",
        "replace_original": False,
    }
