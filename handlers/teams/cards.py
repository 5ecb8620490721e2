"""Pure builders from neutral cards and forms to Adaptive Card 1.5 JSON, and back for dialogs."""

import base64
import re
from typing import Any

from bot.outgoing.messages import (
    Button,
    ButtonRow,
    ButtonStyle,
    Card,
    FieldKind,
    Form,
    FormField,
    FormValues,
    Note,
    Paragraph,
)

JSON = dict[str, Any]

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
CARD_VERSION = "1.5"

_ACTION_STYLES = {ButtonStyle.PRIMARY: "positive", ButtonStyle.DANGER: "destructive"}
_INPUT_TYPES = {
    FieldKind.ONE_OF: "Input.ChoiceSet",
    FieldKind.SOME_OF: "Input.ChoiceSet",
    FieldKind.TIME: "Input.Time",
    FieldKind.TEXT: "Input.Text",
    FieldKind.PERSON: "Input.ChoiceSet",
    FieldKind.DATE: "Input.Date",
}
# Teams fills a choice set from Microsoft Graph's users: a people picker, whose value is
# the person's Entra object id (Wellspring's id for a person on Teams).
PEOPLE_PICKER = {"type": "Data.Query", "dataset": "graph.microsoft.com/users"}

# The core writes Slack's markup. Teams' TextBlock markdown reads one asterisk as italic,
# wants [label](url) links, and treats a lone newline as a space outside lists.
# A character after a backslash is literal (escape_markdown): no rule below starts there.
_CODE_SPAN = re.compile(r"((?<!\\)`[^`\n]*`)")
_LINK = re.compile(r"(?<!\\)<((?:https?|mailto|tel):[^|>\s]+)\|([^>\n]+)>")
_BARE_LINK = re.compile(r"(?<!\\)<((?:https?|mailto|tel):[^|>\s]+)>")
_BOLD = re.compile(r"(?<![\w*\\])\*(?=\S)((?:\\.|[^*\n\\])+?)(?<=\S)\*(?![\w*])")
_LONE_NEWLINE = re.compile(r"(?<!\n)\n(?!\n|[-*] |\d+\. )")
# Markdown's punctuation in text from people or the platform (names, notes, a file's text);
# at a line's start also what would begin a list.
_MARKUP = re.compile(r"[\\`*_\[\]()<>~#|!]")
_LINE_START = re.compile(r"^(\s*\d*)([-+.])", re.MULTILINE)
# Slack's markup as Teams shows no markup at all (an Adaptive Card's fallbackText).
_ITALIC = re.compile(r"(?<![\w\\])_(?=\S)([^_\n]+?)(?<=\S)_(?!\w)")
_CODE = re.compile(r"(?<!\\)`([^`\n]*)`")


def to_teams_markdown(text: str) -> str:
    """Slack-style `*bold*`, `<url|label>` and line breaks as Teams' TextBlock markdown."""
    pieces = _CODE_SPAN.split(text)
    for index in range(0, len(pieces), 2):  # odd pieces are `code`: left as typed
        piece = _LINK.sub(r"[\2](\1)", pieces[index])
        piece = _BARE_LINK.sub(r"\1", piece)
        pieces[index] = _BOLD.sub(r"**\1**", piece)
    return _LONE_NEWLINE.sub("\n\n", "".join(pieces))


def plain_text(text: str) -> str:
    """Slack-style `*bold*`, `_italic_`, `<url|label>` and code spans as plain words."""
    text = _LINK.sub(r"\2 (\1)", text)
    text = _BARE_LINK.sub(r"\1", text)
    text = _BOLD.sub(r"\1", text)
    text = _ITALIC.sub(r"\1", text)
    return _CODE.sub(r"\1", text)


def escape_markdown(text: str) -> str:
    """Text from a person or the platform, shown literally: no link, emphasis or list."""
    escaped = _MARKUP.sub(lambda found: "\\" + found.group(), text)
    return _LINE_START.sub(lambda found: found.group(1) + "\\" + found.group(2), escaped)


