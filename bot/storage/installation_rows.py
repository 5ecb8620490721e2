"""Rows of a platform SDK's installation tables: one kept per workspace, tokens re-sealed on
key change.

The tables come from the SDK's own store (the composition root hands them over), so storage
names no platform; these two jobs touch only the columns every such table has: an id, the
workspace's keys, the install time, and the `*token` columns.
"""

import logging
from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.keys.token_cipher import TokenCipher, TokenUnreadable

logger = logging.getLogger(__name__)


class SqlInstallationRows:
    def __init__(self, engine: AsyncEngine, tables: Sequence[sa.Table]) -> None:
        self._engine, self._tables = engine, tuple(tables)

    async def forget_superseded(self) -> None:
        """Delete every row a newer installation of the same workspace replaced."""
        async with self._engine.begin() as connection:
            for table in self._tables:
                await connection.execute(table.delete().where(_superseded(table)))

    async def reseal(self, cipher: TokenCipher) -> None:
        """Seal every stored token with the cipher's first key (after a key rotation)."""
        resealed = unreadable = 0
        async with self._engine.begin() as connection:
            for table in self._tables:
                tokens = [c for c in table.c if c.name.endswith("token")]
                for row in await connection.execute(sa.select(table.c.id, *tokens)):
                    for column in tokens:
                        value = row._mapping[column.name]
                        try:
                            sealed = cipher.reseal(value) if value else None
                        except TokenUnreadable:
                            unreadable += 1
                            continue
                        if sealed is not None:
                            # Only if unchanged meanwhile: another replica may have resealed it.
                            await connection.execute(
                                table.update()
                                .where(table.c.id == row.id, column == value)
                                .values({column.name: sealed})
                            )
                            resealed += 1
        if resealed:
            logger.info(
                "re-sealed %d stored token(s) with the first TOKEN_ENCRYPTION_KEY", resealed
            )
        if unreadable:
            logger.warning(
                "%d stored token(s) open with no TOKEN_ENCRYPTION_KEY: put back the key that "
                "sealed them, or reinstall the app in those workspaces",
                unreadable,
            )


def _superseded(table: sa.Table) -> sa.ColumnElement[bool]:
    newer = table.alias("newer")
    same = sa.and_(
        newer.c.client_id == table.c.client_id,
        sa.func.coalesce(newer.c.enterprise_id, "") == sa.func.coalesce(table.c.enterprise_id, ""),
        sa.func.coalesce(newer.c.team_id, "") == sa.func.coalesce(table.c.team_id, ""),
    )
    later = sa.or_(
        newer.c.installed_at > table.c.installed_at,
        sa.and_(newer.c.installed_at == table.c.installed_at, newer.c.id > table.c.id),
    )
    return sa.exists().where(same, later)
