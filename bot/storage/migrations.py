"""Runs Alembic migrations on the app's own engine."""

from collections.abc import Callable, Sequence
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(script_location: Path) -> Config:
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
    await _run(
        engine, script_location, lambda config: command.upgrade(config, revision), token_keys
    )


async def downgrade(
    engine: AsyncEngine,
    script_location: Path,
    revision: str = "base",
    token_keys: Sequence[str] = (),
) -> None:
    """Take the schema down to `revision`; `token_keys` open sealed tokens again."""
    await _run(
        engine, script_location, lambda config: command.downgrade(config, revision), token_keys
    )


async def _run(
    engine: AsyncEngine,
    script_location: Path,
    step: Callable[[Config], None],
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
        await connection.run_sync(run)
