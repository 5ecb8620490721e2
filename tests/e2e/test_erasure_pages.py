"""After "Delete all of it", the person's id is on no page of the database files.

The README promises that deleted rows are wiped from the files, not only from the tables.
On PostgreSQL a VACUUM only marks their space free: the bytes stay on the page until
something overwrites them, so the test reads every block of every relation and index.
"""

from collections.abc import AsyncIterator
from typing import Any

import pytest
from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from bot.storage.erasure import PERSONAL_TABLES, REWRITE_COLUMNS
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.debrief_helpers import ask, sign_up
from tests.e2e.placement_helpers import register
from tests.e2e.test_personal_data import add_reminder, delete_button, wellspring_command
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click
from tests.support.raw_pages import found, raw_pages

ADMIN, SAM, ALEX = "U0ADMIN", "U0SAMERASED", "U0ALEX"
NOTE = "erasure-pages-note-7f3a"


@pytest.fixture
async def app(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> AsyncIterator[tuple[Wellspring, SignedSlackClient]]:
    settings: Any = make_settings(fake_slack, database_url, admin_user_ids=ADMIN)
    ws = await start_wellspring(settings, clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        yield ws, slack
    finally:
        await slack.close()
        await ws.stop()


async def test_delete_all_of_it_leaves_the_persons_id_on_no_page(
    app: tuple[Wellspring, SignedSlackClient], fake_slack: FakeSlack, database_url: str
) -> None:
    ws, slack = app
    await sign_up(ws, slack, fake_slack, ALEX)
    await sign_up(ws, slack, fake_slack, SAM)
    await ask(ws, slack, fake_slack, SAM, note=NOTE)
    await add_reminder(ws, slack, SAM)
    await register(ws, slack, fake_slack, SAM, instructor=ALEX)
    assert found([SAM], await raw_pages(database_url)) == [SAM], "the reader sees Sam's rows"

    shown = await wellspring_command(ws, slack, fake_slack, SAM, "my data")
    button = delete_button(shown)
    assert button is not None
    await click(ws, slack, fake_slack, button["action_id"], button.get("value", ""), SAM)
    assert await ws.inflight.drain(5)

    assert found([SAM, NOTE], await raw_pages(database_url)) == []
    assert found([ALEX], await raw_pages(database_url)) == [ALEX], "only Sam's rows went"


async def test_every_personal_table_has_a_column_postgresql_rewrites_it_through(
    app: tuple[Wellspring, SignedSlackClient], database_url: str
) -> None:
    """A table the rewrite's query found no column for would be skipped without a word."""
    if database_url.startswith("sqlite"):
        pytest.skip("SQLite rebuilds the whole file; nothing is chosen per table")
    ws, _ = app
    async with ws.engine.connect() as connection:
        found_tables = await connection.scalars(
            text(REWRITE_COLUMNS), {"tables": list(PERSONAL_TABLES)}
        )
        assert set(found_tables) == set(PERSONAL_TABLES)
