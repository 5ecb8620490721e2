"""Recurring posts: which days, what local time, which time zone, which dates to skip."""

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

from bot.domain.workspaces import WorkspaceRef

MAX_SCHEDULES_PER_CONVERSATION = 10
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")


class ScheduleKind(StrEnum):
    CHECKIN = "checkin"
    REMINDER = "reminder"


class RecurrenceErrors(Exception):
    """Invalid fields of a recurrence: field name -> (prompt key, params)."""

    def __init__(self, errors: dict[str, tuple[str, dict[str, str]]]) -> None:
        super().__init__(", ".join(errors))
        self.errors = errors


@dataclass(frozen=True)
class Recurrence:
    """Local time on some weekdays in a time zone; 09:00 stays 09:00 across daylight saving."""

    days: frozenset[int]  # 0 is Monday
    at: time
    timezone: str
    skip_dates: frozenset[date] = field(default_factory=frozenset)

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    def fire_times(self, after: datetime, until: datetime) -> Iterator[datetime]:
        """UTC fire times in (after, until], in order."""
        zone = self.zone
        day = after.astimezone(zone).date() - timedelta(days=1)
        last_day = until.astimezone(zone).date()
        while day <= last_day:
            if day.weekday() in self.days and day not in self.skip_dates:
                fire = _local_to_utc(datetime.combine(day, self.at), zone)
                if after < fire <= until:
                    yield fire
            day += timedelta(days=1)

    def next_fire_time(self, after: datetime) -> datetime | None:
        """The first fire time after `after`, looking a year ahead (skip dates may block some)."""
        return next(self.fire_times(after, after + timedelta(days=366)), None)


def _local_to_utc(local: datetime, zone: ZoneInfo) -> datetime:
    # fold=0 (PEP 495): a wall time inside the spring-forward gap moves forward by the gap,
    # and one that happens twice in autumn fires at its first occurrence.
    return local.replace(tzinfo=zone, fold=0).astimezone(UTC)


def parse_recurrence(
    days: Iterable[str], at: str, timezone: str, skip_dates: str = ""
) -> Recurrence:
    """Build a recurrence from form input; every invalid field is reported at once."""
    errors: dict[str, tuple[str, dict[str, str]]] = {}
    day_numbers = frozenset(WEEKDAYS.index(d) for d in days if d in WEEKDAYS)
    if not day_numbers:
        errors["days"] = ("schedules.error_no_days", {})
    local_time = _parse_time(at)
    if local_time is None:
        errors["time"] = ("schedules.error_time", {})
    zone = timezone.strip()
    if not zone:
        errors["timezone"] = ("schedules.extra.error_no_timezone", {})
    elif not is_known_timezone(zone):
        errors["timezone"] = ("schedules.error_timezone", {"timezone": zone})
    skips, bad = parse_dates(skip_dates)
    if bad is not None:
        errors["skip"] = ("schedules.error_skip_date", {"value": bad})
    if errors or local_time is None:
        raise RecurrenceErrors(errors)
    return Recurrence(day_numbers, local_time, zone, skips)


def parse_dates(text: str) -> tuple[frozenset[date], str | None]:
    """Dates written as 2026-12-25, separated by commas, spaces or lines; the first bad one."""
    found: set[date] = set()
    for value in text.replace("\n", ",").replace(" ", ",").split(","):
        if not value.strip():
            continue
        try:
            found.add(date.fromisoformat(value.strip()))
        except ValueError:
            return frozenset(found), value.strip()
    return frozenset(found), None


def is_known_timezone(name: str) -> bool:
    if not name or name not in available_timezones():
        return False
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return False
    return True


def _parse_time(text: str) -> time | None:
    try:
        parsed = time.fromisoformat(text.strip())
    except ValueError:
        return None
    return parsed.replace(second=0, microsecond=0, tzinfo=None)


@dataclass(frozen=True)
class Schedule:
    """A recurring post to a team conversation, or (no conversation) a personal reminder."""

    id: str
    workspace: WorkspaceRef
    kind: ScheduleKind
    recurrence: Recurrence
    owner: str  # who created it; for a personal reminder, who receives it
    created_at: datetime
    conversation: str | None = None
    label: str | None = None
    paused: bool = False

    @property
    def personal(self) -> bool:
        return self.conversation is None


class RunStatus(StrEnum):
    CLAIMED = "claimed"
    SENDING = "sending"  # composed and handed to the platform: it may have arrived
    POSTED = "posted"
    SKIPPED = "skipped"
    FAILED = "failed"


def plan_runs(
    recurrence: Recurrence, since: datetime, now: datetime, grace: timedelta
) -> tuple[datetime | None, list[datetime]]:
    """Of the fire times in (since, now]: the one to post (latest, if within grace) and the
    ones to record as skipped. A late post is still useful; a pile of them is noise."""
    due = list(recurrence.fire_times(since, now))
    if not due:
        return None, []
    latest = due[-1]
    if now - latest <= grace:
        return latest, due[:-1]
    return None, due


@dataclass(frozen=True)
class ClaimedRun:
    """A run claimed but not finished: in flight, or left by a replica that died."""

    schedule_id: str
    fire_at: datetime
    status: RunStatus
    claimed_at: datetime
    checkin_id: str | None = None

    @property
    def key(self) -> str:
        return run_key(self.schedule_id, self.fire_at)


def run_key(schedule_id: str, fire_at: datetime) -> str:
    """A run's name, the same on every replica; tags its post so it can be found again."""
    return f"{schedule_id}@{fire_at.astimezone(UTC).isoformat()}"
