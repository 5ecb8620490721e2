"""Adversary: PostgreSQL's own log, with a slow-statement threshold a DBA commonly sets.

README, *Anonymous by design*: at the close the markers "are deleted and wiped from the files",
and only the secret together with a copy taken while the check-in was open (a backup, the
WAL) could link anyone; *Nothing in the logs* names who clicked or what they answered. A
click is one statement whose parameters are the person's markers, their period marker for
the month and the level chosen (bot/storage/click_ledger.py). With `log_min_duration_statement`
set (here 250 ms, a usual production value), a click that waits for a lock (the close's,
a DBA's, a backup's) longer than that is written to the server's log with its parameters:
a file that is not wiped at the close, is often shipped to a log store, and with the secret
says who answered what. The attack succeeds if the server's log holds a click's marker.

Fixed: the app refuses to start on a server that would log its statements' parameters
(bot/storage/server_logs.py); with `log_parameter_max_length = 0` for its role or database,
slow statements are still logged, without their parameters.
"""

import asyncio
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bootstrap import start_wellspring
from bot.config.settings import SettingsProblem
from bot.domain.participation import participation_markers
from bot.domain.periods import Month, period_markers
from bot.domain.pulses import IsoWeek
from tests.e2e.conftest import PULSE_SECRET, SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import answer, post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

SLOW = "250ms"
HELD = 0.6  # seconds a lock keeps the click waiting
PERSON = "U0LOGGED"


def dsn(url: str, database: str | None = None) -> str:
    parsed = make_url(url).set(drivername="postgresql")
    if database is not None:
        parsed = parsed.set(database=database)
    return parsed.render_as_string(hide_password=False)


async def as_admin(database_url: str) -> tuple[str, asyncpg.Connection]:
    """The test database's name and a connection to the server's own; PostgreSQL only."""
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL's server log")
    return make_url(database_url).database or "", await asyncpg.connect(
        dsn(database_url, "postgres")
    )


async def server_log(admin: asyncpg.Connection) -> str | None:
    """Where the server writes its log: the collector's file, or Debian's stderr file."""
    current = await admin.fetchval("SELECT pg_current_logfile()")
    if current is not None:
        directory = await admin.fetchval("SHOW data_directory")
        return str(Path(directory) / current)
    version = await admin.fetchval("SELECT current_setting('server_version_num')::int / 10000")
    path = f"/var/log/postgresql/postgresql-{version}-main.log"
    exists = await admin.fetchval("SELECT (pg_stat_file($1, true)).size IS NOT NULL", path)
    return path if exists else None


async def test_a_slow_click_leaves_no_marker_in_postgresqls_log(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    name, admin = await as_admin(database_url)
    try:
        log = await server_log(admin)
        if log is None:
            pytest.skip("the server's log file is not readable from SQL here")
        await admin.execute(f"ALTER DATABASE \"{name}\" SET log_min_duration_statement = '{SLOW}'")
        await admin.execute(f'ALTER DATABASE "{name}" SET log_parameter_max_length = 0')
        start = await admin.fetchval("SELECT (pg_stat_file($1)).size", log)
        ws = await start_wellspring(make_settings(fake_slack, database_url), clock)
        slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
        holder = await asyncpg.connect(dsn(database_url))
        try:
            post = await post_checkin(ws, slack, fake_slack)
            await answer(ws, slack, fake_slack, post, "U0WARMUP", "early")  # statement prepared
            checkin = await holder.fetchval("SELECT id FROM checkins")
            workspace = await holder.fetchval("SELECT workspace FROM checkins")
            async with holder.transaction():
                markers = f"pulse_window_{str(checkin).replace('-', '')}_markers"
                await holder.execute(f"LOCK TABLE {markers} IN SHARE MODE")
                click = asyncio.ensure_future(answer(ws, slack, fake_slack, post, PERSON, "late"))
                await asyncio.sleep(HELD)
            await click
        finally:
            await holder.close()
            await slack.close()
            await ws.stop()
        end = await admin.fetchval("SELECT (pg_stat_file($1)).size", log)
        written = await admin.fetchval("SELECT pg_read_file($1, $2, $3)", log, start, end - start)
    finally:
        await admin.close()
    secret = (PULSE_SECRET.encode(),)
    week = IsoWeek.of(clock.now())
    his = {
        *participation_markers(secret, str(checkin), workspace, PERSON),
        *period_markers(secret, workspace, "C0TEAM", Month.of(week), PERSON),
    }
    assert name in written, "the log was read, and the app's sessions write to it"
    lines = [line for line in written.splitlines() if any(m in line for m in his)]
    assert not lines, f"the server's log keeps the click's markers beside its level: {lines}"


@pytest.mark.parametrize(
    "setting",
    [
        f"log_min_duration_statement = '{SLOW}'",
        "log_statement = 'mod'",
        "log_parameter_max_length_on_error = -1",
    ],
)
async def test_a_server_that_would_log_a_clicks_parameters_is_refused_at_start(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock, setting: str
) -> None:
    name, admin = await as_admin(database_url)
    try:
        await admin.execute(f'ALTER DATABASE "{name}" SET {setting}')
    finally:
        await admin.close()
    with pytest.raises(SettingsProblem) as refused:
        await start_wellspring(make_settings(fake_slack, database_url), clock)
    assert (refused.value.setting, refused.value.reason) == (
        "DATABASE_URL",
        "server_logs_parameters",
    )
    assert setting.split(" = ")[0] in refused.value.details["settings"]
