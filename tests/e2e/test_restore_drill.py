"""The restore drill (docs/backup-and-restore.md): back up a running app, restore, serve it."""

import shutil
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bootstrap import SWEEP_JOB, Wellspring, start_wellspring
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import (
    SUPERVISOR,
    answer,
    body_text,
    close_window,
    post_checkin,
    settle_week,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.databases import POSTGRES_SKIP_REASON, fresh_postgres, postgres_base_url

ROOT = Path(__file__).resolve().parents[2]
TEAM = "C0TEAM"
LEVELS = ["early", "late", "early", "middle", "beyond", "late"]  # six: shown to a member


@asynccontextmanager
async def running(
    fake: FakeSlack, url: str, clock: MovableClock
) -> AsyncIterator[tuple[Wellspring, SignedSlackClient]]:
    ws = await start_wellspring(make_settings(fake, url, supervisor_user_ids=SUPERVISOR), clock)
    await ws.scheduler.run_now(SWEEP_JOB)
    client = SignedSlackClient(ws.url, SIGNING_SECRET, fake)
    try:
        yield ws, client
    finally:
        await client.close()
        await ws.stop()


async def make_data(ws: Wellspring, slack: SignedSlackClient, fake: FakeSlack, clock: Any) -> None:
    """A check-in, six answers through the real buttons, then the window closes."""
    people = [f"U0DRILL{i}" for i in range(len(LEVELS))]
    fake.members[TEAM] = [*people, SUPERVISOR]
    post = await post_checkin(ws, slack, fake, TEAM)
    for person, level in zip(people, LEVELS, strict=True):
        await answer(ws, slack, fake, post, person, level)
    await close_window(ws, clock)
    await settle_week(ws, clock)


async def counts(ws: Wellspring) -> dict[str, int]:
    async with ws.engine.connect() as connection:
        rows = await connection.execute(text("SELECT level, responses FROM pulse_counts"))
        return {level: responses for level, responses in rows}


async def supervisor_sees(slack: SignedSlackClient, fake: FakeSlack) -> str:
    before = len(fake.response_posts)
    reply = await slack.command("/pulse", "", user_id=SUPERVISOR, channel_id=TEAM)
    assert reply.status == 200
    [shown] = (await fake.wait_for_response_posts(before + 1))[before:]
    return body_text(shown.body)


def run(*command: str) -> None:
    done = subprocess.run(command, capture_output=True, text=True, timeout=120, check=False)
    assert done.returncode == 0, done.stderr


async def test_sqlite_backup_taken_while_running_restores_into_a_fresh_file_that_serves(
    fake_slack: FakeSlack, clock: MovableClock, tmp_path: Path
) -> None:
    live_url = f"sqlite+aiosqlite:///{tmp_path / 'live' / 'wellspring.db'}"
    backup = tmp_path / "backups" / "wellspring.db"
    async with running(fake_slack, live_url, clock) as (ws, slack):
        await make_data(ws, slack, fake_slack, clock)
        before = await counts(ws)
        # `make backup`'s command, while the app is up and holds the database open.
        run(sys.executable, "-m", "bot.storage.backup", str(backup), live_url)
    assert backup.stat().st_mode & 0o777 == 0o600
    restored = tmp_path / "restored" / "wellspring.db"
    restored.parent.mkdir()
    shutil.copyfile(backup, restored)
    async with running(fake_slack, f"sqlite+aiosqlite:///{restored}", clock) as (ws, slack):
        assert await counts(ws) == before
        assert sum(before.values()) == len(LEVELS)
        assert f"{len(LEVELS)} answers" in await supervisor_sees(slack, fake_slack)


async def test_postgresql_dump_restores_into_a_fresh_database_that_serves(
    fake_slack: FakeSlack, clock: MovableClock, tmp_path: Path
) -> None:
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    tools = {tool: shutil.which(tool) for tool in ("pg_dump", "pg_restore")}
    if missing := [tool for tool, path in tools.items() if path is None]:
        pytest.skip(f"{', '.join(missing)} not installed here (the PostgreSQL client tools)")
    dump = tmp_path / "wellspring.dump"
    async with fresh_postgres(base) as live_url, fresh_postgres(base) as empty_url:
        async with running(fake_slack, live_url, clock) as (ws, slack):
            await make_data(ws, slack, fake_slack, clock)
            before = await counts(ws)
            run(
                str(tools["pg_dump"]),
                "--format=custom",
                "--no-owner",
                "-f",
                str(dump),
                _libpq(live_url),
            )
        run(str(tools["pg_restore"]), "--no-owner", "--dbname", _libpq(empty_url), str(dump))
        async with running(fake_slack, empty_url, clock) as (ws, slack):
            assert await counts(ws) == before
            assert f"{len(LEVELS)} answers" in await supervisor_sees(slack, fake_slack)


def _libpq(url: str) -> str:
    """The URL as pg_dump reads it: postgresql://, without SQLAlchemy's driver name."""
    return make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
