"""After upgrading a 0.1.0 database, no Slack token is left in plain text on any page."""

from datetime import datetime

import asyncpg
import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bootstrap import MIGRATIONS, start_wellspring
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade
from tests.e2e.conftest import MovableClock
from tests.e2e.install_helpers import installs_settings
from tests.fakes.slack_api import FakeSlack
from tests.support.raw_pages import found, raw_pages

PLAIN_SCHEMA = "0005"  # the 0.1.0 schema: tokens in plain text, every reinstall kept
# team, installed at, and a distinctive stem for the tokens of that installation.
INSTALLS = [
    ("T0N", datetime(2026, 1, 5, 9, 0), "north-replaced"),
    ("T0N", datetime(2026, 3, 2, 9, 0), "north-current"),
    ("T0S", datetime(2026, 2, 1, 9, 0), "south-current"),
]


def tokens(stem: str) -> dict[str, str]:
    return {
        "bot": f"xoxb-{stem}-bot-4f1c",
        "bot_refresh": f"xoxe-1-{stem}-botrefresh-9a2d",
        "user": f"xoxp-{stem}-user-77e0",
        "user_refresh": f"xoxe-1-{stem}-userrefresh-31bb",
    }


async def plain_010_database(database_url: str) -> list[str]:
    """A database as 0.1.0 left it; every token it holds."""
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS, PLAIN_SCHEMA)
        async with engine.begin() as connection:
            for team, installed_at, stem in INSTALLS:
                row = {"team": team, "at": installed_at, **tokens(stem)}
                await connection.execute(
                    text(
                        "INSERT INTO slack_bots (client_id, app_id, team_id, bot_token,"
                        " bot_refresh_token, is_enterprise_install, installed_at)"
                        " VALUES ('1.2', 'A0', :team, :bot, :bot_refresh, false, :at)"
                    ),
                    row,
                )
                await connection.execute(
                    text(
                        "INSERT INTO slack_installations (client_id, app_id, team_id, bot_token,"
                        " bot_refresh_token, user_id, user_token, user_refresh_token,"
                        " is_enterprise_install, installed_at) VALUES ('1.2', 'A0', :team, :bot,"
                        " :bot_refresh, 'U0ADMIN', :user, :user_refresh, false, :at)"
                    ),
                    row,
                )
    finally:
        await engine.dispose()
    return [token for _, _, stem in INSTALLS for token in tokens(stem).values()]


async def test_no_token_current_or_replaced_is_on_any_page_or_in_the_wal_after_the_upgrade(
    database_url: str, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    every_token = await plain_010_database(database_url)
    assert found(every_token, await raw_pages(database_url)) == every_token, "0.1.0 shape"
    ws = await start_wellspring(installs_settings(fake_slack, database_url), clock)
    try:
        async with ws.engine.connect() as connection:
            kept = (await connection.execute(text("SELECT count(*) FROM slack_bots"))).scalar()
        assert kept == 2, "the current installations are kept"
        left = found(every_token, await raw_pages(database_url))
    finally:
        await ws.stop()
    assert left == [], "tokens still readable in the database files"


@pytest.mark.parametrize("database_url", ["postgresql"], indirect=True)
async def test_tokens_an_analyze_sampled_before_the_upgrade_are_on_no_page_after_it(
    database_url: str, fake_slack: FakeSlack, clock: MovableClock
) -> None:
    """Autovacuum (or a DBA) analysed the 0.1.0 tables: samples of every token column sat in
    pg_statistic. Migration 0020 removes them; the start rewrites pg_statistic's pages."""
    every_token = await plain_010_database(database_url)
    dsn = make_url(database_url).set(drivername="postgresql")
    connection = await asyncpg.connect(dsn.render_as_string(hide_password=False))
    try:
        await connection.execute("ANALYZE")
        sampled = await connection.fetchval(
            "SELECT count(*) FROM pg_stats WHERE most_common_vals::text LIKE '%xox%'"
            " OR histogram_bounds::text LIKE '%xox%'"
        )
    finally:
        await connection.close()
    assert sampled, "the tokens were sampled"
    ws = await start_wellspring(installs_settings(fake_slack, database_url), clock)
    try:
        left = found(every_token, await raw_pages(database_url))
    finally:
        await ws.stop()
    assert left == [], "tokens still readable in pg_statistic's pages"
