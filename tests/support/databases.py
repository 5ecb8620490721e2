"""Fresh, isolated databases for tests: a temporary SQLite file or a new PostgreSQL database."""

import os
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

POSTGRES_SKIP_REASON = (
    "TEST_DATABASE_URL is not set; export it (e.g. postgresql+asyncpg://postgres@127.0.0.1:5432/test)"
    " to run the PostgreSQL tests. .ci/run sets it."
)


def postgres_base_url() -> str | None:
    return os.environ.get("TEST_DATABASE_URL") or None


@asynccontextmanager
async def fresh_postgres(base_url: str) -> AsyncIterator[str]:
    """Create an empty database beside TEST_DATABASE_URL's, yield its URL, drop it after."""
    url = make_url(base_url)
    admin_dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    name = f"wellspring_test_{uuid.uuid4().hex[:12]}"
    admin = await asyncpg.connect(admin_dsn)
    try:
        await admin.execute(f'CREATE DATABASE "{name}"')
        yield url.set(drivername="postgresql+asyncpg", database=name).render_as_string(
            hide_password=False
        )
    finally:
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def sqlite_url(folder: Path) -> str:
    return f"sqlite+aiosqlite:///{folder / 'wellspring.db'}"
