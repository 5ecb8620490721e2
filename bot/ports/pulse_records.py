"""Protocols for the pulse's records: check-ins, answers, period markers, looks, noisy weeks,
and the eraser of what deleted rows leave behind."""

from collections.abc import Sequence
from datetime import datetime
from typing import Protocol

from bot.domain.checkins import Checkin
from bot.domain.clicks import Answer, Outcome
from bot.domain.periods import Month
from bot.domain.pulses import IsoWeek, Tally
from bot.domain.reports import MonthRest, PulseView, WeekPeople, WeekSums
from bot.domain.workspaces import WorkspaceRef


class CheckinRepository(Protocol):
    async def add(self, checkin: Checkin) -> None:
        """Store a check-in, with room for its markers and zero counts for every level."""
        ...

    async def set_message(self, checkin_id: str, message_id: str) -> None: ...
    async def discard_unposted(self, checkin_id: str) -> None: ...
    async def get(self, checkin_id: str) -> Checkin | None: ...
    async def due_to_close(self, now: datetime) -> list[Checkin]: ...
    async def next_closing(self) -> datetime | None: ...
    async def close(self, checkin_id: str) -> bool:
        """Mark it closed, keep its final counts and remove its markers and everything else
        of its window; False if already closed."""
        ...

    async def teams(self, workspace: WorkspaceRef) -> list[str]:
        """Conversations that have had check-ins."""
        ...

    async def workspaces(self) -> list[WorkspaceRef]: ...
    async def week_sums(
        self, workspace: WorkspaceRef, teams: list[str], weeks: list[IsoWeek], at_least: int
    ) -> list[WeekSums]:
        """Closed check-ins added up per team and week (for teams and weeks that have any):
        those with at least `at_least` answers apart from the others."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class ClickLedger(Protocol):
    """Counts a click in one go, committed before it answers (no unit of work around it)."""

    async def count_answer(self, answer: Answer) -> Outcome:
        """COUNTED: all of the answer's markers recorded, its level counted and its period
        marker written, together; ALREADY if any marker was there; CLOSED if the window
        is closed or closing. Raises if the database fails (nothing was counted then)."""
        ...


class HistoryEraser(Protocol):
    """Wipes what deleted rows leave behind in the database files (freed pages, the WAL)."""

    async def erase(self) -> bool:
        """After rows naming people were deleted: True when nothing of them is left
        readable; False when the database was busy (the eraser retries it by itself)."""
        ...

    async def wipe_windows(self) -> bool:
        """After check-ins closed: True when none of their markers, nor the order their
        counters grew in, is left readable; False when busy (retried by itself)."""
        ...

    async def wipe_periods(self) -> bool:
        """After a month's period markers were deleted: True when none is left readable;
        False when busy (retried by itself)."""
        ...


class PulsePeriods(Protocol):
    """The distinct people of each team's weeks, counted with keyed period markers."""

    async def open(self, checkin: Checkin) -> None: ...
    async def settle(self, now: datetime, minimum: int, keys: Sequence[str]) -> bool:
        """Settle what is due; True if a month's markers were deleted (wipe them)."""
        ...

    async def people(
        self, workspace: WorkspaceRef, teams: list[str], weeks: Sequence[IsoWeek]
    ) -> list[WeekPeople]: ...
    async def rests(
        self, workspace: WorkspaceRef, teams: list[str], months: Sequence[Month]
    ) -> list[MonthRest]: ...
    async def forget_before(self, cutoff: datetime) -> None: ...


class PulseViewLog(Protocol):
    """The audit log of who looked at which team's numbers."""

    async def record(self, *views: PulseView) -> None:
        """One look, written as one line per team it showed."""
        ...

    async def recent(
        self, workspace: WorkspaceRef, teams: list[str], limit: int
    ) -> list[PulseView]: ...
    async def forget_before(self, cutoff: datetime) -> int: ...
    async def claim_digest(self, workspace: WorkspaceRef, supervisor: str, week: str) -> bool:
        """True once per supervisor and week, across replicas."""
        ...


class NoisyWeeks(Protocol):
    """Each settled team week's noisy release (PULSE_PRIVACY=dp), kept once."""

    async def releases(
        self, workspace: WorkspaceRef, teams: Sequence[str], weeks: Sequence[IsoWeek]
    ) -> dict[tuple[str, IsoWeek], Tally]: ...
    async def checkins_in(self, workspace: WorkspaceRef, team: str, week: IsoWeek) -> int: ...
    async def keep(
        self, workspace: WorkspaceRef, team: str, week: IsoWeek, release: Tally
    ) -> None: ...
