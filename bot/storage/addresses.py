"""SqlAddressBook: where a platform can reach conversations and people, kept for later."""

from sqlalchemy import ColumnElement, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, insert_once
from bot.storage.tables import platform_addresses


class SqlAddressBook:
    """Each call is its own short transaction: adapters call it outside any unit of work."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def save(self, workspace: WorkspaceRef, key: str, address: str) -> None:
        async with self._sessions() as session:
            row = _row(workspace, key)
            changed = await session.execute(
                update(platform_addresses).where(row).values(address=address)
            )
            if not affected(changed):
                await insert_once(
                    session, platform_addresses, workspace=workspace.key, key=key, address=address
                )
            await session.commit()

    async def find(self, workspace: WorkspaceRef, key: str) -> str | None:
        async with self._sessions() as session:
            query = select(platform_addresses.c.address).where(_row(workspace, key))
            return (await session.execute(query)).scalar()

    async def forget(self, workspace: WorkspaceRef, key: str) -> None:
        async with self._sessions() as session:
            await session.execute(delete(platform_addresses).where(_row(workspace, key)))
            await session.commit()


def _row(workspace: WorkspaceRef, key: str) -> ColumnElement[bool]:
    return (platform_addresses.c.workspace == workspace.key) & (platform_addresses.c.key == key)
