"""Protocols the core needs from the outside world; storage and adapters implement them."""

from collections.abc import Awaitable, Callable
from datetime import datetime, time
from types import TracebackType
from typing import Protocol, Self

from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.reports import ClosedCheckin, PulseView
from bot.domain.rotation import DeckPosition
from bot.domain.schedules import RunStatus, Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.messages import Attachment, Card


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
    async def add(self, checkin: Checkin, participation_key: bytes) -> None:
        """Store a check-in with zero counts for every level."""
        ...

    async def set_message(self, checkin_id: str, message_id: str) -> None: ...
    async def get(self, checkin_id: str) -> Checkin | None: ...
    async def participation_key(self, checkin_id: str) -> bytes | None:
        """The open check-in's key, locking its row until commit (serialises with close)."""
        ...

    async def due_to_close(self, now: datetime) -> list[Checkin]: ...
    async def next_closing(self) -> datetime | None: ...
    async def close(self, checkin_id: str) -> bool:
        """Destroy the key and the participation markers; False if already closed."""
        ...

    async def note_supervisors(self, checkin_id: str, supervisors: frozenset[str]) -> None: ...
    async def teams(self, workspace: WorkspaceRef) -> list[str]:
        """Conversations that have had check-ins."""
        ...

    async def workspaces(self) -> list[WorkspaceRef]: ...
    async def closed_since(
        self, workspace: WorkspaceRef, teams: list[str], since: datetime
    ) -> list[ClosedCheckin]:
        """Closed check-ins posted since `since`, oldest first, with their final counts."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class PulseRepository(Protocol):
    """Answers, kept as counts; who answered is a keyed marker that dies with the window."""

    async def mark_participant(self, checkin_id: str, marker: str) -> bool:
        """True the first time a marker is seen for a check-in."""
        ...

    async def count(self, checkin_id: str, level: PulseLevel) -> None: ...


class PulseViewLog(Protocol):
    """The audit log of who looked at which team's numbers."""

    async def record(self, view: PulseView) -> None: ...
    async def recent(
        self, workspace: WorkspaceRef, teams: list[str], limit: int
    ) -> list[PulseView]: ...
    async def forget_before(self, cutoff: datetime) -> int: ...
    async def claim_digest(self, workspace: WorkspaceRef, supervisor: str, week: str) -> bool:
        """True once per supervisor and week, across replicas."""
        ...


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
    def pulses(self) -> PulseRepository: ...
    @property
    def views(self) -> PulseViewLog: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
Job = Callable[[], Awaitable[object]]


class ConversationUnavailable(Exception):
    """The platform will not take posts there (bot removed, archived, not found)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Messenger(Protocol):
    """Sends cards on one platform."""

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        """Post to a team conversation and return the message's id.

        Raises ConversationUnavailable when the conversation is gone.
        """
        ...

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        """Replace a message this bot posted."""
        ...

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        """Send a file to one person, privately."""
        ...

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> None:
        """A private message to one person."""
        ...

    def mention(self, conversation: str) -> str:
        """How to name a conversation inside a message's text."""
        ...


class Directory(Protocol):
    """What the platform says about people and conversations."""

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        """Everyone in a conversation; raises ConversationUnavailable if it is gone."""
        ...

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        """The person's IANA time zone; UTC when the platform can't say."""
        ...


class Wakeups(Protocol):
    """Keeps the scheduler's wake-up times in step with the tables."""

    def schedule_saved(self, schedule: Schedule) -> None: ...
    def schedule_removed(self, schedule_id: str) -> None: ...
    def due_at(self, when: datetime) -> None:
        """Something (a check-in closing) is due at `when`: sweep the deadlines then."""
        ...

    def weekly(self, job_id: str, day: str, at: time, timezone: str, job: Job) -> None:
        """Run `job` every week on `day` ("mon") at a local time."""
        ...
