"""The clicks' own pool (bot/storage/click_ledger.py): a separate pool beside the app's, except
for a private in-memory SQLite database, which exists on its one connection only."""

from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from sqlalchemy.pool.base import reset_none

from bot.storage.click_ledger import _private_memory, click_engine
from bot.storage.engine import create_engine


@pytest.mark.parametrize(
    ("url", "private"),
    [
        ("sqlite+aiosqlite://", True),
        ("sqlite+aiosqlite:///:memory:", True),
        ("sqlite+aiosqlite:///file::memory:?uri=true", True),
        ("sqlite+aiosqlite:///file:clicks?mode=memory&uri=true", True),
        ("sqlite+aiosqlite:///file::memory:?cache=shared&uri=true", False),
        ("sqlite+aiosqlite:///file:clicks?mode=memory&cache=shared&uri=true", False),
        ("sqlite+aiosqlite:////var/lib/wellspring/wellspring.db", False),
        ("sqlite+aiosqlite:///memory.db", False),
        ("postgresql+asyncpg://wellspring@db/wellspring", False),
    ],
)
def test_only_an_unshared_in_memory_sqlite_database_is_private(url: str, private: bool) -> None:
    assert _private_memory(make_url(url)) is private


async def test_a_database_file_gets_a_pool_of_its_own_and_private_memory_shares(
    tmp_path: Path,
) -> None:
    in_file = create_engine(f"sqlite+aiosqlite:///{tmp_path}/wellspring.db")
    in_memory = create_engine("sqlite+aiosqlite://")
    server = create_engine("postgresql+asyncpg://wellspring:s3cret@db.example/wellspring")
    own, own_server = click_engine(in_file), click_engine(server)
    try:
        assert own_server.url.password == "s3cret", "the same credentials, not a masked copy"
        assert own is not in_file and own.url == in_file.url
        # Each click ends its own transaction: nothing to roll back when it is handed back.
        assert own.sync_engine.pool._reset_on_return is reset_none
        assert in_file.sync_engine.pool._reset_on_return is not reset_none
        assert click_engine(in_memory) is in_memory
    finally:
        for engine in (own, in_file, in_memory, own_server, server):
            await engine.dispose()
