"""The shape of the Slack payload fields that Bolt and our listeners read.

Slack always sends them with these types; Bolt's matchers and context builders index them
without checking, and ids go into columns of a fixed width and to Slack's API. A signed body
whose fields have other types, ids unlike Slack's, or text the database can't store (NUL) is
refused before Bolt sees it, so it gets a 400 instead of a crash. What the values say is the
listeners' business; other fields may be anything.
"""

from typing import Annotated, Any

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    StringConstraints,
    TypeAdapter,
    ValidationError,
    field_validator,
)

from bot.process.json_body import has_storable_text

# Slack's ids (T…, U…, C…, Ev…) are letters and digits, about a dozen of them; the limits leave
# a wide margin and still fit the database's id columns.
Id = Annotated[str, StringConstraints(max_length=40, pattern=r"^[A-Za-z0-9]*$")]
EventId = Annotated[str, StringConstraints(max_length=100, pattern=r"^[A-Za-z0-9]*$")]
# A trigger id ("13345224609.738474920.8088930838d88f008e0") also keys a command's delivery
# record (processed_deliveries.delivery_id, 128 characters).
TriggerId = Annotated[str, StringConstraints(min_length=1, max_length=100, pattern=r"^[!-~]*$")]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Ref(_Shape):
    """A user, team, channel or enterprise given as an object."""

    id: Id | None = None
    team_id: Id | None = None
    enterprise_id: Id | None = None


class _Person(_Ref):
    """Who clicked or submitted: Slack always says."""

    id: Id = Field(min_length=1)


class _Authorization(_Shape):
    enterprise_id: Id | None = None
    team_id: Id | None = None
    user_id: Id | None = None
    is_enterprise_install: bool | None = None


class _Event(_Shape):
    type: str
    user: Id | _Ref | None = None
    channel: Id | _Ref | None = None
    channel_type: str | None = None
    subtype: str | None = None
    tab: str | None = None
    thread_ts: str | None = None
    bot_id: str | None = None
    user_team: Id | None = None
    team: Id | None = None


class _AnyView(_Shape):
    """Any payload's view, which Bolt reads to describe a request it has no listener for."""

    type: str | None = None
    callback_id: str | None = None


class _ResponseUrl(_Shape):
    response_url: str


class _Envelope(_Shape):
    """Fields every kind of payload may carry, which Bolt reads to find the workspace."""

    type: str | None = None
    team_id: Id | None = None
    user_id: Id | None = None
    channel_id: Id | None = None
    enterprise_id: Id | None = None
    event_id: EventId | None = None
    response_url: str | None = None
    # A form sends one at most; with more, Bolt fails while reading the request (1.x).
    response_urls: Annotated[list[_ResponseUrl], Field(max_length=1)] = []
    thread_ts: str | None = None
    trigger_id: TriggerId | None = None
    command: str | None = None
    text: str | None = None
    user: _Ref | None = None
    team: _Ref | None = None
    channel: _Ref | None = None
    enterprise: _Ref | None = None
    container: dict[str, Any] | None = None
    message: dict[str, Any] | None = None
    authorizations: list[_Authorization] | None = None
    # A slash command is a form, so its flags are the strings "true" and "false".
    is_enterprise_install: bool | str | None = None
    is_ext_shared_channel: bool | str | None = None
    # Absent, or an object: Bolt's own middleware reads these whatever the payload's type.
    event: _Event | None = None
    view: _AnyView | None = None

    @field_validator("event", "view", mode="before")
    @classmethod
    def _not_null(cls, value: object) -> object:
        if value is None:  # only a value that is there is checked, so null is refused
            raise ValueError("null where Slack sends an object")
        return value


class _Command(_Envelope):
    command: str
    user_id: Id = Field(min_length=1)
    trigger_id: TriggerId


class _Action(_Shape):
    action_id: str
    block_id: str | None = None
    value: str | None = None


class _BlockActions(_Envelope):
    user: _Person
    trigger_id: TriggerId
    actions: list[_Action] = Field(min_length=1)


class _Option(_Shape):
    value: str


class _Element(_Shape):
    """One input of a submitted modal, as view.state.values holds it."""

    type: str | None = None
    value: str | None = None
    selected_option: _Option | None = None
    selected_options: list[_Option] | None = None
    selected_time: str | None = None
    selected_date: str | None = None
    selected_user: Id | None = None


class _State(_Shape):
    values: dict[str, dict[str, _Element]]


class _View(_AnyView):
    type: str
    callback_id: str
    # Slack keeps at most 3,000 characters of it.
    private_metadata: Annotated[str, StringConstraints(max_length=3000)] | None = None
    team_id: Id | None = None
    app_installed_team_id: Id | None = None
    state: _State | None = None


class _ViewPayload(_Envelope):
    view: _View


class _SubmittedView(_View):
    state: _State


class _ViewSubmission(_Envelope):
    user: _Person
    trigger_id: TriggerId
    view: _SubmittedView


class _EventCallback(_Envelope):
    event: _Event


_SHAPES: dict[str, TypeAdapter[Any]] = {
    "block_actions": TypeAdapter(_BlockActions),
    "view_submission": TypeAdapter(_ViewSubmission),
    "view_closed": TypeAdapter(_ViewPayload),
    "event_callback": TypeAdapter(_EventCallback),
}
_ANY = TypeAdapter(_Envelope)
_COMMAND = TypeAdapter(_Command)


def has_slack_shape(body: dict[str, Any]) -> bool:
    """Whether the fields read downstream have the types Slack sends them with, and every
    text can be stored (bot.process.json_body.has_storable_text: a button's value becomes a query's
    parameter)."""
    if not has_storable_text(body):
        return False
    kind = body.get("type")
    shape = _SHAPES.get(kind, _ANY) if isinstance(kind, str) else _ANY
    if "command" in body:
        shape = _COMMAND
    try:
        shape.validate_python(body)
    except ValidationError:
        return False
    return True
