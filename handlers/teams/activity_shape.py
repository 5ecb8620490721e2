"""The shape of the activity fields the Teams adapter reads.

Teams always sends them with these types; the listeners index them without checking, and ids
and names go into the database and to the Bot Connector. An activity whose fields have other
types, control characters, text the database can't take (NUL, a lone surrogate), or ids far
longer than Teams' own is refused with a 400 before the SDK or a listener sees it. What the
values say is the listeners' business; other fields may be anything.
"""

from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, TypeAdapter, ValidationError

from bot.process.json_body import has_storable_text

# Teams' ids ("29:…", "19:…@thread.tacv2;messageid=…", "a:…") are a few dozen to about 150
# characters; tenant and object ids are GUIDs. The limits leave a wide margin.
_PRINTABLE = r"^[^\x00-\x1f\x7f]*$"
Id = Annotated[str, StringConstraints(max_length=512, pattern=_PRINTABLE)]
Guid = Annotated[str, StringConstraints(max_length=64, pattern=_PRINTABLE)]
Name = Annotated[str, StringConstraints(max_length=1024, pattern=_PRINTABLE)]
# A message's id (epoch milliseconds; "f:…" for events) keys its delivery record
# (processed_deliveries.delivery_id, 128 characters).
ActivityId = Annotated[str, StringConstraints(max_length=128, pattern=_PRINTABLE)]


class _Shape(BaseModel):
    model_config = ConfigDict(extra="allow", strict=True)


class _Account(_Shape):
    id: Id | None = None
    name: Name | None = None
    aadObjectId: Guid | None = None


class _Conversation(_Shape):
    id: Id | None = None
    conversationType: Name | None = None
    tenantId: Guid | None = None
    name: Name | None = None


class _Ref(_Shape):
    id: Id | None = None
    name: Name | None = None


class _ChannelData(_Shape):
    tenant: _Ref | None = None
    channel: _Ref | None = None
    team: _Ref | None = None
    eventType: Name | None = None


class _Entity(_Shape):
    type: Name | None = None
    timezone: Name | None = None


class _Action(_Shape):
    data: dict[str, Any] | None = None


class _InvokeValue(_Shape):
    """A card button's (action.data) or a dialog's (data) values."""

    action: _Action | None = None
    data: dict[str, Any] | None = None


class _Activity(_Shape):
    type: Name
    id: ActivityId | None = None
    name: Name | None = None
    text: str | None = None
    action: Name | None = None
    sender: _Account | None = Field(default=None, alias="from")
    conversation: _Conversation | None = None
    channelData: _ChannelData | None = None
    entities: list[_Entity] | None = None
    membersAdded: list[_Account] | None = None
    membersRemoved: list[_Account] | None = None


class _Invoke(_Activity):
    value: _InvokeValue | None = None


_ACTIVITY, _INVOKE = TypeAdapter(_Activity), TypeAdapter(_Invoke)


def has_teams_shape(body: dict[str, Any]) -> bool:
    """Whether the fields read downstream have the types and sizes Teams sends."""
    shape = _INVOKE if body.get("type") == "invoke" else _ACTIVITY
    try:
        shape.validate_python(body)
    except ValidationError:
        return False
    return has_storable_text(body)
