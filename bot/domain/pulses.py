"""Pulse answers as counts: tallies per check-in, ISO weeks, and the late-stage trend."""

import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from bot.domain.checkins import PulseLevel

LEVELS: tuple[PulseLevel, ...] = tuple(PulseLevel)
LATE_LEVELS = frozenset({PulseLevel.LATE, PulseLevel.BEYOND})
RISING_WEEKS = 3


@dataclass(frozen=True)
class Tally:
    """How many answers each level got; counts only, in `LEVELS` order."""

    counts: tuple[int, ...] = (0,) * len(LEVELS)

    def __post_init__(self) -> None:
        if len(self.counts) != len(LEVELS) or min(self.counts) < 0:
            raise ValueError("a tally has one non-negative count per level")

    @classmethod
    def of(cls, by_level: dict[PulseLevel, int]) -> "Tally":
        return cls(tuple(by_level.get(level, 0) for level in LEVELS))

    @property
    def responses(self) -> int:
        return sum(self.counts)

    def count(self, level: PulseLevel) -> int:
        return self.counts[LEVELS.index(level)]

    @property
    def late_share(self) -> float:
        """Share of answers in the late stages (0 when nobody answered)."""
        late = sum(self.count(level) for level in LATE_LEVELS)
        return late / self.responses if self.responses else 0.0

    @property
    def shares(self) -> tuple[float, ...]:
        total = self.responses or 1
        return tuple(count / total for count in self.counts)

    def __add__(self, other: "Tally") -> "Tally":
        return Tally(tuple(a + b for a, b in zip(self.counts, other.counts, strict=True)))


def total(tallies: Iterable[Tally]) -> Tally:
    result = Tally()
    for tally in tallies:
        result = result + tally
    return result


@dataclass(frozen=True, order=True)
class IsoWeek:
    """A fixed reporting window: Monday 00:00 to Sunday 24:00 UTC of one ISO week."""

    year: int
    week: int

    @classmethod
    def of(cls, moment: datetime) -> "IsoWeek":
        calendar = moment.astimezone(UTC).isocalendar()
        return cls(calendar.year, calendar.week)

    @property
    def monday(self) -> date:
        return date.fromisocalendar(self.year, self.week, 1)

    @property
    def ends_at(self) -> datetime:
        monday = datetime.combine(self.monday, datetime.min.time(), tzinfo=UTC)
        return monday + timedelta(days=7)

    def previous(self, weeks: int = 1) -> "IsoWeek":
        return IsoWeek.of(self.ends_at - timedelta(days=7 * weeks + 1))

    @property
    def label(self) -> str:
        return f"{self.year}-W{self.week:02d}"


def last_weeks(now: datetime, count: int) -> list[IsoWeek]:
    """The `count` ISO weeks up to and including the current one, oldest first."""
    current = IsoWeek.of(now)
    return [current.previous(back) for back in range(count - 1, -1, -1)]


def rising_late_share(shares: Sequence[float | None]) -> bool:
    """True when the late-stage share rose in each of the last three week-to-week steps.

    `shares` is oldest first; None (a hidden week) breaks the run, so nothing hidden
    ever feeds the suggestion.
    """
    recent = shares[-(RISING_WEEKS + 1) :]
    if len(recent) < RISING_WEEKS + 1 or any(share is None for share in recent):
        return False
    known = [share for share in recent if share is not None]
    return all(before < after for before, after in itertools.pairwise(known))