def name_for_markdown(name: str) -> str:
    """A person's, team's or channel's name inside a card's text: one line, shown literally."""
    return escape_markdown(" ".join(name.split()))


def build_card(card: Card) -> JSON:
    """One neutral card; `card.text` becomes the fallback (and serves as the activity summary)."""
    return _adaptive_card(_card_body(card), fallback=card.text)


def build_cards(cards: list[Card]) -> JSON:
    """Several cards as one, each after the first set off by a separator line."""
    body: list[JSON] = []
    for card in cards:
        elements = _card_body(card)
        if body and elements:
            elements[0] = {**elements[0], "separator": True, "spacing": "medium"}
        body.extend(elements)
    return _adaptive_card(body, fallback="\n\n".join(card.text for card in cards))


def build_dialog(
    form: Form, errors: dict[str, str] | None = None, values: FormValues | None = None
) -> JSON:
    """A dialog's card; `errors` are shown beside their fields, `values` refill what was typed.

    Teams draws the dialog's title (see dialog_response) and its close button itself, so
    `form.title` and `form.cancel` do not appear in the card.
    """
    errors = errors or {}
    body: list[JSON] = []
    if form.intro:
        body.append(_text(form.intro))
    if form.buttons:
        # No inputs travel with these, so required fields never block them.
        actions = [_submit(b.label, _button_data(b), b.style, inputs="none") for b in form.buttons]
        body.append({"type": "ActionSet", "actions": actions})
    names = {field.name for field in form.fields}
    body.extend(_error(text) for name, text in errors.items() if name not in names)
    for field in form.fields:
        body.append(_input(field, _initial(field, values), errors.get(field.name)))
        if field.name in errors:
            body.append(_error(errors[field.name]))
        if field.hint:
            body.append(_text(field.hint, size="small", isSubtle=True, spacing="small"))
    submit = _submit(
        form.submit, {"form_id": str(form.form_id), "context": form.context}, ButtonStyle.PRIMARY
    )
    return _adaptive_card(body, fallback=form.title, actions=[submit])


def read_dialog_values(form_fields: tuple[FormField, ...], data: dict[str, Any]) -> FormValues:
    """A submitted dialog's inputs by field name; a multi-select ("a,b") becomes a tuple."""
    values: FormValues = {}
    for field in form_fields:
        raw = data.get(field.name)
        if field.kind is FieldKind.SOME_OF:
            values[field.name] = _several(raw)
        elif isinstance(raw, str):
            values[field.name] = raw
    return values


def build_image_card(title: str, png: bytes, alt: str) -> JSON:
    """A title and a PNG carried inside the card as a data URI (how charts reach Teams)."""
    url = "data:image/png;base64," + base64.b64encode(png).decode("ascii")
    body = [_text(title, weight="bolder"), {"type": "Image", "url": url, "altText": alt}]
    card = _adaptive_card(body, fallback=title)
    card["msteams"] = {"width": "Full"}  # a chart needs the room
    return card


def build_text_file_card(title: str, comment: str, content: bytes) -> JSON:
    """A file's text (an export) shown to copy, since Teams takes no files from a bot here."""
    body = [
        _text(title, weight="bolder"),
        _text(comment, size="small", isSubtle=True),
        {
            "type": "TextBlock",
            "text": escape_markdown(content.decode("utf-8")),
            "wrap": True,
            "fontType": "monospace",
        },
    ]
    return _adaptive_card(body, fallback=title)


def card_attachment(card: JSON) -> JSON:
    """An activity attachment holding an Adaptive Card."""
    return {"contentType": CARD_CONTENT_TYPE, "content": card}


def dialog_response(title: str, card: JSON) -> JSON:
    """The reply to task/fetch or task/submit that shows (or replaces) a dialog."""
    return {"task": {"type": "continue", "value": {"title": title, "card": card_attachment(card)}}}


def dialog_message(text: str) -> JSON:
    """The reply to task/fetch that shows a short message instead of a dialog."""
    return {"task": {"type": "message", "value": text}}


def dialog_close() -> JSON:
    """The reply to task/submit that closes the dialog: an empty body with status 200."""
    return {}


