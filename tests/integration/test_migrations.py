"""Migrations go up and down on SQLite and PostgreSQL, and agree with the models."""

from pathlib import Path

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import Connection, inspect

from app import MIGRATIONS
from bot.storage.engine import create_engine
from bot.storage.migrations import downgrade, upgrade
from bot.storage.tables import metadata


def _tables(connection: Connection) -> set[str]:
    return set(inspect(connection).get_table_names()) - {"alembic_version"}


def _differences(connection: Connection) -> list[object]:
    context = MigrationContext.configure(connection, opts={"compare_type": True})
    return list(compare_metadata(context, metadata))


async def test_upgrade_then_downgrade_leaves_an_empty_database(database_url: str) -> None:
    engine = create_engine(database_url)
    try:
        await upgrade(engine, MIGRATIONS)
        async with engine.connect() as connection:
            assert await connection.run_sync(_tables) == set(metadata.tables)
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
            assert await connection.run_sync(_differences) == []
    finally:
        await engine.dispose()


def test_every_migration_file_is_named_by_date_and_revision() -> None:
    names = sorted(path.name for path in (Path(MIGRATIONS) / "versions").glob("*.py"))
    assert names and all(name[:8].isdigit() and name[8] == "_" for name in names)
