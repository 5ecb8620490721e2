"""The unit of work: one transaction per event, activity or job, with every repository."""

from collections.abc import Callable
from types import TracebackType
from typing import Protocol, Self

from bot.ports.pulse_records import (
    CheckinRepository,
    NoisyWeeks,
    PulsePeriods,
    PulseViewLog,
)
from bot.ports.records import (
    AdminActionLog,
    DebriefRepository,
    DeliveryLog,
    HolidayCalendar,
    PersonalDataRepository,
    PlacementRepository,
    RetentionSweep,
    RotationStore,
    ScheduleRepository,
    SupervisorTeams,
    VolunteerRepository,
)


class UnitOfWork(Protocol):
    """One transaction per event, activity or job."""

    @property
    def deliveries(self) -> DeliveryLog: ...
    @property
    def schedules(self) -> ScheduleRepository: ...
    @property
    def rotations(self) -> RotationStore: ...
    @property
    def checkins(self) -> CheckinRepository: ...
    @property
    def periods(self) -> PulsePeriods: ...
    @property
    def noisy_weeks(self) -> NoisyWeeks: ...
    @property
    def views(self) -> PulseViewLog: ...
    @property
    def volunteers(self) -> VolunteerRepository: ...
    @property
    def debriefs(self) -> DebriefRepository: ...
    @property
    def placements(self) -> PlacementRepository: ...
    @property
    def personal(self) -> PersonalDataRepository: ...
    @property
    def holidays(self) -> HolidayCalendar: ...
    @property
    def assignments(self) -> SupervisorTeams: ...
    @property
    def admin_actions(self) -> AdminActionLog: ...
    @property
    def retention(self) -> RetentionSweep: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
