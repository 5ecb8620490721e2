"""A supervisor's report: their teams' settled weeks and months, released for them.

Numbers are released at one level per team: whole, settled weeks. No check-in is shown on
its own (it would set against its week), and nothing of a week shows before the week is
over and all its check-ins closed (a later look would set against an earlier one).

- A team's week shows when at least `PULSE_MIN_RESPONSES` + 1 **distinct people** answered
  its check-ins, counted with the period markers (bot/domain/periods.py): three answers from
  one person count once. The extra one covers a viewer who answered and knows their own.
- A team's month is the sum of all its weeks. Its hidden weeks (fewer people) are carried
  into a remainder: month minus the shown weeks. The whole month shows only when that
  remainder is empty, or when the distinct people of its hidden weeks together, counted when
  the month settled, reach the same threshold: the remainder is then itself a number about
  enough people. Otherwise the month's line is the sum of its shown weeks, and says so.
- "All your teams together" is only ever the sum of the teams' shown numbers, and says how
  many teams it covers. A remainder over a viewer's hidden teams is never shown: viewers see
  different sets of teams, and two such remainders would set against each other.

Every shown number is then a sum of disjoint blocks (a shown week, a month's remainder),
each with enough distinct people, and the blocks are the same for every viewer and every
look: no combination of shown numbers can single out fewer people than one block holds.

With `PULSE_PRIVACY=dp` the same rules decide what shows, from the true counts; the values
shown are each week's stored noisy release instead (bot/domain/noise.py), and months and
all-teams lines add those up.

Weeks begun before people were counted (from an earlier version) keep the earlier rule,
so nothing shown before an upgrade can be set against what is shown after it: the week
shows only when each of its check-ins had enough answers or none (bot/domain/suppression.py).
"""

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.periods import Month
from bot.domain.pulses import IsoWeek, Tally, total
from bot.domain.suppression import Cell, release, threshold
from bot.domain.workspaces import WorkspaceRef


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
class WeekSums:
    """A team's closed check-ins in one week, added up where they are stored: those with
    at least the threshold of answers, and the others (the earlier rule needs both)."""

    team: str
    week: IsoWeek
    shown: Tally
    hidden: Tally


# A week begun before people were counted and without check-ins: nothing shown, nothing hidden.
_NO_SUMS = WeekSums("", IsoWeek(1, 1), Tally(), Tally())


@dataclass(frozen=True)
class WeekPeople:
    """What the period markers said of a team's week.

    `counted`: its people were counted from its first check-in on. `people`: how many
    distinct people answered, once the week settled (None before that).
    """

    team: str
    week: IsoWeek
    counted: bool
    people: int | None


@dataclass(frozen=True)
class MonthRest:
    """The distinct people of a team's hidden weeks in a month, counted when it settled."""

    team: str
    month: Month
    weeks: frozenset[IsoWeek]
    people: int


class State(StrEnum):
    SHOWN = "shown"
    PART = "part"  # a month whose remainder can't show: the sum of its shown weeks only
    HIDDEN = "hidden"  # fewer people than the threshold (or, for a month, no week shown)
    EMPTY = "empty"  # no check-in closed in it
    OPEN = "open"  # not settled yet


@dataclass(frozen=True)
class TeamPeriod:
    """A team's week or month, as released: `tally` only when shown (a PART month: the sum
    of its `shown` weeks of the `active` ones that had check-ins)."""

    team: str
    state: State
    tally: Tally | None
    shown: int = 0
    active: int = 0


@dataclass(frozen=True)
class Together:
    """All the viewer's teams in one period: the sum of the shown teams' numbers."""

    tally: Tally | None  # None when no team's number is shown
    shown: int  # teams whose numbers are in it
    active: int  # teams with check-ins in the period


@dataclass(frozen=True)
class WeekRow:
    week: IsoWeek
    settled: bool  # over, and no team's week is still open
    teams: tuple[TeamPeriod, ...]
    together: Together


@dataclass(frozen=True)
class MonthRow:
    month: Month
    teams: tuple[TeamPeriod, ...]
    together: Together


@dataclass(frozen=True)
class Report:
    teams: tuple[str, ...]
    weeks: tuple[WeekRow, ...]  # oldest first
    months: tuple[MonthRow, ...]  # settled months, oldest first

    def team_weeks(self, team: str) -> list[tuple[IsoWeek, TeamPeriod]]:
        return [(row.week, cell) for row in self.weeks for cell in row.teams if cell.team == team]

    def team_months(self, team: str) -> list[tuple[Month, TeamPeriod]]:
        return [(row.month, cell) for row in self.months for cell in row.teams if cell.team == team]

    def late_shares(self, team: str) -> list[float | None]:
        """Late-stage share per settled week, None where nothing is shown; oldest first."""
        return [
            cell.tally.late_share if cell.tally else None
            for row in self.weeks
            if row.settled
            for cell in row.teams
            if cell.team == team
        ]


def report_threshold(minimum: int) -> int:
    """How many distinct people a number needs before a supervisor sees it.

    Any supervisor may have answered any check-in they see: being in a channel comes and
    goes, and who was in it when is not recorded. So every viewer needs one more.
    """
    return threshold(minimum, viewer_could_have_answered=True)


def week_settled(week: IsoWeek, people: WeekPeople | None, settled_before: datetime) -> bool:
    """A week counted by the period markers is settled once storage counted its people; a
    week from before (no markers) once it ended before `settled_before`."""
    if people is not None and people.counted:
        return people.people is not None
    return week.ends_at <= settled_before


