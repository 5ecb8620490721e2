"""What both platform drivers share: reading message text, the database dump, moving time."""

import re
from datetime import timedelta
from typing import Any

import pytest

from bootstrap import Wellspring
from bot.process.scheduling import DEADLINE_JOB
from tests.e2e.conftest import MovableClock
from tests.support.canary import dump_database as dump_rows

_TEXT_KEYS = ("text", "title", "fallbackText")
_MARKUP = re.compile(r"\*+")


def texts_in(node: Any) -> list[str]:
    """The words of a message, Block Kit or Adaptive Card: every text and title, in order."""
    found: list[str] = []
    if isinstance(node, dict):
        for key, value in node.items():
            if key in _TEXT_KEYS and isinstance(value, str):
                found.append(value)
            else:
                found.extend(texts_in(value))
    elif isinstance(node, list):
        for item in node:
            found.extend(texts_in(item))
    return found


def plain(words: str) -> str:
    """Text without bold marks and with single spaces, so both platforms' markup compare."""
    return " ".join(_MARKUP.sub("", words).split())


async def dump_database(ws: Wellspring) -> str:
    async with ws.engine.connect() as conn:
        return await dump_rows(conn)


def log_text(caplog: pytest.LogCaptureFixture) -> str:
    return "\n".join(record.getMessage() + str(record.args) for record in caplog.records)


async def move_time(ws: Wellspring, clock: MovableClock, after: timedelta) -> None:
    """Move the app's clock and run the deadline sweep, as its wake-up would."""
    clock.set(clock.now() + after)
    await ws.scheduler.run_now(DEADLINE_JOB)
    assert await ws.inflight.drain(5)


def slug(name: str) -> str:
    """A name as capital letters and digits only (for Slack-style ids)."""
    return "".join(ch for ch in name.upper() if ch.isalnum())


def setting_ids(platform_name: str, *people: str) -> str:
    """SUPERVISOR_USER_IDS for these people on this platform (before the app starts)."""
    from tests.fakes.teams_activities import Person

    if platform_name == "slack":
        return ",".join("U0" + slug(person) for person in people)
    return ",".join(Person.named(person).aad_object_id for person in people)


def rows_about(dump: str, traces: set[str]) -> list[str]:
    """The dump's rows that hold any of `traces`, each with them blanked out."""
    found = []
    for row in dump.splitlines():
        if any(trace in row for trace in traces):
            for trace in sorted(traces, key=len, reverse=True):
                row = row.replace(trace, "<someone>")
            found.append(row)
    return sorted(found)
