"""Pure builders between neutral forms and Slack modals."""

from typing import Any

from slack_sdk.models.blocks import (
    ActionsBlock,
    CheckboxesElement,
    DatePickerElement,
    InputBlock,
    Option,
    OptionGroup,
    PlainTextInputElement,
    SectionBlock,
    StaticMultiSelectElement,
    StaticSelectElement,
    TimePickerElement,
    UserSelectElement,
)
from slack_sdk.models.blocks.basic_components import MarkdownTextObject
from slack_sdk.models.views import View

from bot.outgoing.messages import Card, FieldKind, Form, FormField, FormValues
from handlers.slack.blocks import build_button, build_card_blocks

# Slack's checkboxes hold at most 10 options; more become a multi-select menu, which holds
# 100 options, or 100 groups of 100.
CHECKBOXES_LIMIT = 10
MENU_LIMIT = 100


def build_modal(form: Form) -> View:
    """The form as a modal; its sealed context rides in private_metadata."""
    blocks: list[Any] = []
    if form.intro:
        blocks.append(SectionBlock(text=MarkdownTextObject(text=form.intro)))
    if form.buttons:
        blocks.append(
            ActionsBlock(elements=[build_button(b, i) for i, b in enumerate(form.buttons)])
        )
    blocks.extend(
        InputBlock(
            block_id=field.name,
            label=field.label,
            element=_element(field),
            hint=field.hint,
            optional=field.optional,
        )
        for field in form.fields
    )
    return View(
        type="modal",
        callback_id=form.form_id,
        title=form.title,
        submit=form.submit,
        close=form.cancel,
        private_metadata=form.context,
        blocks=blocks,
    )


def build_notice(title: str, close: str, card: Card) -> View:
    """A modal that only informs (no inputs, no submit), e.g. crisis resources."""
    return View(type="modal", title=title, close=close, blocks=build_card_blocks(card))


def _element(field: FormField) -> Any:
    options = [Option(value=choice.value, label=choice.label) for choice in field.choices]
    initial = [option for option in options if option.value in field.initial]
    action_id = field.name
    match field.kind:
        case FieldKind.ONE_OF:
            return StaticSelectElement(
                action_id=action_id, options=options, initial_option=initial[0] if initial else None
            )
        case FieldKind.SOME_OF if len(options) > MENU_LIMIT:
            return StaticMultiSelectElement(
                action_id=action_id, option_groups=_groups(options), initial_options=initial or None
            )
        case FieldKind.SOME_OF if len(options) > CHECKBOXES_LIMIT:
            return StaticMultiSelectElement(
                action_id=action_id, options=options, initial_options=initial or None
            )
        case FieldKind.SOME_OF:
            return CheckboxesElement(
                action_id=action_id, options=options, initial_options=initial or None
            )
        case FieldKind.TIME:
            return TimePickerElement(
                action_id=action_id, initial_time=field.initial[0] if field.initial else None
            )
        case FieldKind.PERSON:
            return UserSelectElement(action_id=action_id, initial_user=_first(field))
        case FieldKind.DATE:
            return DatePickerElement(action_id=action_id, initial_date=_first(field))
        case FieldKind.TEXT:
            return PlainTextInputElement(
                action_id=action_id,
                initial_value=field.initial[0] if field.initial else None,
                max_length=field.max_length,
                multiline=field.multiline,
            )


def _groups(options: list[Option]) -> list[OptionGroup]:
    """Options in groups of 100, each named by its first and last label."""
    groups = []
    for start in range(0, len(options), MENU_LIMIT):
        part = options[start : start + MENU_LIMIT]
        name = f"{part[0].label} – {part[-1].label}"
        groups.append(OptionGroup(label=name[:75], options=part))
    return groups


def _first(field: FormField) -> str | None:
    return field.initial[0] if field.initial else None


def read_metadata(view: dict[str, Any]) -> str:
    """The form's sealed context, as build_modal put it in private_metadata (the core checks
    it: Slack hands it back, but nothing here trusts it)."""
    return str(view.get("private_metadata") or "")


def read_form_values(state_values: dict[str, dict[str, dict[str, Any]]]) -> FormValues:
    """Flatten Slack's view.state.values into field name -> value(s)."""
    values: FormValues = {}
    for block_id, actions in state_values.items():
        for element in actions.values():
            kind = element.get("type")
            if kind in ("checkboxes", "multi_static_select"):
                chosen = element.get("selected_options") or []
                values[block_id] = tuple(option["value"] for option in chosen)
            elif kind == "static_select":
                selected = element.get("selected_option")
                values[block_id] = selected["value"] if selected else ""
            elif kind == "timepicker":
                values[block_id] = element.get("selected_time") or ""
            elif kind == "users_select":
                values[block_id] = element.get("selected_user") or ""
            elif kind == "datepicker":
                values[block_id] = element.get("selected_date") or ""
            else:
                values[block_id] = element.get("value") or ""
    return values
