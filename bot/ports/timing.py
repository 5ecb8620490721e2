"""Protocols for when work runs: the scheduler's wake-ups and turns shared by every replica."""

from collections.abc import Awaitable, Callable
from datetime import datetime, time
from typing import Protocol

from bot.domain.schedules import Schedule

Job = Callable[[], Awaitable[object]]


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


class SendTurns(Protocol):
    """Turns to send, reserved where every replica sees them, so together they keep a rate."""

    async def take(self, key: str, interval: float) -> float:
        """Reserve the next turn under `key`, `interval` seconds after the last one reserved;
        return how many seconds from now it starts (0 when it is free now)."""
        ...
