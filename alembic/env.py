"""Alembic environment: uses the app's connection when given one, else DATABASE_URL."""

import asyncio
from logging.config import fileConfig

from alembic import context
from slack_sdk.oauth.installation_store.sqlalchemy import SQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import SQLAlchemyOAuthStateStore
from sqlalchemy import Connection, MetaData
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config.settings import Settings
from bot.storage.migrations import take_migration_lock
from bot.storage.tables import metadata


def slack_sdk_metadata() -> MetaData:
    """The tables slack_sdk's installation and OAuth state stores read, in slack_sdk's shape."""
    tables = MetaData()
    store = SQLAlchemyInstallationStore
    store.build_installations_table(tables, store.default_installations_table_name)
    store.build_bots_table(tables, store.default_bots_table_name)
    states = SQLAlchemyOAuthStateStore
    states.build_oauth_states_table(tables, states.default_table_name)
    return tables


config = context.config
if config.config_file_name is not None:
    fileConfig(config.config_file_name)


def _migrate(connection: Connection) -> None:
    context.configure(
        connection=connection,
        target_metadata=[metadata, slack_sdk_metadata()],
        render_as_batch=connection.dialect.name == "sqlite",
        compare_type=True,
    )
    with context.begin_transaction():
        context.run_migrations()


async def _migrate_from_settings() -> None:
    settings = Settings()
    config.attributes["token_keys"] = settings.token_encryption_keys()
    # Like the app's engine: a failed statement's values (ids, notes) stay out of the log.
    engine = create_async_engine(settings.database_url, hide_parameters=True)
    async with engine.begin() as connection:
        await take_migration_lock(connection)  # a release job and starting replicas queue too
        await connection.run_sync(_migrate)
    await engine.dispose()


def run() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _migrate(connection)
    else:
        asyncio.run(_migrate_from_settings())


if context.is_offline_mode():
    raise SystemExit("Offline (--sql) migrations are not supported; run against a database.")
run()
