"""Runs Alembic migrations on the app's own engine."""

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection
from sqlalchemy.ext.asyncio import AsyncEngine


def alembic_config(script_location: Path) -> Config:
    config = Config()
    config.set_main_option("script_location", str(script_location))
    return config


async def upgrade(engine: AsyncEngine, script_location: Path, revision: str = "head") -> None:
    """Bring the schema up to `revision`."""
    await _run(engine, script_location, lambda config: command.upgrade(config, revision))


async def downgrade(engine: AsyncEngine, script_location: Path, revision: str = "base") -> None:
    """Take the schema down to `revision`."""
    await _run(engine, script_location, lambda config: command.downgrade(config, revision))


async def _run(engine: AsyncEngine, script_location: Path, step: Callable[[Config], None]) -> None:
    # env.py picks up this connection, so migrations share the app's engine and driver.
    config = alembic_config(script_location)

    def run(connection: Connection) -> None:
        config.attributes["connection"] = connection
        step(config)

    async with engine.begin() as connection:
        await connection.run_sync(run)
