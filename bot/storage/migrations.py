"""Runs Alembic migrations on the app's own engine.

Alembic (with Mako and Pygments) costs about 11 MB resident and 80 ms at import: a start
that finds the schema at head, the usual one, does not load it (`upgrade`).
"""

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Connection, text
from sqlalchemy.exc import DBAPIError
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

if TYPE_CHECKING:
    from alembic.config import Config

# One fixed advisory-lock key for every Wellspring migration ("Well" in ASCII). Replicas that
# start together queue on it: the first migrates, the others then find the schema at head.
MIGRATION_LOCK_KEY = 0x57656C6C


def alembic_config(script_location: Path) -> "Config":
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


async def upgrade(
    engine: AsyncEngine,
    script_location: Path,
    revision: str = "head",
    token_keys: Sequence[str] = (),
) -> None:
    """Bring the schema up to `revision`; `token_keys` seal stored tokens (the first one)."""
    if revision == "head" and await _at(engine, newest_revision(script_location)):
        return
    from alembic import command

    await _run(
        engine, script_location, lambda config: command.upgrade(config, revision), token_keys
    )


def newest_revision(script_location: Path) -> str:
    """The head's id, from the migrations' file names (`<date>_<id>_<what>.py`, the ids in
    order; tests/integration/test_migrations.py checks it against Alembic's head)."""
    return max(path.name.split("_")[1] for path in (script_location / "versions").glob("*.py"))


async def _at(engine: AsyncEngine, revision: str) -> bool:
    """Whether the database is at `revision` (False for a new one)."""
    try:
        async with engine.connect() as connection:
            found = await connection.scalars(text("SELECT version_num FROM alembic_version"))
            return list(found) == [revision]
    except DBAPIError:
        return False  # no alembic_version table yet


async def downgrade(
    engine: AsyncEngine,
    script_location: Path,
    revision: str = "base",
    token_keys: Sequence[str] = (),
) -> None:
    """Take the schema down to `revision`; `token_keys` open sealed tokens again."""
    from alembic import command

    await _run(
        engine, script_location, lambda config: command.downgrade(config, revision), token_keys
    )


async def _run(
    engine: AsyncEngine,
    script_location: Path,
    step: Callable[["Config"], None],
    token_keys: Sequence[str],
) -> None:
    # env.py picks up this connection, so migrations share the app's engine and driver;
    # the keys travel the same way, so no migration reads settings.
    config = alembic_config(script_location)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        config.attributes["token_keys"] = list(token_keys)
        step(config)

    async with engine.begin() as connection:
        await take_migration_lock(connection)
        await connection.run_sync(run)


async def take_migration_lock(connection: AsyncConnection) -> None:
    """On PostgreSQL, wait for the migration lock; it is released when the transaction ends.

    The transaction-scoped lock (pg_advisory_xact_lock) cannot outlive a failed or killed
    migration, and Alembic reads the current revision only after it is held. SQLite needs
    none: a writer there already holds the whole file.
    """
    if connection.dialect.name == "postgresql":
        await connection.execute(
            text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK_KEY}
        )
