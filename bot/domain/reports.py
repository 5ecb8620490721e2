"""A supervisor's report: their teams' closed check-ins by ISO week, released for them."""

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.pulses import IsoWeek, Tally
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


def build_report(
    checkins: Sequence[ClosedCheckin],
    teams: Sequence[str],
    minimum: int,
    weeks: Sequence[IsoWeek],
    settled_before: datetime,
) -> Report:
    """Release every number the viewer may see, across all their views at once.

    Weeks whose end is after `settled_before` are still open to new check-ins: their
    check-ins are shown one by one, but no week or cross-team total is given yet.
    """
    # Any supervisor may have answered any check-in they see: being in a channel comes and
    # goes, and who was in it when is not recorded. So every viewer needs one more.
    strict = threshold(minimum, viewer_could_have_answered=True)
    by_cell: dict[tuple[str, IsoWeek], list[ClosedCheckin]] = defaultdict(list)
    for checkin in checkins:
        by_cell[(checkin.team, IsoWeek.of(checkin.posted_at))].append(checkin)
    rows = []
    for week in weeks:
        settled = week.ends_at <= settled_before
        team_cells = []
        for team in teams:
            leaves = tuple(Cell(c.tally, strict) for c in by_cell[(team, week)])
            team_cells.append(Cell.over(leaves) if leaves else Cell(Tally(), strict))
        released = release(Cell.over(tuple(team_cells)))
        team_weeks = []
        for team, cell in zip(teams, released.parts, strict=True):
            mine = by_cell[(team, week)]
            lines = tuple(
                CheckinLine(c, part.tally) for c, part in zip(mine, cell.parts, strict=True)
            )
            team_weeks.append(TeamWeek(team, week, settled, lines, _if(settled, cell)))
        rows.append(WeekRow(week, tuple(team_weeks), _if(settled, released)))
    return Report(tuple(teams), tuple(rows))


def _if(settled: bool, released: Released) -> Tally | None:
    return released.tally if settled else None
