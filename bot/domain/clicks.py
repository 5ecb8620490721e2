"""One pulse click as the ledger counts it: keyed markers and a level, never the person."""

from collections.abc import Sequence
from dataclasses import dataclass
from enum import Enum

from bot.domain.checkins import PulseLevel
from bot.domain.periods import Month
from bot.domain.pulses import IsoWeek


class Outcome(Enum):
    COUNTED = "counted"
    ALREADY = "already"  # one of the person's markers was there: counted before
    CLOSED = "closed"  # the window is closed, or closing, or its tables are gone


@dataclass(frozen=True)
class Answer:
    """Everything one click writes, computed before the database is asked.

    `markers`: the person's participation markers, one per configured secret; `periods`:
    their period markers for the team's month, made by the secrets named in `keys`, both
    newest first (bot/domain/participation.py, bot/domain/periods.py).
    """

    checkin_id: str
    level: PulseLevel
    markers: Sequence[str]
    workspace: str
    team: str
    week: IsoWeek
    periods: Sequence[str]
    keys: Sequence[str]

    @property
    def month(self) -> str:
        return Month.of(self.week).label