@dataclass(frozen=True)
class _Week:
    sums: WeekSums | None
    people: WeekPeople | None
    settled: bool
    release: Tally | None = None  # its noisy release (dp), once settled

    @property
    def tally(self) -> Tally:
        """The true counts: what decides whether anything shows."""
        return self.sums.shown + self.sums.hidden if self.sums else Tally()

    @property
    def value(self) -> Tally:
        """What a shown number adds up: the noisy release in dp mode, else the counts."""
        return self.release if self.release is not None else self.tally

    @property
    def active(self) -> bool:
        return self.sums is not None or self.people is not None


def _week_state(week: _Week, strict: int) -> State:
    if not week.active:
        return State.EMPTY
    if not week.settled:
        return State.OPEN
    if week.people is not None and week.people.counted:
        enough = week.people.people is not None and week.people.people >= strict
        return State.SHOWN if enough else State.HIDDEN
    # Begun before people were counted: the earlier rule, check-in by check-in.
    sums = week.sums or _NO_SUMS
    hidden = sums.hidden.responses
    above_hidden = hidden + 1 if hidden else strict  # pragma: no mutate (equivalent)
    parts = (Cell(sums.shown, strict), Cell(sums.hidden, above_hidden))
    return State.SHOWN if release(Cell.over(parts)).shown else State.HIDDEN


def build_report(
    sums: Sequence[WeekSums],
    people: Sequence[WeekPeople],
    rests: Sequence[MonthRest],
    teams: Sequence[str],
    minimum: int,
    weeks: Sequence[IsoWeek],
    months: Sequence[Month],
    settled_before: datetime,
    released: Mapping[tuple[str, IsoWeek], Tally] | None = None,
) -> Report:
    """Release every number the viewer may see: each team's weeks in `weeks` and months in
    `months`, and all `teams` together in each.

    `sums` and `people` must cover every week of `weeks` and of `months` (settled as
    `week_settled` says). `released`, in dp mode: the noisy release of every settled week
    with check-ins; the numbers shown are made of those only.
    """
    strict = report_threshold(minimum)
    found_sums = {(s.team, s.week): s for s in sums}
    found_people = {(p.team, p.week): p for p in people}
    found_rests = {(r.team, r.month): r for r in rests}

    def week_of(team: str, week: IsoWeek) -> _Week:
        count = found_people.get((team, week))
        settled = week_settled(week, count, settled_before)
        cell = _Week(found_sums.get((team, week)), count, settled)
        if released is None or not (cell.active and settled):
            return cell
        return _Week(cell.sums, count, settled, released[(team, week)])

    def released_week(team: str, week: IsoWeek) -> TeamPeriod:
        cell = week_of(team, week)
        state = _week_state(cell, strict)
        return TeamPeriod(team, state, cell.value if state is State.SHOWN else None)

    def released_month(team: str, month: Month) -> TeamPeriod:
        cells = {week: week_of(team, week) for week in month.weeks}
        states = {week: _week_state(cell, strict) for week, cell in cells.items()}
        if State.OPEN in states.values() or month.ends_at > settled_before:
            return TeamPeriod(team, State.OPEN, None)
        if all(state is State.EMPTY for state in states.values()):
            return TeamPeriod(team, State.EMPTY, None)
        everything = total(cell.value for cell in cells.values())
        hidden = {week for week, state in states.items() if state is State.HIDDEN}
        shown = [cells[week].value for week, state in states.items() if state is State.SHOWN]
        active = len(shown) + len(hidden)
        rest = found_rests.get((team, month))
        if _rest_may_show(hidden, shown, cells, rest, strict):
            return TeamPeriod(team, State.SHOWN, everything, active, active)
        if shown:
            return TeamPeriod(team, State.PART, total(shown), len(shown), active)
        return TeamPeriod(team, State.HIDDEN, None, 0, active)

    week_rows = []
    for week in weeks:
        cells = tuple(released_week(team, week) for team in teams)
        # Over: settled by storage (counted weeks), or past every window (the others).
        over = week.ends_at <= settled_before or any(
            _counted(week_of(team, week))  # pragma: no mutate (equivalent)
            and week_of(team, week).settled
            for team in teams
        )
        settled = over and all(cell.state is not State.OPEN for cell in cells)
        week_rows.append(WeekRow(week, settled, cells, _together(cells)))
    month_rows = tuple(
        MonthRow(month, cells := tuple(released_month(t, month) for t in teams), _together(cells))
        for month in months
    )
    return Report(tuple(teams), tuple(week_rows), month_rows)


def _rest_may_show(
    hidden: set[IsoWeek],
    shown: list[Tally],
    cells: dict[IsoWeek, _Week],
    rest: MonthRest | None,
    strict: int,
) -> bool:
    """Month minus its shown weeks is its hidden weeks together: shown only when they hold
    no answer (and some week shows), or when the people counted over exactly those weeks
    reach the threshold."""
    if all(cells[week].tally.responses == 0 for week in hidden):
        return bool(shown)
    return (
        rest is not None
        and rest.weeks == hidden
        and rest.people >= strict
        and all(_counted(cells[week]) for week in hidden)
    )


def _counted(week: _Week) -> bool:
    return week.people is not None and week.people.counted


def _together(cells: Iterable[TeamPeriod]) -> Together:
    cells = list(cells)
    shown = [cell.tally for cell in cells if cell.tally is not None]
    active = sum(cell.state in (State.SHOWN, State.PART, State.HIDDEN) for cell in cells)
    return Together(total(shown) if shown else None, len(shown), active)


def hidden_weeks(people: dict[IsoWeek, int], minimum: int) -> frozenset[IsoWeek]:
    """The weeks of a settling month that stay hidden: fewer people than the threshold.
    (Storage counts the distinct people of these weeks together as the month's remainder.)"""
    strict = report_threshold(minimum)
    return frozenset(week for week, count in people.items() if count < strict)
