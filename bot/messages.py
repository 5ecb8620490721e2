"""Neutral outgoing messages: what to say, which buttons to offer; adapters render them."""

from dataclasses import dataclass
from enum import StrEnum


class ButtonStyle(StrEnum):
    PLAIN = "plain"
    PRIMARY = "primary"
    DANGER = "danger"


@dataclass(frozen=True)
class Button:
    """A button; `action` is a stable identifier the adapter routes back to a service."""

    label: str
    action: str
    value: str = ""
    style: ButtonStyle = ButtonStyle.PLAIN


@dataclass(frozen=True)
class Card:
    """A short message: a fallback line, paragraphs, buttons and an optional footnote."""

    text: str
    paragraphs: tuple[str, ...] = ()
    buttons: tuple[Button, ...] = ()
    footnote: str | None = None
