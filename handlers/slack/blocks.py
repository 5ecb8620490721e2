"""Pure builders from neutral cards to Block Kit, using slack_sdk.models."""

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

from bot.messages import Button, ButtonStyle, Card

# Slack caps a section's text at 3000 characters and a message at 50 blocks.
SECTION_LIMIT = 3000
ACTIONS_LIMIT = 25


def build_card_blocks(card: Card) -> list[Block]:
    """Sections for paragraphs, one actions row for buttons, a context line for the footnote."""
    blocks: list[Block] = [
        SectionBlock(text=MarkdownTextObject(text=paragraph[:SECTION_LIMIT]))
        for paragraph in card.paragraphs or (card.text,)
    ]
    if card.buttons:
        elements = [build_button(button) for button in card.buttons[:ACTIONS_LIMIT]]
        blocks.append(ActionsBlock(elements=elements))
    if card.footnote:
        blocks.append(ContextBlock(elements=[MarkdownTextObject(text=card.footnote)]))
    return blocks


def build_button(button: Button) -> ButtonElement:
    style = None if button.style is ButtonStyle.PLAIN else button.style.value
    return ButtonElement(
        text=button.label, action_id=button.action, value=button.value or None, style=style
    )


def build_home_view(card: Card) -> View:
    """The App Home tab: a header, then the card."""
    blocks: list[Block] = [HeaderBlock(text=card.text), DividerBlock(), *build_card_blocks(card)]
    return View(type="home", blocks=blocks)


def to_payload(blocks: list[Block]) -> list[dict[str, object]]:
    """Block Kit JSON; to_dict() also runs slack_sdk's own length checks."""
    return [block.to_dict() for block in blocks]
