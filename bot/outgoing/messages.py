"""Neutral outgoing messages and forms; adapters render them for their platform."""

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
class Paragraph:
    text: str
    # A person's own words (a note, words shared): shown as written, never read as markup.
    verbatim: bool = False


@dataclass(frozen=True)
class ButtonRow:
    buttons: tuple[Button, ...]


@dataclass(frozen=True)
class Note:
    """Small print under a message."""

    text: str


Part = Paragraph | ButtonRow | Note


@dataclass(frozen=True)
class Card:
    """A message: a one-line fallback (notifications, screen readers) and its parts."""

    text: str
    parts: tuple[Part, ...] = ()
    # An opaque name the platform keeps with the post, where it can, to find it again.
    tag: str | None = None

    @classmethod
    def plain(cls, text: str) -> "Card":
        return cls(text=text, parts=(Paragraph(text),))


@dataclass(frozen=True)
class Sent:
    """Where a message went, so it can be updated later."""

    conversation: str
    message_id: str


@dataclass(frozen=True)
class Attachment:
    """A file sent to someone: a chart or an export."""

    filename: str
    content: bytes
    title: str
    comment: str
    alt: str = ""  # a picture in words, for screen readers


class FieldKind(StrEnum):
    ONE_OF = "one_of"
    SOME_OF = "some_of"
    TIME = "time"
    TEXT = "text"
    PERSON = "person"  # one person of the workspace; the value is their id
    DATE = "date"  # YYYY-MM-DD


@dataclass(frozen=True)
class Choice:
    value: str
    label: str


@dataclass(frozen=True)
class FormField:
    """One input; `initial` is a value, or several values for SOME_OF."""

    name: str
    label: str
    kind: FieldKind
    choices: tuple[Choice, ...] = ()
    initial: tuple[str, ...] = ()
    hint: str | None = None
    optional: bool = False
    max_length: int = 200
    multiline: bool = False


@dataclass(frozen=True)
class Form:
    """A dialog; `context` travels with it and comes back on submit."""

    form_id: str
    title: str
    submit: str
    cancel: str
    fields: tuple[FormField, ...]
    context: str = ""
    intro: str | None = None
    buttons: tuple[Button, ...] = ()  # shown under the intro, e.g. "I'm not safe right now"


FormValues = dict[str, str | tuple[str, ...]]


def first_value(values: FormValues, name: str) -> str | None:
    """A field's value, or the first of several; None when empty."""
    value = values.get(name)
    if isinstance(value, tuple):
        return value[0] if value else None
    return value


class FieldErrors(Exception):
    """A submitted form with problems: field name -> message to show beside it."""

    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors
