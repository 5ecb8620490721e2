"""Shared steps for check-in tests: create schedules through the real modal, read posts."""

import json
from typing import Any

from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import Reply, SignedSlackClient


def schedule_values(
    *,
    kind: str = "checkin",
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri", "sat", "sun"),
    time: str = "09:00",
    timezone: str = "UTC",
    skip: str = "",
) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values as Slack sends them for the schedule modal."""
    return {
        "kind": {"kind": {"type": "static_select", "selected_option": {"value": kind}}},
        "days": {"days": {"type": "checkboxes", "selected_options": [{"value": d} for d in days]}},
        "time": {"time": {"type": "timepicker", "selected_time": time}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": timezone}},
        "skip": {"skip": {"type": "plain_text_input", "value": skip}},
    }


async def create_schedule(
    slack: SignedSlackClient, fake: FakeSlack, channel: str = "C0TEAM", **values: Any
) -> Reply:
    """Type /checkin schedule in a channel (as one of its members), then submit the modal."""
    members = fake.members.setdefault(channel, [])
    if "U0ALICE" not in members:
        members.append("U0ALICE")
    opened = len(fake.calls_to("views.open"))
    await slack.command("/checkin", "schedule", channel_id=channel)
    await fake.wait_for("views.open", count=opened + 1)
    return await slack.view_submission("schedule_form", schedule_values(**values))


def posts_to(fake: FakeSlack, channel: str) -> list[ApiCall]:
    return [c for c in fake.calls_to("chat.postMessage") if c.ok and c.params["channel"] == channel]


def texts(call: ApiCall) -> str:
    blocks = call.params.get("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks or []
    return json.dumps(blocks)


def action_ids(call: ApiCall) -> list[str]:
    blocks = call.params.get("blocks")
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks or []
    return [
        element["action_id"].partition("#")[0]
        for block in blocks
        if block["type"] == "actions"
        for element in block["elements"]
    ]
