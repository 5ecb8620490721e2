"""Upgrades: replicas starting together migrate once; migrations can run as a one-off job."""

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import create_async_engine

from bootstrap import MIGRATIONS, start_wellspring
from bot.storage.migrations import upgrade
from tests.e2e.conftest import MovableClock, make_settings
from tests.fakes.slack_api import FakeSlack
from tests.support.databases import (
    POSTGRES_SKIP_REASON,
    fresh_postgres,
    postgres_base_url,
    sqlite_url,
)

ROOT = Path(__file__).resolve().parents[2]


async def _head() -> str:
    from alembic.script import ScriptDirectory

    from bot.storage.migrations import alembic_config

    head = ScriptDirectory.from_config(alembic_config(MIGRATIONS)).get_current_head()
    assert head is not None
    return head


async def _versions(url: str) -> list[str]:
    engine = create_async_engine(url)
    try:
        async with engine.connect() as connection:
            tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
            if "alembic_version" not in tables:
                return []
            rows = await connection.execute(text("SELECT version_num FROM alembic_version"))
            return [row[0] for row in rows]
    finally:
        await engine.dispose()


@pytest.fixture
async def empty_postgres() -> object:
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with fresh_postgres(base) as url:
        yield url


async def test_two_replicas_starting_together_on_empty_postgresql_migrate_once(
    fake_slack: FakeSlack, clock: MovableClock, empty_postgres: str
) -> None:
    settings = make_settings(fake_slack, empty_postgres)
    # Without the lock the two upgrades wait on each other's uncommitted tables for ever
    # (in one process) or one fails on a duplicate table (in two): bound the wait.
    started = await asyncio.wait_for(
        asyncio.gather(
            start_wellspring(settings, clock),
            start_wellspring(settings, clock),
            return_exceptions=True,
        ),
        timeout=60,
    )
    try:
        errors = [result for result in started if isinstance(result, BaseException)]
        assert errors == [], f"a replica failed to start: {errors!r}"
        assert await _versions(empty_postgres) == [await _head()]
    finally:
        for ws in started:
            if not isinstance(ws, BaseException):
                await ws.stop()


async def test_concurrent_upgrades_on_one_postgresql_database_run_once(
    empty_postgres: str,
) -> None:
    engines = [create_async_engine(empty_postgres) for _ in range(3)]
    try:
        await asyncio.gather(*(upgrade(engine, MIGRATIONS) for engine in engines))
    finally:
        for engine in engines:
            await engine.dispose()
    assert await _versions(empty_postgres) == [await _head()]


async def test_with_auto_migrate_off_the_app_does_not_migrate(
    fake_slack: FakeSlack, clock: MovableClock, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    settings = make_settings(fake_slack, url, auto_migrate=False)
    with pytest.raises(Exception, match="no such table"):
        await start_wellspring(settings, clock)
    assert await _versions(url) == [], "nothing was migrated"


def _migrate_in_a_process(url: str) -> subprocess.Popen[str]:
    """The command the image runs as a one-off job (docs/upgrading.md): alembic upgrade head,
    in the folder that holds alembic.ini, with DATABASE_URL from the environment."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return subprocess.Popen(
        [sys.executable, "-m", "alembic", "upgrade", "head"],
        cwd=ROOT,
        env={**clean, "DATABASE_URL": url},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def test_migration_jobs_in_separate_processes_on_empty_postgresql_migrate_once(
    empty_postgres: str,
) -> None:
    jobs = [_migrate_in_a_process(empty_postgres) for _ in range(3)]
    errors = [job.communicate(timeout=120)[1] for job in jobs]
    assert [job.returncode for job in jobs] == [0, 0, 0], errors
    assert await _versions(empty_postgres) == [await _head()]


def test_the_one_off_migration_command_prepares_the_database_for_a_non_migrating_app(
    tmp_path: Path,
) -> None:
    url = sqlite_url(tmp_path)
    job = _migrate_in_a_process(url)
    errors = job.communicate(timeout=120)[1]
    assert job.returncode == 0, errors
    assert asyncio.run(_versions(url)) == [asyncio.run(_head())]


async def test_a_database_migrated_by_the_job_serves_an_app_that_does_not_migrate(
    fake_slack: FakeSlack, clock: MovableClock, tmp_path: Path
) -> None:
    url = sqlite_url(tmp_path)
    engine = create_async_engine(url)
    try:
        await upgrade(engine, MIGRATIONS)
    finally:
        await engine.dispose()
    ws = await start_wellspring(make_settings(fake_slack, url, auto_migrate=False), clock)
    await ws.stop()
    assert await _versions(url) == [await _head()]
