"""Every byte a copy of the database files would show, as the server holds them right now.

PostgreSQL: every block of every relation with storage (tables, indexes, TOAST, sequences,
catalogs), read with pageinspect's get_raw_page, so dead row versions and free space count.
SQLite: the main file and its write-ahead log, byte by byte (free pages included).
"""

from pathlib import Path

import asyncpg
from sqlalchemy.engine import make_url

_EVERY_BLOCK = """
SELECT get_raw_page(c.oid::regclass::text, 'main', block)
FROM pg_class AS c,
     generate_series(0, pg_relation_size(c.oid) / current_setting('block_size')::int - 1) AS block
WHERE c.relkind IN ('r', 'i', 't', 'm', 'S')
"""


async def raw_pages(database_url: str) -> bytes:
    """All raw pages of the database at `database_url`, concatenated."""
    url = make_url(database_url)
    if url.get_backend_name() == "sqlite":
        return _file_and_wal(Path(url.database or ""))
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute("CREATE EXTENSION IF NOT EXISTS pageinspect")
        return b"".join(row[0] for row in await connection.fetch(_EVERY_BLOCK))
    finally:
        await connection.close()


def _file_and_wal(path: Path) -> bytes:
    wal = path.with_name(path.name + "-wal")
    return path.read_bytes() + (wal.read_bytes() if wal.exists() else b"")


def found(needles: list[str], pages: bytes) -> list[str]:
    """The needles that occur anywhere in `pages`."""
    return [needle for needle in needles if needle.encode() in pages]
