"""SqlRotationStore: each audience's place in its decks of wording variants."""

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.rotation import DeckPosition
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import insert_once
from bot.storage.tables import rotations


class SqlRotationStore:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def position(self, workspace: WorkspaceRef, audience: str, deck: str) -> DeckPosition:
        row = (
            await self._session.execute(
                select(rotations.c.cycle, rotations.c.position, rotations.c.last)
                .where(rotations.c.workspace == workspace.key)
                .where(rotations.c.audience == audience)
                .where(rotations.c.deck == deck)
            )
        ).first()
        return DeckPosition(row.cycle, row.position, row.last) if row else DeckPosition()

    async def save(
        self, workspace: WorkspaceRef, audience: str, deck: str, at: DeckPosition
    ) -> None:
        values = {
            "cycle": at.cycle,
            "position": at.position,
            "last": at.last,
            "used_on": func.current_date(),  # the sweep deletes decks unused for long
        }
        key = {"workspace": workspace.key, "audience": audience, "deck": deck}
        if not await insert_once(self._session, rotations, **key, **values):
            await self._session.execute(
                update(rotations)
                .where(rotations.c.workspace == workspace.key)
                .where(rotations.c.audience == audience)
                .where(rotations.c.deck == deck)
                .values(**values)
            )
