"""PostgreSQL: an ANALYZE of the whole database copies no marker, id or note into pg_statistic.

A DBA's `ANALYZE;`, `vacuumdb -Z` or autovacuum's own analyse samples every column it may;
what it samples outlives the rows (an erasure, a window's DROP, a note's wipe).
"""

from collections.abc import AsyncIterator

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bootstrap import Wellspring, start_wellspring
from bot.domain.participation import participation_markers
from tests.e2e.conftest import PULSE_SECRET, SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.debrief_helpers import ask, offers_to, request_id, sign_up
from tests.e2e.pulse_helpers import LEVELS, answer, close_window, post_checkin
from tests.e2e.test_personal_data import add_reminder, delete_button, wellspring_command
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click
from tests.support.raw_pages import found, raw_pages

ADMIN, ERASED, STAYS = "U0STATADMIN", "U0STATERASED", "U0STATSTAYS"
PEOPLE = [f"U0STAT{i:02d}" for i in range(6)]
# pg_statistic and its TOAST table (long sampled values), block by block.
STATISTICS_PAGES = """
SELECT get_raw_page(relation::regclass::text, 'main', block)
FROM pg_class AS statistic,
     unnest(ARRAY[statistic.oid, statistic.reltoastrelid]) AS relation,
     generate_series(0, pg_relation_size(relation) / current_setting('block_size')::int - 1)
       AS block
WHERE statistic.oid = 'pg_catalog.pg_statistic'::regclass
"""


@pytest.fixture
async def ws(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> AsyncIterator[Wellspring]:
    started = await start_wellspring(
        make_settings(fake_slack, database_url, admin_user_ids=ADMIN), clock
    )
    try:
        yield started
    finally:
        await started.stop()


@pytest.fixture
async def slack(ws: Wellspring, fake_slack: FakeSlack) -> AsyncIterator[SignedSlackClient]:
    client = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        yield client
    finally:
        await client.close()


def _dsn(database_url: str) -> str:
    return make_url(database_url).set(drivername="postgresql").render_as_string(hide_password=False)


async def analyze_everything(database_url: str) -> None:
    """What a DBA's `ANALYZE;` (or autovacuum, table by table) does."""
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        await connection.execute("ANALYZE")
    finally:
        await connection.close()


async def in_statistics(database_url: str, needles: list[str]) -> tuple[list[str], list[str]]:
    """(needles in pg_stats' sampled values, needles anywhere on pg_statistic's pages)."""
    connection = await asyncpg.connect(_dsn(database_url))
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        sampled = " ".join(
            row[0]
            for row in await connection.fetch(
                "SELECT concat_ws(' ', most_common_vals::text, histogram_bounds::text)"
                " FROM pg_stats WHERE schemaname = current_schema()"
            )
        )
        pages = b"".join(row[0] for row in await connection.fetch(STATISTICS_PAGES))
    finally:
        await connection.close()
    return [n for n in needles if n in sampled], found(needles, pages)


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_a_closed_windows_markers_are_in_no_statistics_after_an_analyze_while_open(
    ws: Wellspring,
    slack: SignedSlackClient,
    fake_slack: FakeSlack,
    database_url: str,
    clock: MovableClock,
) -> None:
    post = await post_checkin(ws, slack, fake_slack)
    for i, person in enumerate(PEOPLE):
        await answer(ws, slack, fake_slack, post, person, LEVELS[i % 4])
    async with ws.engine.connect() as conn:
        [(checkin, workspace)] = (
            await conn.execute(text("SELECT id, workspace FROM checkins"))
        ).all()
    markers = [
        participation_markers((PULSE_SECRET.encode(),), checkin, workspace, person)[0]
        for person in PEOPLE
    ]
    await analyze_everything(database_url)

    await close_window(ws, clock)

    assert await in_statistics(database_url, markers) == ([], [])
    assert found(markers, await raw_pages(database_url)) == []


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_delete_all_of_it_after_an_analyze_leaves_the_id_in_no_statistics(
    ws: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, database_url: str
) -> None:
    await sign_up(ws, slack, fake_slack, STAYS)
    await sign_up(ws, slack, fake_slack, ERASED)
    await ask(ws, slack, fake_slack, ERASED, note="a note to erase")
    await add_reminder(ws, slack, ERASED)
    await analyze_everything(database_url)

    shown = await wellspring_command(ws, slack, fake_slack, ERASED, "my data")
    button = delete_button(shown)
    assert button is not None
    await click(ws, slack, fake_slack, button["action_id"], button.get("value", ""), ERASED)
    assert await ws.inflight.drain(5)
    async with ws.engine.connect() as conn:
        people = (await conn.execute(text("SELECT person FROM volunteers"))).scalars().all()
    assert people == [STAYS]  # the erasure happened

    assert await in_statistics(database_url, [ERASED]) == ([], [])


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_handed_over_notes_are_in_no_statistics_after_an_analyze(
    ws: Wellspring, slack: SignedSlackClient, fake_slack: FakeSlack, database_url: str
) -> None:
    await sign_up(ws, slack, fake_slack, "U0STATPEERA")
    await sign_up(ws, slack, fake_slack, "U0STATPEERB")
    await ask(ws, slack, fake_slack, "U0STATASK1", note="first note, Harbourside")
    await ask(ws, slack, fake_slack, "U0STATASK2", note="second note, Riverside")
    async with ws.engine.connect() as conn:
        sealed = [
            str(n)
            for n in (await conn.execute(text("SELECT note FROM debrief_requests"))).scalars()
        ]
    assert len(sealed) == 2
    await analyze_everything(database_url)

    for peer in ("U0STATPEERA", "U0STATPEERB"):
        for offer in offers_to(fake_slack, peer):
            await click(ws, slack, fake_slack, "debrief_accept#0", request_id(offer), peer)
    assert await ws.inflight.drain(5)
    async with ws.engine.connect() as conn:
        left = (await conn.execute(text("SELECT count(note) FROM debrief_requests"))).scalar()
    assert left == 0  # both were handed over

    assert await in_statistics(database_url, sealed) == ([], [])
    assert found(sealed, await raw_pages(database_url)) == []
