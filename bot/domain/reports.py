"""A supervisor's report: their teams' closed check-ins by ISO week, released for them."""

from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from bot.domain.pulses import LEVELS, IsoWeek, Tally
from bot.domain.suppression import Cell, Released, release, threshold
from bot.domain.workspaces import WorkspaceRef


@dataclass(frozen=True)
class ClosedCheckin:
    """A closed check-in's final counts."""

    id: str
    team: str
    posted_at: datetime
    tally: Tally


class ViewKind(StrEnum):
    """How a supervisor looked at a team's numbers (for the audit log)."""

    SUMMARY = "summary"
    OVERVIEW = "overview"
    HOME = "home"
    CHART = "chart"
    EXPORT = "export"
    DIGEST = "digest"
    DEBRIEF_STATS = "debrief_stats"
    DEBRIEF_PEERS = "debrief_peers"
    PLACEMENTS = "placements"


# The team of a look at workspace-wide numbers (debrief totals, free peers); no channel
# or conversation id is ever "*", and every supervisor of the workspace sees these looks.
WORKSPACE_WIDE = "*"


@dataclass(frozen=True)
class PulseView:
    """One line of the audit log: who saw which team's numbers, how and when."""

    id: str
    workspace: WorkspaceRef
    viewer: str
    team: str
    kind: ViewKind
    viewed_at: datetime


@dataclass(frozen=True)
class CheckinLine:
    checkin: ClosedCheckin
    tally: Tally | None  # None: not enough answers to show


@dataclass(frozen=True)
class TeamWeek:
    team: str
    week: IsoWeek
    settled: bool  # the week is over and all its check-ins closed: a fixed window
    checkins: tuple[CheckinLine, ...]
    tally: Tally | None  # None: pending, or hidden


@dataclass(frozen=True)
class WeekRow:
    week: IsoWeek
    teams: tuple[TeamWeek, ...]
    total: Tally | None  # all the viewer's teams together


@dataclass(frozen=True)
class Report:
    teams: tuple[str, ...]
    weeks: tuple[WeekRow, ...]  # oldest first

    def team_weeks(self, team: str) -> list[TeamWeek]:
        return [cell for row in self.weeks for cell in row.teams if cell.team == team]

    def late_shares(self, team: str) -> list[float | None]:
        """Late-stage share per settled week, None where nothing is shown; oldest first."""
        weeks = [week for week in self.team_weeks(team) if week.settled]
        return [week.tally.late_share if week.tally else None for week in weeks]


@dataclass(frozen=True)
class WeekSums:
    """A team's closed check-ins in one week, added up where they are stored: those with
    at least the threshold of answers (each shown), and the others (each hidden)."""

    team: str
    week: IsoWeek
    shown: Tally
    hidden: Tally


def report_threshold(minimum: int) -> int:
    """How many answers a check-in needs before a supervisor sees it.

    Any supervisor may have answered any check-in they see: being in a channel comes and
    goes, and who was in it when is not recorded. So every viewer needs one more.
    """
    return threshold(minimum, viewer_could_have_answered=True)


def build_report(
    checkins: Sequence[ClosedCheckin],
    teams: Sequence[str],
    minimum: int,
    weeks: Sequence[IsoWeek],
    settled_before: datetime,
) -> Report:
    """Release every number the viewer may see: each check-in, each team's week, and
    each week of all `teams` together.

    Weeks whose end is after `settled_before` are still open to new check-ins: their
    check-ins are shown one by one, but no week or cross-team total is given yet.
    """
    strict = report_threshold(minimum)
    cells = _empty(teams, weeks)
    ends = [week.ends_at for week in weeks]
    first = ends[0] - timedelta(days=7) if ends else None
    for checkin in checkins:
        index = bisect_right(ends, checkin.posted_at)
        if first is None or checkin.posted_at < first or index == len(weeks):
            continue
        cell = cells.get((checkin.team, weeks[index]))
        if cell is not None:
            cell.add(checkin, strict)
    return _release(cells, teams, weeks, strict, settled_before)


def build_week_report(
    sums: Sequence[WeekSums],
    teams: Sequence[str],
    minimum: int,
    weeks: Sequence[IsoWeek],
    settled_before: datetime,
) -> Report:
    """The same weeks and totals as `build_report`, from sums made where the check-ins are
    stored with `report_threshold(minimum)`; it lists no check-in one by one."""
    strict = report_threshold(minimum)
    cells = _empty(teams, weeks)
    for found in sums:
        cell = cells.get((found.team, found.week))
        if cell is not None:
            cell.shown, cell.hidden = list(found.shown.counts), list(found.hidden.counts)
    return _release(cells, teams, weeks, strict, settled_before)


class _TeamWeek:
    """A team's check-ins in one week: each one released, and what the week's total needs.

    A total is released from its check-ins' own decisions: shown check-ins are accounted
    for, and a total over a hidden check-in that had answers is never shown. So the week
    enters the tree as one leaf: when no hidden check-in had answers, the shown ones added
    up (empty, or at least the threshold); otherwise everything added up, with a threshold
    above its count, so that it stays hidden and keeps every total above it hidden. The
    totals come out as they would over every check-in, from one cell per team and week.
    """

    __slots__ = ("hidden", "lines", "shown")

    def __init__(self) -> None:
        self.lines: list[CheckinLine] = []
        self.shown = [0] * len(LEVELS)
        self.hidden = [0] * len(LEVELS)

    def add(self, checkin: ClosedCheckin, strict: int) -> None:
        tally = release(Cell(checkin.tally, strict)).tally
        self.lines.append(CheckinLine(checkin, tally))
        into = self.hidden if tally is None else self.shown
        for level, count in enumerate(checkin.tally.counts):
            into[level] += count

    def as_cell(self, strict: int) -> Cell:
        if not any(self.hidden):
            return Cell(Tally(tuple(self.shown)), strict)
        everything = Tally(tuple(map(sum, zip(self.shown, self.hidden, strict=True))))
        return Cell(everything, everything.responses + 1)


def _empty(teams: Sequence[str], weeks: Sequence[IsoWeek]) -> dict[tuple[str, IsoWeek], _TeamWeek]:
    return {(team, week): _TeamWeek() for team in teams for week in weeks}


def _release(
    cells: dict[tuple[str, IsoWeek], _TeamWeek],
    teams: Sequence[str],
    weeks: Sequence[IsoWeek],
    strict: int,
    settled_before: datetime,
) -> Report:
    rows = []
    for week in weeks:
        settled = week.ends_at <= settled_before
        mine = [cells[(team, week)] for team in teams]
        released = release(Cell.over(tuple(cell.as_cell(strict) for cell in mine)))
        team_weeks = tuple(
            TeamWeek(team, week, settled, tuple(cell.lines), _if(settled, part))
            for team, cell, part in zip(teams, mine, released.parts, strict=True)
        )
        rows.append(WeekRow(week, team_weeks, _if(settled, released)))
    return Report(tuple(teams), tuple(rows))


def _if(settled: bool, released: Released) -> Tally | None:
    return released.tally if settled else None
