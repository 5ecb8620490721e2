"""PULSE_PRIVACY=dp through Slack: a settled week shows "about" numbers, the same on every
look (/pulse twice, the overview, the CSV export, after a restart), and a small week stays
hidden as without noise."""

import csv
import io
import json
import re
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring
from tests.e2e.conftest import MovableClock, make_settings, start_wellspring
from tests.e2e.pulse_helpers import SUPERVISOR, body_text, settle_week
from tests.e2e.test_pulse_summaries import TEAM, closed_checkin, pulse
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

LINE = re.compile(r"2026-W48: about (\d+) answers · (\d+) · (\d+) · (\d+) · (\d+) · about (\d+)%")


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR, "pulse_privacy": "dp"}


def words(reply: dict[str, Any]) -> str:
    return json.dumps(reply.get("blocks") or [], ensure_ascii=False)


def week_line(reply: dict[str, Any]) -> tuple[str, ...]:
    [found] = {match.groups() for match in LINE.finditer(words(reply))}
    return found


async def test_a_week_shows_the_same_approximate_numbers_on_every_look(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    clock: MovableClock,
    sqlite_database_url: str,
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early", "late"] * 4)
    await settle_week(wellspring, clock)
    first = await pulse(slack, fake_slack, SUPERVISOR)
    assert words(first).count("Why “about”") == 1, "explained once"
    shown = week_line(first)
    assert week_line(await pulse(slack, fake_slack, SUPERVISOR)) == shown
    overview = words(await pulse(slack, fake_slack, SUPERVISOR, channel="D0SUPER"))
    assert f"about {shown[0]} answers · {' · '.join(shown[1:5])}" in overview
    await pulse(slack, fake_slack, SUPERVISOR, "export", channel="D0SUPER")
    [file_id] = list(fake_slack.uploads)
    rows = list(csv.DictReader(io.StringIO(fake_slack.uploads[file_id].decode())))
    [row] = [r for r in rows if r["period"] == "2026-W48" and r["team"] == TEAM]
    levels = (row["early"], row["middle"], row["late"], row["beyond"])
    assert (row["responses"], *levels) == shown[:5]
    assert sum(map(int, shown[1:5])) == int(shown[0])
    async with wellspring.engine.connect() as conn:
        kept = (await conn.execute(text("SELECT team, week, counts FROM pulse_noisy_weeks"))).all()
    assert kept == [(TEAM, "2026-W48", ",".join(shown[1:5]))], "drawn once, kept"
    await wellspring.stop()
    again = await start_wellspring(make_settings(fake_slack, sqlite_database_url, **{
        "supervisor_user_ids": SUPERVISOR, "pulse_privacy": "dp"}), clock)  # fmt: skip
    try:
        client = SignedSlackClient(again.url, slack.signing_secret, fake_slack)
        try:
            assert week_line(await pulse(client, fake_slack, SUPERVISOR)) == shown
        finally:
            await client.close()
    finally:
        await again.stop()


async def test_a_week_of_five_people_stays_hidden_with_noise_too(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["late"] * 5)
    await settle_week(wellspring, clock)
    reply = body_text(await pulse(slack, fake_slack, SUPERVISOR))
    assert "2026-W48: hidden, too few people answered" in reply
    assert "about" not in reply.split("Why some are hidden")[0].split("2026-W48")[1]


async def test_the_charts_words_for_a_screen_reader_say_about_too(
    wellspring: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    await closed_checkin(wellspring, slack, fake_slack, clock, ["early", "late"] * 4)
    await settle_week(wellspring, clock)
    late_share = week_line(await pulse(slack, fake_slack, SUPERVISOR))[5]
    await pulse(slack, fake_slack, SUPERVISOR, "chart")
    [url] = fake_slack.calls_to("files.getUploadURLExternal")
    alt = str(url.params.get("alt_txt") or url.params.get("alt_text"))
    assert f"2026-W48 about {late_share}%" in alt, "the same noisy share, said to be approximate"
