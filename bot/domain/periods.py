"""Months of ISO weeks, and the keyed marker that counts a person once in a team's month.

A month is the ISO weeks whose Thursday falls in it (4 or 5 whole weeks), so every week
belongs to exactly one month and a month's numbers are the sum of its weeks' numbers.

A period marker is an HMAC, under the server's secret, of the team, the month and the
person. While the month is open, one row per week the person answered in (the marker and
the week) lets Wellspring count the distinct people behind a week, or behind several weeks
together, without storing who they are. When the month settles the rows are deleted and
wiped from the files, like a check-in's markers (bot/domain/participation.py).
"""

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.domain.pulses import IsoWeek

_CONTEXT = b"wellspring period marker v1"
_KEY_CONTEXT = b"wellspring period key v1"


@dataclass(frozen=True, order=True)
class Month:
    year: int
    month: int

    @classmethod
    def of(cls, week: IsoWeek) -> "Month":
        thursday = week.monday + timedelta(days=3)
        return cls(thursday.year, thursday.month)

    @classmethod
    def parse(cls, label: str) -> "Month":
        year, month = label.split("-")
        return cls(int(year), int(month))

    @property
    def label(self) -> str:
        return f"{self.year}-{self.month:02d}"

    @property
    def weeks(self) -> tuple[IsoWeek, ...]:
        """Its ISO weeks, oldest first."""
        first = date(self.year, self.month, 1)
        # The first Thursday on or after the 1st is in the month's first week.
        thursday = first + timedelta(days=(3 - first.weekday()) % 7)
        found = []
        while thursday.month == self.month:
            calendar = thursday.isocalendar()
            found.append(IsoWeek(calendar.year, calendar.week))
            thursday += timedelta(days=7)
        return tuple(found)

    @property
    def starts_at(self) -> datetime:
        return self.weeks[0].ends_at - timedelta(days=7)

    @property
    def ends_at(self) -> datetime:
        return self.weeks[-1].ends_at

    def previous(self) -> "Month":
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)


def key_names(secrets: Sequence[bytes]) -> tuple[str, ...]:
    """A short name for each secret (an HMAC of a fixed text under it), newest first.

    Kept beside each marker: a month whose markers were made under a secret that is no
    longer configured may count one person twice, so its weeks are not counted.
    """
    return tuple(hmac.new(s, _KEY_CONTEXT, hashlib.sha256).hexdigest()[:16] for s in secrets)


def period_markers(
    secrets: Sequence[bytes], workspace: str, team: str, month: Month, person: str
) -> tuple[str, ...]:
    """The person's marker for this team and month under each secret, newest secret first."""
    # NUL cannot occur in any of the ids, so the message is unambiguous.
    message = b"\0".join(
        (_CONTEXT, workspace.encode(), team.encode(), month.label.encode(), person.encode())
    )
    return tuple(hmac.new(secret, message, hashlib.sha256).hexdigest() for secret in secrets)
