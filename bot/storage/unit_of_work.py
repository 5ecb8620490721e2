"""SqlUnitOfWork: one AsyncSession and its repositories per event or job."""

from collections.abc import Callable, Mapping
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.domain.admin_actions import AdminAction
from bot.domain.reports import PulseView
from bot.storage.admin_actions import SqlAdminActionLog
from bot.storage.assignments import SqlSupervisorTeams
from bot.storage.checkins import SqlCheckinRepository
from bot.storage.debriefs import SqlDebriefRepository
from bot.storage.deliveries import SqlDeliveryLog
from bot.storage.holidays import SqlHolidayCalendar
from bot.storage.noisy_weeks import SqlNoisyWeeks
from bot.storage.personal_data import SqlPersonalData
from bot.storage.placements import SqlPlacementRepository
from bot.storage.pulse_periods import SqlPulsePeriods
from bot.storage.pulses import SqlPulseViewLog
from bot.storage.retention import RETENTION, Kept, SqlRetentionSweep
from bot.storage.rotations import SqlRotationStore
from bot.storage.schedules import SqlScheduleRepository
from bot.storage.volunteers import SqlVolunteerRepository


class SqlUnitOfWork:
    """Rolls back unless commit() was called."""

    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        ship_look: Callable[[PulseView], None] | None = None,
        retention: Mapping[str, Kept] = RETENTION,
        ship_action: Callable[[AdminAction], None] | None = None,
    ) -> None:
        self._sessions = sessions
        # Each table's retention; the platforms' tables added by the composition root.
        self._retention = retention
        # Each admin action, once it is committed (AUDIT_LOG_LINES).
        self._ship_action = ship_action
        # Each look at the numbers, once it is committed (AUDIT_LOG_LINES).
        self._ship_look = ship_look

    async def __aenter__(self) -> Self:
        self._session = self._sessions()
        self.deliveries = SqlDeliveryLog(self._session)
        self.schedules = SqlScheduleRepository(self._session)
        self.rotations = SqlRotationStore(self._session)
        self.checkins = SqlCheckinRepository(self._session)
        self.periods = SqlPulsePeriods(self._session)
        self.noisy_weeks = SqlNoisyWeeks(self._session)
        self.views = SqlPulseViewLog(self._session)
        self.volunteers = SqlVolunteerRepository(self._session)
        self.debriefs = SqlDebriefRepository(self._session)
        self.placements = SqlPlacementRepository(self._session)
        self.personal = SqlPersonalData(self._session)
        self.holidays = SqlHolidayCalendar(self._session)
        self.assignments = SqlSupervisorTeams(self._session)
        self.admin_actions = SqlAdminActionLog(self._session)
        self.retention = SqlRetentionSweep(self._session, self._retention)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            await self._session.rollback()
        finally:
            await self._session.close()

    async def commit(self) -> None:
        await self._session.commit()
        looks, self.views.recorded = self.views.recorded, []
        if self._ship_look is not None:
            for look in looks:
                self._ship_look(look)
        actions, self.admin_actions.recorded = self.admin_actions.recorded, []
        if self._ship_action is not None:
            for action in actions:
                self._ship_action(action)
