"""Counts of work in progress for the operator's gauges: nothing but two numbers."""

from dataclasses import dataclass

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.debriefs import OfferStatus
from bot.storage.tables import checkins, debrief_offers


@dataclass(frozen=True)
class OpenWork:
    open_checkins: int
    pending_offers: int


async def count_open_work(engine: AsyncEngine) -> OpenWork:
    """Check-ins not yet closed and debrief offers not yet answered, in one round trip."""
    open_checkins = (
        select(func.count()).select_from(checkins).where(checkins.c.closed.is_(False))
    ).scalar_subquery()
    pending = (
        select(func.count())
        .select_from(debrief_offers)
        .where(debrief_offers.c.status == OfferStatus.OPEN.value)
    ).scalar_subquery()
    async with engine.connect() as connection:
        row = (await connection.execute(select(open_checkins, pending))).one()
    return OpenWork(int(row[0]), int(row[1]))
