""" "Delete all of it" while something else reads the database: the reply comes at once, and
the wipe that found the database busy is retried until the person's id is on no page."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from bootstrap import WIPE_JOB, Wellspring, start_wellspring
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.debrief_helpers import sign_up
from tests.e2e.pulse_helpers import answer, close_window, post_checkin
from tests.e2e.test_personal_data import add_reminder, delete_button, wellspring_command
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.busy_readers import backup_reading
from tests.support.clicks import click
from tests.support.raw_pages import found, raw_pages

SAM, ALEX = "U0SAMERASED", "U0ALEX"


@pytest.fixture
async def app(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[Wellspring, SignedSlackClient]]:
    """The app on each database, Alex and Sam signed up, Sam with a reminder."""
    ws = await start_wellspring(make_settings(fake_slack, database_url), clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        await sign_up(ws, slack, fake_slack, ALEX)
        await sign_up(ws, slack, fake_slack, SAM)
        await add_reminder(ws, slack, SAM)
        yield ws, slack
    finally:
        await slack.close()
        await ws.stop()


async def test_delete_all_of_it_during_a_backup_answers_at_once_and_is_wiped_after_it(
    app: tuple[Wellspring, SignedSlackClient], fake_slack: FakeSlack, database_url: str
) -> None:
    ws, slack = app
    async with backup_reading(database_url, "schedules"):
        button = delete_button(await wellspring_command(ws, slack, fake_slack, SAM, "my data"))
        assert button is not None
        # The reply arrives while the backup still reads: `click` waits 5 s for it, where a
        # wipe that waited out the database's 30 s busy timeout would hold it back.
        await click(ws, slack, fake_slack, button["action_id"], button.get("value", ""), SAM)
        assert found([SAM], await raw_pages(database_url)) == [SAM], "not wiped yet: busy"
        await ws.scheduler.run_now(WIPE_JOB)  # a retry while still busy keeps it pending
        assert found([SAM], await raw_pages(database_url)) == [SAM]
    await ws.scheduler.run_now(WIPE_JOB)  # the retry's next wake-up, after the backup ended
    assert await ws.inflight.drain(5)
    assert found([SAM], await raw_pages(database_url)) == []
    assert found([ALEX], await raw_pages(database_url)) == [ALEX], "only Sam's rows went"


def wal_bytes(database_url: str) -> int:
    db = Path(make_url(database_url).database or "")
    wal = db.with_name(db.name + "-wal")
    return wal.stat().st_size if wal.exists() else 0


async def test_a_check_in_closing_during_a_sqlite_backup_is_rebuilt_once_and_then_checkpointed(
    wellspring: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    sqlite_database_url: str,
    clock: MovableClock,
) -> None:
    ws = wellspring
    post = await post_checkin(ws, slack, fake_slack)
    await answer(ws, slack, fake_slack, post, "U0PEER1", "late")
    async with backup_reading(sqlite_database_url, "schedules"):
        await close_window(ws, clock)  # the rebuild goes into the WAL; the checkpoint waits
        rebuilt = wal_bytes(sqlite_database_url)
        for _ in range(3):
            await ws.scheduler.run_now(WIPE_JOB)
        assert wal_bytes(sqlite_database_url) == rebuilt, "each retry rebuilt the file again"
    await ws.scheduler.run_now(WIPE_JOB)
    assert wal_bytes(sqlite_database_url) == 0, "the rebuilt file replaced the old pages"
