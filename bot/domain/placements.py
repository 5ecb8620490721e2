"""Field placements: a student, their instructor, the placement's dates and its weekly arc."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from math import ceil
from zoneinfo import ZoneInfo

from bot.domain.workspaces import WorkspaceRef

# The placement's arc: its stages, in the order a student meets them. The first half holds
# arriving (week 1: feeling you know nothing is normal), the first visits and their safety,
# strong feelings, the pace of the first months, and trust; the midpoint week reviews the
# learning agreement; the second half holds cases that stay, struggling, and success, and
# endings fill the last quarter. Each stage's prompts are listed in the catalogue, in order.
FIRST_HALF = ("arrival", "safety", "feelings", "pace", "trust")
MIDPOINT = "midpoint"
SECOND_HALF = ("stays_with_you", "struggling", "success")
ENDINGS = "endings"
ARC = (*FIRST_HALF, MIDPOINT, *SECOND_HALF, ENDINGS)
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
class ArcPrompt:
    """One week's prompt: its stage and its id within the stage (the student's question, the
    instructor's question and the explanation all hang from that id)."""

    stage: str
    id: str


def monday_of(day: date) -> date:
    return day - timedelta(days=day.weekday())


def iso_week(monday: date) -> str:
    """The claim key of a week, e.g. 2026-W48."""
    year, week, _ = monday.isocalendar()
    return f"{year}-W{week:02d}"


def arc_plan(weeks: int, prompts: Mapping[str, Sequence[str]]) -> tuple[ArcPrompt, ...]:
    """Which prompt each week of a `weeks`-long placement gets; `prompts` lists each stage's
    prompt ids in order.

    Week 1 is arrival's first prompt; the midpoint week (weeks // 2, from four weeks on) is the
    midpoint's first; endings are spread over the last quarter, the first in its first week and
    the last in the final week. The weeks between take the other prompts of their half: when
    there are more prompts than weeks, every stage's first prompt before any stage's second, and
    so on; then in the arc's order. No prompt comes twice until every prompt has come once, as
    long as the catalogue holds as many prompts as the placement has weeks.
    """
    if weeks < 4:  # too short for a midpoint: arriving, then (from two weeks) the last ending
        first = _fill(max(weeks - 1, 1), _pools(prompts, FIRST_HALF), FIRST_HALF[0])
        return (*first, ArcPrompt(ENDINGS, prompts[ENDINGS][-1]))[: max(weeks, 1)]
    last_quarter = ceil(weeks / 4)
    midpoint = weeks // 2
    first = _fill(midpoint, _pools(prompts, FIRST_HALF), FIRST_HALF[0])
    second_weeks = weeks - midpoint - 1  # never fewer than the last quarter's
    ending_ids = _spread(prompts[ENDINGS], min(len(prompts[ENDINGS]), last_quarter))
    ending_at = dict(zip(_ending_weeks(len(ending_ids), last_quarter), ending_ids, strict=True))
    rest = [(MIDPOINT, tuple(prompts[MIDPOINT][1:])), *_pools(prompts, SECOND_HALF)]
    others = iter(_fill(second_weeks - len(ending_ids), rest, MIDPOINT))
    quarter_starts = second_weeks - last_quarter
    second = [
        ArcPrompt(ENDINGS, ending_at[j - quarter_starts])
        if j - quarter_starts in ending_at
        else next(others)
        for j in range(second_weeks)
    ]
    return (*first, ArcPrompt(MIDPOINT, prompts[MIDPOINT][0]), *second)


Pool = tuple[str, tuple[str, ...]]  # a stage, and its prompt ids in order


def _pools(prompts: Mapping[str, Sequence[str]], stages: Sequence[str]) -> list[Pool]:
    return [(stage, tuple(prompts[stage])) for stage in stages]


def _fill(count: int, pools: Sequence[Pool], skip_on_repeat: str = "") -> list[ArcPrompt]:
    """`count` prompts from `pools`, in the arc's order: each pass takes every stage's first
    prompt before any stage's second; once all were used, a new pass (without the stage
    `skip_on_repeat`: arriving, or asking at the midpoint, comes once)."""
    chosen: list[ArcPrompt] = []
    while len(chosen) < count:
        passing = [(s, ids) for s, ids in pools if ids and not (chosen and s == skip_on_repeat)]
        if not passing:
            break
        deepest = max(len(ids) for _, ids in passing)
        order = [
            (rank, index)
            for rank in range(deepest)
            for index, (_, ids) in enumerate(passing)
            if rank < len(ids)
        ]
        taken = sorted(order[: count - len(chosen)], key=lambda pair: (pair[1], pair[0]))
        chosen += [ArcPrompt(passing[i][0], passing[i][1][rank]) for rank, i in taken]
    return chosen


def _ending_weeks(count: int, last_quarter: int) -> list[int]:
    """Where `count` endings fall among the last quarter's weeks (0 is its first week)."""
    if count <= 0:
        return []
    if count == 1:
        return [last_quarter - 1]
    return [round(i * (last_quarter - 1) / (count - 1)) for i in range(count)]


def _spread(ids: Sequence[str], count: int) -> list[str]:
    """`count` of `ids`, keeping the first and the last, evenly between."""
    if count == 1:
        return [ids[-1]]
    return [ids[round(i * (len(ids) - 1) / (count - 1))] for i in range(count)]
