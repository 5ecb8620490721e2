"""Steps for placement tests on Slack: register, read DMs and buttons, dump what is stored."""

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from sqlalchemy import MetaData

from bootstrap import Wellspring
from tests.e2e.debrief_helpers import blocks_of
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


def placement_values(
    *,
    instructor: str | None = "U0CARA",
    starts_on: str | None = "2026-11-23",
    ends_on: str | None = "2027-02-26",
    day: str = "fri",
    at: str = "15:00",
    timezone: str = "Europe/London",
) -> dict[str, dict[str, dict[str, Any]]]:
    """view.state.values of the placement modal, as Slack sends them."""
    return {
        "instructor": {"instructor": {"type": "users_select", "selected_user": instructor}},
        "starts_on": {"starts_on": {"type": "datepicker", "selected_date": starts_on}},
        "ends_on": {"ends_on": {"type": "datepicker", "selected_date": ends_on}},
        "day": {"day": {"type": "static_select", "selected_option": {"value": day}}},
        "at": {"at": {"type": "timepicker", "selected_time": at}},
        "timezone": {"timezone": {"type": "plain_text_input", "value": timezone}},
    }


async def register(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, student: str, **values: Any
) -> Any:
    """/placement, then submit the modal it opened; the HTTP reply to the submission."""
    opened = len(fake.calls_to("views.open"))
    await slack.command("/placement", "", user_id=student, channel_id="D0" + student[2:])
    await fake.wait_for("views.open", count=opened + 1)
    reply = await slack.view_submission(
        "placement_form", placement_values(**values), user_id=student
    )
    assert await ws.inflight.drain(5)
    return reply


def direct(fake: FakeSlack, person: str) -> list[ApiCall]:
    """Every message to `person` privately: in their DM, or posted to their user id."""
    dm = fake.dm_id(person)
    return [
        call
        for call in fake.calls_to("chat.postMessage")
        if call.ok and call.params["channel"] in (dm, person)
    ]


def words_of(call: ApiCall) -> str:
    return str(call.params.get("text", "")) + blocks_of(call)


def button_value(call: ApiCall, action: str) -> str:
    """The value of the button `action` (e.g. placement_confirm) in a posted message."""
    blocks = json.loads(blocks_of(call))
    buttons = [e for b in blocks if b["type"] == "actions" for e in b["elements"]]
    return str(next(b["value"] for b in buttons if b["action_id"].startswith(action + "#")))


async def stored(ws: Wellspring) -> str:
    """Every row of every table, as text."""
    out: list[str] = []
    async with ws.engine.connect() as conn:
        everything = MetaData()
        await conn.run_sync(everything.reflect)
        for table in everything.sorted_tables:
            for row in await conn.execute(table.select()):
                out.append(f"{table.name}: {tuple(row)!r}")
    return "\n".join(out)


async def rows(ws: Wellspring, table: str) -> int:
    async with ws.engine.connect() as conn:
        everything = MetaData()
        await conn.run_sync(everything.reflect, only=[table])
        return len((await conn.execute(everything.tables[table].select())).all())


def database_files(url: str) -> bytes:
    """The SQLite database file and its write-ahead log, raw."""
    path = Path(url.split("///", 1)[1])
    return b"".join(p.read_bytes() for p in (path, Path(f"{path}-wal")) if p.exists())


def friday(hour: int, minute: int = 0, week: int = 0) -> datetime:
    """A moment on Friday 27 November 2026 or `week`s later (UTC: London's time in winter)."""
    return datetime(2026, 11, 27, hour, minute, tzinfo=UTC) + timedelta(weeks=week)
