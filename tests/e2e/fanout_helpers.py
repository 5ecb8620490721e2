"""Shared steps for fan-out tests: many check-in schedules due at 09:00, made directly."""

import uuid
from datetime import UTC, datetime, time, timedelta

from bootstrap import Wellspring
from bot.domain.schedules import Recurrence, Schedule, ScheduleKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_session_factory
from bot.storage.unit_of_work import SqlUnitOfWork

WORKSPACE = WorkspaceRef("slack", "T0AGENCY")
NINE = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)


async def add_checkins_at_nine(
    app: Wellspring, channels: int, kind: ScheduleKind = ScheduleKind.CHECKIN
) -> list[str]:
    """Daily 09:00 UTC schedules in channels C00000, C00001, ...; their ids."""
    every_day = Recurrence(frozenset(range(7)), time(9, 0), "UTC")
    made = [
        Schedule(
            str(uuid.uuid4()),
            WORKSPACE,
            kind,
            every_day,
            "U0OWNER",
            NINE - timedelta(days=1),
            f"C{i:05d}",
        )
        for i in range(channels)
    ]
    async with SqlUnitOfWork(create_session_factory(app.engine)) as uow:
        for schedule in made:
            await uow.schedules.add(schedule)
        await uow.commit()
    return [schedule.id for schedule in made]