def execute_response(card: JSON) -> JSON:
    """The reply to an adaptiveCard/action invoke: the card that replaces the clicked one."""
    return {"statusCode": 200, "type": CARD_CONTENT_TYPE, "value": card}


def _adaptive_card(body: list[JSON], fallback: str, actions: list[JSON] | None = None) -> JSON:
    card: JSON = {
        "type": "AdaptiveCard",
        "version": CARD_VERSION,
        "fallbackText": plain_text(fallback),
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _card_body(card: Card) -> list[JSON]:
    body: list[JSON] = []
    for part in card.parts or (Paragraph(card.text),):
        match part:
            case Paragraph(text=text, verbatim=True):
                words = _LONE_NEWLINE.sub("\n\n", escape_markdown(text))
                body.append({"type": "TextBlock", "text": words, "wrap": True})
            case Paragraph(text=text):
                body.append(_text(text))
            case Note(text=text):
                body.append(_text(text, size="small", isSubtle=True))
            case ButtonRow(buttons=buttons) if buttons:
                body.append({"type": "ActionSet", "actions": [_execute(b) for b in buttons]})
    return body


def _text(text: str, **style: Any) -> JSON:
    return {"type": "TextBlock", "text": to_teams_markdown(text), "wrap": True, **style}


def _error(text: str) -> JSON:
    return _text(text, color="attention", size="small", spacing="small")


def _execute(button: Button) -> JSON:
    """A button on a message: Action.Execute, so Teams sends an adaptiveCard/action invoke."""
    action: JSON = {
        "type": "Action.Execute",
        "title": button.label,
        "verb": str(button.action),
        "data": _button_data(button),
    }
    return _styled(action, button.style)


def _submit(title: str, data: JSON, style: ButtonStyle, inputs: str | None = None) -> JSON:
    """A button in a dialog: Action.Submit, which Teams sends as task/submit."""
    action: JSON = {"type": "Action.Submit", "title": title, "data": data}
    if inputs:
        action["associatedInputs"] = inputs
    return _styled(action, style)


def _styled(action: JSON, style: ButtonStyle) -> JSON:
    if style in _ACTION_STYLES:
        action["style"] = _ACTION_STYLES[style]
    return action


def _button_data(button: Button) -> JSON:
    # str(): the core passes Action members; the JSON wants their plain values.
    return {"action": str(button.action), "value": button.value}


def _input(field: FormField, initial: tuple[str, ...], error: str | None) -> JSON:
    element: JSON = {
        "type": _INPUT_TYPES[field.kind],
        "id": field.name,
        "label": field.label,
        "isRequired": not field.optional,
    }
    if error:
        element["errorMessage"] = error
    match field.kind:
        case FieldKind.ONE_OF:
            element |= {"style": "compact", "choices": _choices(field)}
        case FieldKind.SOME_OF:
            element |= {"style": "expanded", "isMultiSelect": True, "choices": _choices(field)}
        case FieldKind.PERSON:
            element |= {"choices": [], "choices.data": PEOPLE_PICKER}
        case FieldKind.TEXT:
            element["maxLength"] = field.max_length
            if field.multiline:
                element["isMultiline"] = True
    if initial:
        # A multi-select's value is its choices joined by commas, as Teams sends it back.
        element["value"] = ",".join(initial) if field.kind is FieldKind.SOME_OF else initial[0]
    return element


def _choices(field: FormField) -> list[JSON]:
    return [{"title": choice.label, "value": choice.value} for choice in field.choices]


def _initial(field: FormField, values: FormValues | None) -> tuple[str, ...]:
    """What a field shows first: what was submitted, when given, else the form's default."""
    if values is None or field.name not in values:
        return field.initial
    value = values[field.name]
    if isinstance(value, tuple):
        return value
    return (value,) if value else ()


def _several(raw: Any) -> tuple[str, ...]:
    if isinstance(raw, str):
        return tuple(part.strip() for part in raw.split(",") if part.strip())
    if isinstance(raw, list):
        return tuple(str(item) for item in raw)
    return ()
