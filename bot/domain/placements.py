"""Field placements: a student, their instructor, the placement's dates and its weekly arc."""

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from bot.domain.workspaces import WorkspaceRef

# The placement's arc, in order: what a student meets first, and last.
ARC = (
    "approach",
    "emotion",
    "follow_through",
    "boundaries",
    "stays_with_you",
    "success",
    "endings",
)
MAX_WEEKS = 104  # two years: longer is a typing mistake, not a placement


@dataclass(frozen=True)
class CountBand:
    """What a supervisor is told of how many placements are active: a range, never the count.

    `high` is None for the top band ("20 or more"); `low` is 0 below the minimum.
    """

    low: int
    high: int | None


def count_band(count: int, minimum: int) -> CountBand:
    """Fewer than `minimum`; then bands that double: m to 2m-1, 2m to 4m-1, 4m or more.

    With an exact count, N becoming N-1 between two looks says that a student stopped.
    Within a band a stop shows nothing; only a count crossing an edge moves the band, and
    the bands widen as they go, so the larger the agency the rarer that is.
    """
    if count < minimum:
        return CountBand(0, minimum - 1)
    low = minimum
    while count >= 2 * low and low < 4 * minimum:
        low *= 2
    return CountBand(low, None) if low >= 4 * minimum else CountBand(low, 2 * low - 1)


@dataclass(frozen=True)
class Placement:
    """One student's placement; `day` is 0 for Monday, `at` is local time in `timezone`."""

    id: str
    workspace: WorkspaceRef
    student: str
    instructor: str
    starts_on: date
    ends_on: date
    day: int
    at: time
    timezone: str
    confirmed: bool = False

    @property
    def weeks(self) -> int:
        """How many calendar weeks (Monday to Sunday) the placement touches."""
        return (monday_of(self.ends_on) - monday_of(self.starts_on)).days // 7 + 1

    def week_index(self, monday: date) -> int:
        """0 for the week the placement starts in."""
        return (monday - monday_of(self.starts_on)).days // 7

    def is_active(self, today: date) -> bool:
        return self.confirmed and self.starts_on <= today <= self.ends_on

    def due_week(self, now: datetime) -> date | None:
        """The Monday of this week if its reflection time has passed, within the dates."""
        zone = ZoneInfo(self.timezone)
        local = now.astimezone(zone)
        monday = monday_of(local.date())
        day = monday + timedelta(days=self.day)
        if not (self.confirmed and self.starts_on <= day <= self.ends_on):
            return None
        # fold=0: a time inside a daylight-saving gap counts from the gap's end.
        moment = datetime.combine(day, self.at).replace(tzinfo=zone, fold=0)
        return monday if moment.astimezone(UTC) <= now else None

    def next_reflection(self, now: datetime) -> datetime | None:
        """When the next weekly reflection falls (local time), or None after the end."""
        zone = ZoneInfo(self.timezone)
        start = max(now.astimezone(zone).date(), self.starts_on)
        for offset in range(8):  # today, if its time is still to come, to a week on
            day = start + timedelta(days=offset)
            moment = datetime.combine(day, self.at).replace(tzinfo=zone, fold=0)
            if day.weekday() == self.day and day <= self.ends_on and moment >= now:
                return moment
        return None


@dataclass(frozen=True)
class ArcStep:
    """Where a week sits in the arc: the theme, and how many weeks of it came before."""

    theme: str
    turn: int


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(monday: date) -> str:
    """The claim key of a week, e.g. 2026-W48."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def theme_of(week: int, weeks: int) -> str:
    """The theme of week `week` (from 0) of `weeks`: approach first, endings last."""
    if week <= 0 or weeks <= 1:
        return ARC[0]
    if week >= weeks - 1:
        return ARC[-1]
    # Every theme gets an equal share of the weeks, in order; a short placement skips some.
    return ARC[min(week * len(ARC) // weeks, len(ARC) - 1)]


def arc_step(week: int, weeks: int) -> ArcStep:
    """The theme of a week, and its turn within that theme (to pick a different prompt)."""
    theme = theme_of(week, weeks)
    turn = sum(1 for earlier in range(max(week, 0)) if theme_of(earlier, weeks) == theme)
    return ArcStep(theme, turn)
