"""Fixtures shared by every test: fresh databases of each kind."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.support.databases import (
    POSTGRES_SKIP_REASON,
    fresh_postgres,
    postgres_base_url,
    sqlite_url,
)


@pytest.fixture(params=["sqlite", "postgresql"])
async def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[str]:
    """An empty database of each kind; PostgreSQL only when TEST_DATABASE_URL is set."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    base = postgres_base_url()
    if base is None:
        pytest.skip(POSTGRES_SKIP_REASON)
    async with fresh_postgres(base) as url:
        yield url


@pytest.fixture
async def sqlite_database_url(tmp_path: Path) -> str:
    return sqlite_url(tmp_path)
