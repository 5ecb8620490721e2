"""Migrations go up and down on SQLite and PostgreSQL, and agree with the models."""

import asyncio
import sys
from asyncio.subprocess import PIPE
from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import Connection, MetaData, String, inspect
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.storage.engine import create_engine
from bot.storage.migrations import downgrade, upgrade
from bot.storage.tables import metadata

# Sealed tokens are longer than slack_sdk's plain ones; migration 0009 widens these columns.
SEALED_TOKEN_COLUMNS = {
    "slack_bots": ("bot_token", "bot_refresh_token"),
    "slack_installations": ("bot_token", "bot_refresh_token", "user_token", "user_refresh_token"),
}


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _everything(engine: AsyncEngine) -> MetaData:
    """Our tables, plus those slack_sdk's stores query (taken from the stores the app builds)."""
    combined = MetaData()
    stores = (
        AsyncSQLAlchemyInstallationStore(client_id="1.2", engine=engine).metadata,
        AsyncSQLAlchemyOAuthStateStore(expiration_seconds=600, engine=engine).metadata,
    )
    for source in (metadata, *stores):
        for table in source.tables.values():
            table.to_metadata(combined)
    for name, columns in SEALED_TOKEN_COLUMNS.items():
        for column in columns:
            combined.tables[name].c[column].type = String(1000)
    return combined


def _differences(connection: Connection, expected: MetaData) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, expected))


async def test_upgrade_then_downgrade_leaves_an_empty_database(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(_everything(engine).tables)
        await downgrade(engine, MIGRATIONS)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set()
    finally:
        await engine.dispose()


async def test_models_and_migrations_agree(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        async with engine.connect() as connection:
            assert await connection.run_sync(_differences, _everything(engine)) == []
    finally:
        await engine.dispose()


def test_every_migration_file_is_named_by_date_and_revision() -> None:
    names = sorted(path.name for path in (Path(MIGRATIONS) / "versions").glob("*.py"))
    assert names and all(name[:8].isdigit() and name[8] == "_" for name in names)


def test_the_head_read_from_file_names_is_alembics_head() -> None:
    """A start at head skips Alembic by comparing with this (bot/storage/migrations.py)."""
    from alembic.script import ScriptDirectory

    from bot.storage.migrations import alembic_config, newest_revision

    script = ScriptDirectory.from_config(alembic_config(MIGRATIONS))
    assert script.get_heads() == [newest_revision(MIGRATIONS)]


async def test_a_start_at_head_does_not_load_alembic(database_url: str) -> None:
    """In a fresh process, as the app starts: migrate once, then start again at head."""
    script = (
        "import asyncio, sys\n"
        "from bootstrap import MIGRATIONS\n"
        "from bot.storage.engine import create_engine\n"
        "from bot.storage.migrations import upgrade\n"
        "engine = create_engine(sys.argv[1])\n"
        "asyncio.run(upgrade(engine, MIGRATIONS))\n"
        "print('alembic' in sys.modules)\n"
    )
    runs = []
    for _ in range(2):
        started = await asyncio.create_subprocess_exec(
            sys.executable, "-c", script, database_url, cwd=MIGRATIONS.parent, stdout=PIPE
        )
        out, _ = await started.communicate()
        assert started.returncode == 0
        runs.append(out.decode().strip().splitlines()[-1])
    assert runs == ["True", "False"], "migrated the first time, Alembic left alone at head"
