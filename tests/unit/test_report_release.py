"""Reports built from few cells per team and week release exactly what the full tree does.

The reference below builds the report tree the plain way, one leaf per check-in under each
team's week and every team under the week's total, and releases it with the suppression
rules. `build_report` (check-ins one by one) and `build_week_report` (sums made where the
check-ins are stored) must show the same numbers and hide the same ones.
"""

from collections import defaultdict
from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.pulses import LEVELS, IsoWeek, Tally, last_weeks
from bot.domain.reports import (
    ClosedCheckin,
    Report,
    WeekSums,
    build_report,
    build_week_report,
    report_threshold,
)
from bot.domain.suppression import Cell, release

NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)
WEEKS = last_weeks(NOW, 3)
TEAMS = ("C1", "C2", "C3", "C4")

Shown = tuple[tuple[Tally | None, ...], tuple[Tally | None, ...], Tally | None]


def reference(
    checkins: list[ClosedCheckin], teams: list[str], minimum: int, settled_before: datetime
) -> list[Shown]:
    """Per week: each team's tally, each check-in's tally (in order), and the total."""
    strict = minimum + 1
    by_cell: dict[tuple[str, IsoWeek], list[ClosedCheckin]] = defaultdict(list)
    for checkin in checkins:
        by_cell[(checkin.team, IsoWeek.of(checkin.posted_at))].append(checkin)
    shown = []
    for week in WEEKS:
        settled = week.ends_at <= settled_before
        cells = []
        for team in teams:
            leaves = tuple(Cell(c.tally, strict) for c in by_cell[(team, week)])
            cells.append(Cell.over(leaves) if leaves else Cell(Tally(), strict))
        released = release(Cell.over(tuple(cells)))
        team_tallies = tuple(part.tally if settled else None for part in released.parts)
        lines = tuple(leaf.tally for part in released.parts for leaf in part.parts)
        shown.append((team_tallies, lines, released.tally if settled else None))
    return shown


def seen(report: Report) -> list[Shown]:
    return [
        (
            tuple(cell.tally for cell in row.teams),
            tuple(line.tally for cell in row.teams for line in cell.checkins),
            row.total,
        )
        for row in report.weeks
    ]


def sums_of(checkins: list[ClosedCheckin], minimum: int) -> list[WeekSums]:
    """What the database adds up: per team and week, shown check-ins apart from hidden ones."""
    strict = report_threshold(minimum)
    found: dict[tuple[str, IsoWeek], tuple[Tally, Tally]] = {}
    for checkin in checkins:
        key = (checkin.team, IsoWeek.of(checkin.posted_at))
        shown, hidden = found.get(key, (Tally(), Tally()))
        if checkin.tally.responses >= strict:
            shown = shown + checkin.tally
        else:
            hidden = hidden + checkin.tally
        found[key] = (shown, hidden)
    return [WeekSums(team, week, *tallies) for (team, week), tallies in found.items()]


tallies = st.tuples(*(st.integers(0, 4) for _ in LEVELS)).map(Tally)


@st.composite
def checkins(draw: st.DrawFn) -> list[ClosedCheckin]:
    """Check-ins of the report's weeks, most of them near the threshold, and some older."""
    made = []
    for n in range(draw(st.integers(0, 24))):
        team = draw(st.sampled_from(TEAMS))
        week = draw(st.integers(-1, len(WEEKS) - 1))
        monday = datetime.combine(WEEKS[0].monday, datetime.min.time(), tzinfo=UTC)
        hours = draw(st.integers(0, 7 * 24 - 1))
        posted = monday + timedelta(weeks=week, hours=hours)
        made.append(ClosedCheckin(f"c{n}", team, posted, draw(tallies)))
    return sorted(made, key=lambda checkin: (checkin.posted_at, checkin.id))


cases = st.tuples(
    checkins(),
    st.lists(st.sampled_from(TEAMS), min_size=1, max_size=4, unique=True),
    st.integers(5, 7),
    st.sampled_from([week.ends_at for week in WEEKS]),
)


@settings(max_examples=150)
@given(cases)
def test_checkin_by_checkin_report_releases_what_the_full_tree_releases(
    case: tuple[list[ClosedCheckin], list[str], int, datetime],
) -> None:
    made, teams, minimum, settled_before = case
    report = build_report(made, teams, minimum, WEEKS, settled_before)
    assert seen(report) == reference(made, teams, minimum, settled_before)


@settings(max_examples=150)
@given(cases)
def test_week_sums_report_releases_the_same_weeks_and_totals(
    case: tuple[list[ClosedCheckin], list[str], int, datetime],
) -> None:
    made, teams, minimum, settled_before = case
    report = build_week_report(sums_of(made, minimum), teams, minimum, WEEKS, settled_before)
    expected = reference(made, teams, minimum, settled_before)
    assert [(weeks, total) for weeks, _, total in seen(report)] == [
        (weeks, total) for weeks, _, total in expected
    ]


@settings(max_examples=80)
@given(cases)
def test_a_teams_numbers_are_the_same_alone_as_among_all_the_viewers_teams(
    case: tuple[list[ClosedCheckin], list[str], int, datetime],
) -> None:
    made, teams, minimum, settled_before = case
    together = build_report(made, teams, minimum, WEEKS, settled_before)
    for team in teams:
        alone = build_report(made, [team], minimum, WEEKS, settled_before)
        assert alone.team_weeks(team) == together.team_weeks(team)


def test_a_week_with_one_small_checkin_hides_its_team_and_the_total_over_all_teams() -> None:
    """A worked example: 7 answers in C1 and 3 in C2's only check-in, minimum 5 (6 to show)."""
    monday = datetime.combine(WEEKS[0].monday, datetime.min.time(), tzinfo=UTC)
    made = [
        ClosedCheckin("a", "C1", monday + timedelta(hours=9), Tally((3, 2, 1, 1))),
        ClosedCheckin("b", "C2", monday + timedelta(hours=10), Tally((1, 1, 1, 0))),
    ]
    sums = sums_of(made, 5)
    for report in (
        build_report(made, ["C1", "C2"], 5, WEEKS, NOW),
        build_week_report(sums, ["C1", "C2"], 5, WEEKS, NOW),
    ):
        first = report.weeks[0]
        assert [cell.tally for cell in first.teams] == [Tally((3, 2, 1, 1)), None]
        assert first.total is None
