"""Pure builders from neutral cards to Block Kit, using slack_sdk.models."""

import re
from collections.abc import Iterable

from slack_sdk.models.blocks import (
    ActionsBlock,
    Block,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    MarkdownTextObject,
    SectionBlock,
)
from slack_sdk.models.views import View

from bot.outgoing.messages import Button, ButtonRow, ButtonStyle, Card, Note, Paragraph

# Slack caps a section's text at 3000 characters and an actions block at 25 elements.
SECTION_LIMIT = 3000
ACTIONS_LIMIT = 25
_ENTITIES = {"&": "&amp;", "<": "&lt;", ">": "&gt;"}


def build_card_blocks(card: Card) -> list[Block]:
    """A section per paragraph, an actions block per button row, a context block per note."""
    blocks: list[Block] = []
    for part in card.parts or (Paragraph(card.text),):
        match part:
            case Paragraph(text=text, verbatim=True):
                literal = escape_mrkdwn(text, SECTION_LIMIT)
                blocks.append(SectionBlock(text=MarkdownTextObject(text=literal)))
            case Paragraph(text=text):
                blocks.append(SectionBlock(text=MarkdownTextObject(text=text[:SECTION_LIMIT])))
            case ButtonRow(buttons=buttons):
                elements = [
                    build_button(button, index)
                    for index, button in enumerate(buttons[:ACTIONS_LIMIT])
                ]
                blocks.append(ActionsBlock(elements=elements))
            case Note(text=text):
                blocks.append(ContextBlock(elements=[MarkdownTextObject(text=text)]))
    return blocks


def escape_mrkdwn(text: str, limit: int) -> str:
    """A person's words as Slack shows them literally (no link, mention or @channel): &, < and
    > as entities, cut at `limit` characters without splitting one."""
    out, size = [], 0
    for char in text:
        piece = _ENTITIES.get(char, char)
        if size + len(piece) > limit:
            break
        out.append(piece)
        size += len(piece)
    return "".join(out)


def build_cards_blocks(cards: list[Card]) -> list[Block]:
    """Several cards in one message, divided."""
    blocks: list[Block] = []
    for index, card in enumerate(cards):
        if index:
            blocks.append(DividerBlock())
        blocks.extend(build_card_blocks(card))
    return blocks


def build_button(button: Button, index: int = 0) -> ButtonElement:
    """Slack wants action ids unique within a block, so the position is appended."""
    style = None if button.style is ButtonStyle.PLAIN else button.style.value
    return ButtonElement(
        text=button.label,
        action_id=f"{button.action}#{index}",
        value=button.value or None,
        style=style,
    )


def action_pattern(actions: Iterable[str]) -> re.Pattern[str]:
    """Matches the action ids build_button makes for any of `actions`."""
    return re.compile(rf"^(?:{'|'.join(re.escape(action) for action in actions)})#\d+$")


def build_home_view(title: str, cards: list[Card]) -> View:
    """The App Home tab: a header, then the cards."""
    return View(type="home", blocks=[HeaderBlock(text=title), *build_cards_blocks(cards)])


def to_payload(blocks: list[Block]) -> list[dict[str, object]]:
    """Block Kit JSON; to_dict() also runs slack_sdk's own length checks."""
    return [block.to_dict() for block in blocks]
