"""Peer debriefs: volunteers, requests, offers, and who may be offered a request now."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from statistics import median_low
from zoneinfo import ZoneInfo

from bot.domain.workspaces import WorkspaceRef

NOTE_LIMIT = 500
CAPACITY_WINDOW = timedelta(days=7)
# A wait is kept only as the band it falls in (minutes, rounded up), never to the second:
# most waits share the first bands, so the month and the wait cannot single out a request.
WAIT_BANDS = (15, 30, 60, 120, 240, 480, 1440)
LONGER_THAN_A_DAY = 2880  # kept for any wait over a day


class DebriefKind(StrEnum):
    HARD_CASE = "hard_case"
    CRITICAL_INCIDENT = "critical_incident"
    STRESS = "stress"
    OTHER = "other"


class Urgency(StrEnum):
    NOW = "now"
    TODAY = "today"
    WEEK = "week"

    @property
    def fan_out(self) -> int:
        """How many peers hold an offer at once: "now" asks three, first to accept wins."""
        return 3 if self is Urgency.NOW else 1


class Preference(StrEnum):
    MY_TEAM = "my_team"
    OTHER_TEAM = "other_team"
    ANYONE = "anyone"


class RequestStatus(StrEnum):
    SEARCHING = "searching"
    MATCHED = "matched"
    UNMATCHED = "unmatched"
    CANCELLED = "cancelled"
    CLOSED = "closed"


class OfferStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    PASSED = "passed"
    EXPIRED = "expired"
    TAKEN = "taken"
    CANCELLED = "cancelled"
    UNDELIVERED = "undelivered"


@dataclass(frozen=True)
class Availability:
    """The days and hours a volunteer takes requests, in their own time zone."""

    days: frozenset[int]  # 0 = Monday
    start: time | None  # None with end None: any hour
    end: time | None
    timezone: str

    def covers(self, moment: datetime) -> bool:
        local = moment.astimezone(ZoneInfo(self.timezone))
        if local.weekday() not in self.days:
            return False
        if self.start is None or self.end is None:
            return True
        now = local.time().replace(tzinfo=None)
        if self.start < self.end:  # pragma: no mutate (equivalent)
            return self.start <= now < self.end
        return now >= self.start or now < self.end  # overnight, e.g. 22:00 to 06:00


@dataclass(frozen=True)
class Volunteer:
    workspace: WorkspaceRef
    person: str
    capacity: int  # debriefs a week at most
    availability: Availability
    away: bool = False
    away_until: date | None = None  # away through this day (their time zone)
    last_offered_at: datetime | None = None
    approved: bool = True  # with PEER_APPROVAL, False until someone who runs peer support agrees

    def is_away(self, now: datetime) -> bool:
        if self.away_until is not None:
            return now.astimezone(ZoneInfo(self.availability.timezone)).date() <= self.away_until
        return self.away


@dataclass(frozen=True)
class DebriefRequest:
    id: str
    workspace: WorkspaceRef
    requester: str
    kind: DebriefKind
    urgency: Urgency
    preference: Preference
    note: str | None  # sealed: only the peer who accepts sees it opened, once
    consent: bool
    created_at: datetime
    status: RequestStatus = RequestStatus.SEARCHING
    status_conversation: str | None = None
    status_message: str | None = None
    peer: str | None = None


@dataclass(frozen=True)
class Offer:
    request_id: str
    peer: str
    status: OfferStatus
    expires_at: datetime
    conversation: str | None = None
    message_id: str | None = None


def eligible_peers(
    volunteers: Iterable[Volunteer],
    request: DebriefRequest,
    now: datetime,
    load: dict[str, int],
    already_offered: set[str],
    teammates: frozenset[str],
) -> list[Volunteer]:
    """Who may be offered `request` now, least recently offered first.

    Approved, not the requester, not offered this request before, not away, inside their
    own hours, under their weekly capacity, and matching the requester's preference.
    """

    def fits(volunteer: Volunteer) -> bool:
        person = volunteer.person
        if person == request.requester or person in already_offered or not volunteer.approved:
            return False
        if volunteer.is_away(now) or not volunteer.availability.covers(now):
            return False
        if load.get(person, 0) >= volunteer.capacity:
            return False
        if request.preference is Preference.MY_TEAM:
            return person in teammates
        if request.preference is Preference.OTHER_TEAM:
            return person not in teammates
        return True

    def least_recent(volunteer: Volunteer) -> tuple[bool, datetime, str]:
        last = volunteer.last_offered_at
        return (last is not None, last or now, volunteer.person)

    return sorted(filter(fits, volunteers), key=least_recent)


@dataclass(frozen=True)
class MonthCount:
    """The requests settled in a finished month (settled_at): how many, how many matched,
    and their waits in bands."""

    month: str  # "2026-11"
    requests: int
    matched: int
    waits: tuple[int, ...]  # rounded_wait() of each matched request

    @property
    def unmatched(self) -> int:
        return self.requests - self.matched

    @property
    def typical_wait(self) -> int | None:
        """The band of the middle wait (the lower one of two), so it is always a band."""
        return median_low(self.waits) if self.waits else None


def rounded_wait(seconds: int) -> int:
    """The wait as kept after retention: the smallest band it fits in, in minutes."""
    return next((band for band in WAIT_BANDS if seconds <= band * 60), LONGER_THAN_A_DAY)


def month_of(moment: datetime) -> str:
    """The UTC month of `moment`, e.g. "2026-11"."""
    return moment.astimezone(UTC).strftime("%Y-%m")


def settled_at(matched_at: datetime | None, closed_at: datetime | None) -> datetime | None:
    """When a request counts in the monthly totals: when a peer took it, or else when it closed
    without one (unmatched or cancelled); None while it is still searching.

    Never the month it was asked in: a request asked late in a month and settled in the next
    would change the first month's line after it was over, and two looks set side by side
    would single it out. Counted when settled, a month that is over never changes."""
    return matched_at or closed_at


def finished_months(now: datetime, count: int) -> tuple[datetime, datetime]:
    """From the start of the `count`-th month before now's to the start of now's month (UTC)."""
    end = now.astimezone(UTC).replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return _months_later(end, -count), end


def months_in(since: datetime, before: datetime) -> list[str]:
    """Each UTC month from `since`'s up to, not including, `before`'s, oldest first.

    Counted, not stepped through until `before`: a bad step gives wrong labels, never an
    endless loop."""
    first = _month_number(since)
    last = _month_number(before - timedelta.resolution)  # the month of the instant before
    months = range(first, last + 1)
    return [month_of(datetime(n // 12, n % 12 + 1, 1, tzinfo=UTC)) for n in months]


def _month_number(moment: datetime) -> int:
    utc = moment.astimezone(UTC)
    return utc.year * 12 + utc.month - 1


def _months_later(first_day: datetime, count: int) -> datetime:
    months = _month_number(first_day) + count
    return first_day.replace(year=months // 12, month=months % 12 + 1)


def peer_band(free: int) -> str:
    """How many peers are free, as a band: an exact count would show who just became busy."""
    return "none" if free == 0 else "few" if free <= 2 else "many"
