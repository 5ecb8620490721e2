"""The release code against a differencing attacker, on small teams over many weeks.

Hypothesis makes an agency (1-3 teams of 3-9 people, each person answering each check-in at
a rate of their own, 3 check-ins a week for 9-14 weeks). The storage inputs are made from
those answers as the database makes them (the distinct people of a week, the remainder of a
settled month), and every viewer (all teams, one team, the others) looks after every week.
Everything they were shown goes to tests/support/differencing.py, which works from the true
answers, not from the release code's reasoning.
"""

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.periods import Month
from bot.domain.pulses import LEVELS, IsoWeek, Tally
from bot.domain.reports import (
    MonthRest,
    Report,
    State,
    WeekPeople,
    WeekSums,
    build_report,
    hidden_weeks,
    report_threshold,
)
from tests.support.differencing import Answer, Cell, Shown, Truth, leaks

FIRST = IsoWeek(2026, 1)
PER_WEEK = 3


@dataclass(frozen=True)
class Agency:
    minimum: int
    weeks: tuple[IsoWeek, ...]
    teams: tuple[str, ...]
    answers: tuple[Answer, ...]
    checkins: tuple[tuple[str, IsoWeek, int, Tally], ...]  # team, week, number, its tally

    @property
    def months(self) -> list[Month]:
        found = sorted({Month.of(week) for week in self.weeks})
        return [m for m in found if all(w in self.weeks for w in m.weeks)]


@st.composite
def agencies(draw: st.DrawFn) -> Agency:
    minimum = draw(st.integers(5, 6))
    weeks = tuple(FIRST.previous(-n) for n in range(draw(st.integers(9, 14))))
    teams = tuple(f"C{n}" for n in range(draw(st.integers(1, 3))))
    answers, checkins = [], []
    for team in teams:
        size = draw(st.integers(3, 9))
        # Some people answer almost always, some rarely: small groups at the threshold.
        rates = [draw(st.sampled_from((0.1, 0.3, 0.5, 0.7, 0.95))) for _ in range(size)]
        for week in weeks:
            for number in range(PER_WEEK):
                counts = [0] * len(LEVELS)
                for person, rate in enumerate(rates):
                    if draw(st.floats(0, 1)) < rate:
                        level = draw(st.integers(0, len(LEVELS) - 1))
                        counts[level] += 1
                        answers.append(Answer(f"{team}-{person}", team, week, level))
                checkins.append((team, week, number, Tally(tuple(counts))))
    return Agency(minimum, weeks, teams, tuple(answers), tuple(checkins))


def storage_at(agency: Agency, truth: Truth, upto: int) -> tuple[
    list[WeekSums], list[WeekPeople], list[MonthRest]
]:  # fmt: skip
    """What the database holds once weeks[:upto] have settled (and the next one has begun)."""
    strict = report_threshold(agency.minimum)
    sums, people, rests = [], [], []
    settled = agency.weeks[:upto]
    for team in agency.teams:
        for week in agency.weeks[: upto + 1]:
            shown, hidden = Tally(), Tally()
            for t, w, _, tally in agency.checkins:
                if (t, w) == (team, week):
                    if tally.responses >= strict:
                        shown = shown + tally
                    else:
                        hidden = hidden + tally
            sums.append(WeekSums(team, week, shown, hidden))
            count = truth.people([(team, week)]) if week in settled else None
            people.append(WeekPeople(team, week, True, count))
        for month in agency.months:
            if all(week in settled for week in month.weeks):
                counts = {week: truth.people([(team, week)]) for week in month.weeks}
                hidden_set = hidden_weeks(counts, agency.minimum)
                together = truth.people((team, week) for week in hidden_set)
                rests.append(MonthRest(team, month, hidden_set, together))
    return sums, people, rests


def shown_numbers(report: Report) -> list[Shown]:
    """Every number in the report, with the scope its label claims."""
    found: list[Shown] = []
    shown_weeks: dict[str, set[IsoWeek]] = {}
    for row in report.weeks:
        scopes: list[frozenset[Cell]] = []
        for cell in row.teams:
            if cell.tally is not None:
                scope = frozenset({(cell.team, row.week)})
                scopes.append(scope)
                shown_weeks.setdefault(cell.team, set()).add(row.week)
                found.append(Shown(f"{cell.team} {row.week.label}", scope, cell.tally))
        if row.together.tally is not None:
            scope = frozenset().union(*scopes)
            found.append(Shown(f"all {row.week.label}", scope, row.together.tally))
    for month_row in report.months:
        scopes = []
        for cell in month_row.teams:
            if cell.tally is None:
                continue
            weeks = month_row.month.weeks
            if cell.state is State.PART:
                weeks = tuple(w for w in weeks if w in shown_weeks.get(cell.team, set()))
            scope = frozenset((cell.team, week) for week in weeks)
            scopes.append(scope)
            label = f"{cell.team} {month_row.month.label} {cell.state.value}"
            found.append(Shown(label, scope, cell.tally))
        if month_row.together.tally is not None:
            scope = frozenset().union(*scopes)
            found.append(Shown(f"all {month_row.month.label}", scope, month_row.together.tally))
    return found


def everything_shown(agency: Agency, truth: Truth) -> list[Shown]:
    viewers: list[Sequence[str]] = [agency.teams, agency.teams[:1], agency.teams[1:]]
    seen: list[Shown] = []
    for upto in range(len(agency.weeks) + 1):
        sums, people, rests = storage_at(agency, truth, upto)
        looked_at = (
            agency.weeks[upto].ends_at - timedelta(days=7)
            if upto < len(agency.weeks)
            else agency.weeks[-1].ends_at
        )
        for teams in viewers:
            if not teams:
                continue
            report = build_report(
                sums, people, rests, teams, agency.minimum, agency.weeks, agency.months, looked_at
            )
            seen += shown_numbers(report)
    return seen


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agencies())
def test_no_combination_of_anything_ever_shown_singles_out_fewer_people_than_the_threshold(
    agency: Agency,
) -> None:
    truth = Truth(agency.answers)
    shown = everything_shown(agency, truth)
    assert leaks(shown, truth, report_threshold(agency.minimum)) == []


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agencies())
def test_every_shown_number_covers_enough_distinct_people(agency: Agency) -> None:
    truth = Truth(agency.answers)
    strict = report_threshold(agency.minimum)
    for number in everything_shown(agency, truth):
        if number.tally.responses:
            assert truth.people(number.scope) >= strict, number.label


def test_a_month_whose_one_small_week_it_would_give_away_is_never_shown_whole() -> None:
    """Eight people answer every week but one, where two do: the month minus its shown weeks
    would be those two. The release shows the month's shown weeks only, and the attacker
    finds nothing (remove the remainder rule and it finds the combination)."""
    weeks = tuple(FIRST.previous(-n) for n in range(9))
    answers, checkins = [], []
    for index, week in enumerate(weeks):
        counts = [0] * len(LEVELS)
        for person in range(2 if index == 3 else 8):
            answers.append(Answer(f"C0-{person}", "C0", week, person % 4))
            counts[person % 4] += 1
        checkins.append(("C0", week, 0, Tally(tuple(counts))))
    agency = Agency(5, weeks, ("C0",), tuple(answers), tuple(checkins))
    truth = Truth(agency.answers)
    shown = everything_shown(agency, truth)
    assert leaks(shown, truth, report_threshold(agency.minimum)) == []
    assert any(number.label.endswith(" part") for number in shown), "the month as its weeks"
