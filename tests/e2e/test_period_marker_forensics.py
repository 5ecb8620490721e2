"""Period markers (who answered in a team's month, keyed) leave no byte behind once the month
settles: every page of PostgreSQL, SQLite's file and its WAL, read raw, even by the secret's
holder. While the month is open they are there, keyed, and nothing else names anyone."""

from datetime import timedelta
from typing import Any

from sqlalchemy import text

from bootstrap import start_wellspring
from bot.domain.periods import Month, period_markers
from bot.domain.pulses import IsoWeek
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import LEVELS, SUPERVISOR, answer, close_window, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.raw_pages import found, raw_pages

PULSE_SECRET = "period-forensics-pulse-secret-0123456789abcdef"
PEOPLE = [f"U0PER{i:02d}" for i in range(7)]


async def test_a_months_period_markers_are_on_no_page_once_it_settled(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    settings: Any = make_settings(
        fake_slack, database_url, pulse_secret=PULSE_SECRET, supervisor_user_ids=SUPERVISOR
    )
    ws = await start_wellspring(settings, clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        fake_slack.members["C0TEAM"] = [*PEOPLE, SUPERVISOR]
        post = await post_checkin(ws, slack, fake_slack)
        for i, person in enumerate(PEOPLE):
            await answer(ws, slack, fake_slack, post, person, LEVELS[i % 4])
        await close_window(ws, clock)
        async with ws.engine.connect() as conn:
            workspace = str(await conn.scalar(text("SELECT workspace FROM checkins")))
        month = Month.of(IsoWeek.of(clock.now()))
        markers = sorted(
            marker
            for person in [*PEOPLE, SUPERVISOR]
            for marker in period_markers(
                (PULSE_SECRET.encode(),), workspace, "C0TEAM", month, person
            )
        )
        raw = [bytes.fromhex(m).decode("latin-1") for m in markers]
        pages = await raw_pages(database_url)
        assert len(found(markers, pages)) == len(PEOPLE), "the open month's markers are kept"
        assert not any(person.encode() in pages for person in PEOPLE), "keyed, never plain"

        clock.set(month.ends_at)
        await close_window(
            ws, clock, after=timedelta(hours=1)
        )  # the deadline sweep settles the week and the month
        assert await ws.inflight.drain(5)
        pages = await raw_pages(database_url)
        assert found(markers, pages) == [], "a settled month's markers are on no page"
        assert not any(r.encode("latin-1") in pages for r in raw), "nor their raw bytes"
        async with ws.engine.connect() as conn:
            people = await conn.scalar(text("SELECT people FROM pulse_team_weeks"))
            left = await conn.scalar(text("SELECT count(*) FROM pulse_period_markers"))
        assert (people, left) == (len(PEOPLE), 0), "counted once, then forgotten"
    finally:
        await slack.close()
        await ws.stop()
