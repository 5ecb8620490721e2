"""Shared steps for debrief tests: sign up peers, ask for a debrief, read offers and replies."""

import json
from typing import Any

from bootstrap import Wellspring
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


def volunteer_values(
    *,
    capacity: str = "2",
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    start: str | None = None,
    end: str | None = None,
    timezone: str = "UTC",
) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values of the volunteer modal, as Slack sends them."""
    return {
        "capacity": {"capacity": {"type": "static_select", "selected_option": {"value": capacity}}},
        "days": {"days": {"type": "checkboxes", "selected_options": [{"value": d} for d in days]}},
        "start": {"start": {"type": "timepicker", "selected_time": start}},
        "end": {"end": {"type": "timepicker", "selected_time": end}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": timezone}},
    }


def request_values(
    *,
    kind: str = "hard_case",
    urgency: str = "today",
    preference: str = "anyone",
    note: str | None = None,
    consent: bool = False,
) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values of the debrief request modal."""

    def select(value: str) -> dict[str, Any]:
        return {"type": "static_select", "selected_option": {"value": value}}

    chosen = [{"value": "yes"}] if consent else []
    return {
        "kind": {"kind": select(kind)},
        "urgency": {"urgency": select(urgency)},
        "preference": {"preference": select(preference)},
        "note": {"note": {"type": "plain_text_input", "value": note}},
        "consent": {"consent": {"type": "checkboxes", "selected_options": chosen}},
    }


async def sign_up(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, person: str, **values: Any
) -> None:
    """/debrief volunteer, then submit the modal it opened."""
    opened = len(fake.calls_to("views.open"))
    await slack.command("/debrief", "volunteer", user_id=person)
    await fake.wait_for("views.open", count=opened + 1)
    reply = await slack.view_submission(
        "volunteer_form", volunteer_values(**values), user_id=person
    )
    assert reply.status == 200 and reply.text == "", reply.text
    assert await ws.inflight.drain(5)


async def ask(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, requester: str, **values: Any
) -> Any:
    """/debrief, then submit the request modal; the HTTP reply to the submission."""
    opened = len(fake.calls_to("views.open"))
    await slack.command("/debrief", "", user_id=requester)
    await fake.wait_for("views.open", count=opened + 1)
    reply = await slack.view_submission("debrief_form", request_values(**values), user_id=requester)
    assert await ws.inflight.drain(5)
    return reply


async def debrief(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, user: str, words: str
) -> str:
    """Type `/debrief <words>`; the text of the private answer."""
    before = len(fake.response_posts)
    reply = await slack.command("/debrief", words, user_id=user)
    assert reply.status == 200
    [answer] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert await ws.inflight.drain(5)
    assert answer.body["response_type"] == "ephemeral"
    return str(answer.body["text"])


def blocks_of(call: ApiCall) -> str:
    blocks = call.params.get("blocks") or []
    return json.dumps(json.loads(blocks) if isinstance(blocks, str) else blocks)


def offers_to(fake: FakeSlack, person: str) -> list[ApiCall]:
    """Offer DMs sent to `person` (the fake answers a user id channel with their DM)."""
    return [
        call
        for call in fake.calls_to("chat.postMessage")
        if call.ok
        and fake.dm_id(person) == call.params["channel"]
        and "debrief_accept" in blocks_of(call)
    ]


def messages_to(fake: FakeSlack, person: str) -> list[ApiCall]:
    """Every message posted in the DM with `person`."""
    dm = fake.dm_id(person)
    return [c for c in fake.calls_to("chat.postMessage") if c.ok and c.params["channel"] == dm]


def updates_in(fake: FakeSlack, person: str) -> list[ApiCall]:
    """chat.update calls on messages in the DM with `person`."""
    dm = fake.dm_id(person)
    return [c for c in fake.calls_to("chat.update") if c.params["channel"] == dm]


def request_id(offer: ApiCall) -> str:
    blocks = json.loads(blocks_of(offer))
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return str(next(b["value"] for b in buttons if b["action_id"].startswith("debrief_accept")))
