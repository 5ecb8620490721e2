"""Protocols the core needs from the outside world; storage and adapters implement them."""

from collections.abc import Callable
from datetime import datetime
from types import TracebackType
from typing import Protocol, Self

from bot.domain.checkins import Checkin
from bot.domain.rotation import DeckPosition
from bot.domain.schedules import RunStatus, Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.messages import Card


class DeliveryLog(Protocol):
    """Remembers which inbound deliveries (events) already took effect."""

    async def claim(self, workspace: WorkspaceRef, delivery_id: str, at: datetime) -> bool:
        """True the first time a delivery id is seen for a workspace, False after that."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class ScheduleRepository(Protocol):
    async def add(self, schedule: Schedule) -> None: ...
    async def get(self, schedule_id: str) -> Schedule | None: ...
    async def for_conversation(
        self, workspace: WorkspaceRef, conversation: str
    ) -> list[Schedule]: ...
    async def personal_for(self, workspace: WorkspaceRef, owner: str) -> list[Schedule]: ...
    async def active(self) -> list[Schedule]: ...
    async def set_paused(self, schedule_id: str, paused: bool) -> bool: ...
    async def remove(self, schedule_id: str) -> bool: ...
    async def last_fire_at(self, schedule_id: str) -> datetime | None: ...
    async def claim_run(self, schedule_id: str, fire_at: datetime, status: RunStatus) -> bool:
        """Record a run once; False if it was already recorded (by any replica)."""
        ...

    async def finish_run(self, schedule_id: str, fire_at: datetime, status: RunStatus) -> None: ...
    async def runs(self, schedule_id: str) -> list[tuple[datetime, RunStatus]]: ...


class RotationStore(Protocol):
    async def position(self, workspace: WorkspaceRef, audience: str, deck: str) -> DeckPosition: ...
    async def save(
        self, workspace: WorkspaceRef, audience: str, deck: str, at: DeckPosition
    ) -> None: ...


class CheckinRepository(Protocol):
    async def add(self, checkin: Checkin) -> None: ...


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

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]


class ConversationUnavailable(Exception):
    """The platform will not take posts there (bot removed, archived, not found)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Messenger(Protocol):
    """Sends cards on one platform."""

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> None:
        """Post to a team conversation; raises ConversationUnavailable when it is gone."""
        ...

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> None:
        """A private message to one person."""
        ...

    def mention(self, conversation: str) -> str:
        """How to name a conversation inside a message's text."""
        ...


class Wakeups(Protocol):
    """Keeps the scheduler's wake-up times in step with the schedules table."""

    def schedule_saved(self, schedule: Schedule) -> None: ...
    def schedule_removed(self, schedule_id: str) -> None: ...
