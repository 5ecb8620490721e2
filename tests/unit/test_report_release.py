"""The release rules one by one: people not answers, whole settled weeks, month remainders,
all-teams lines that only add up what is shown, and the earlier rule for older weeks."""

from datetime import timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.periods import Month
from bot.domain.pulses import IsoWeek, Tally
from bot.domain.reports import (
    MonthRest,
    Report,
    State,
    WeekPeople,
    WeekSums,
    build_report,
    hidden_weeks,
    week_settled,
)

MINIMUM = 5  # a number needs 6 distinct people
NOVEMBER = Month(2026, 11)
WEEKS = NOVEMBER.weeks  # W45..W48
AFTER = WEEKS[-1].ends_at + timedelta(days=1)


def _sums(team: str, week: IsoWeek, answers: int, hidden: int = 0) -> WeekSums:
    return WeekSums(team, week, Tally((answers, 0, 0, 0)), Tally((0, 0, hidden, 0)))


def _report(
    sums: list[WeekSums],
    people: list[WeekPeople],
    rests: list[MonthRest] = (),  # type: ignore[assignment]
    teams: tuple[str, ...] = ("A",),
    settled_before: object = AFTER,
) -> Report:
    return build_report(
        sums,
        people,
        list(rests),
        teams,
        MINIMUM,
        WEEKS,
        [NOVEMBER],
        settled_before,  # type: ignore[arg-type]
    )


def _week(report: Report, team: str, week: IsoWeek) -> tuple[State, Tally | None]:
    cell = next(c for w, c in report.team_weeks(team) if w == week)
    return cell.state, cell.tally


def test_three_answers_each_from_five_people_stay_hidden_and_six_people_show() -> None:
    five = _report([_sums("A", WEEKS[0], 15)], [WeekPeople("A", WEEKS[0], True, 5)])
    six = _report([_sums("A", WEEKS[0], 6)], [WeekPeople("A", WEEKS[0], True, 6)])
    assert _week(five, "A", WEEKS[0]) == (State.HIDDEN, None)
    assert _week(six, "A", WEEKS[0]) == (State.SHOWN, Tally((6, 0, 0, 0)))


def test_nothing_of_a_week_shows_before_it_settled() -> None:
    report = _report([_sums("A", WEEKS[0], 20)], [WeekPeople("A", WEEKS[0], True, None)])
    assert _week(report, "A", WEEKS[0]) == (State.OPEN, None)
    assert report.months[0].teams[0].state is State.OPEN


def test_a_month_with_one_small_hidden_week_shows_only_its_shown_weeks_and_says_so() -> None:
    sums = [_sums("A", w, 8) for w in WEEKS[:3]] + [_sums("A", WEEKS[3], 3)]
    people = [WeekPeople("A", w, True, 7) for w in WEEKS[:3]] + [WeekPeople("A", WEEKS[3], True, 3)]
    rest = MonthRest("A", NOVEMBER, frozenset({WEEKS[3]}), 3)
    cell = _report(sums, people, [rest]).months[0].teams[0]
    assert (cell.state, cell.tally, cell.shown, cell.active) == (
        State.PART,
        Tally((24, 0, 0, 0)),
        3,
        4,
    )


def test_a_month_whose_hidden_weeks_hold_enough_people_together_shows_whole() -> None:
    sums = [_sums("A", w, 8) for w in WEEKS[:2]] + [_sums("A", w, 4) for w in WEEKS[2:]]
    people = [WeekPeople("A", w, True, 7) for w in WEEKS[:2]]
    people += [WeekPeople("A", w, True, 4) for w in WEEKS[2:]]
    rest = MonthRest("A", NOVEMBER, frozenset(WEEKS[2:]), 6)
    cell = _report(sums, people, [rest]).months[0].teams[0]
    assert (cell.state, cell.tally) == (State.SHOWN, Tally((24, 0, 0, 0)))
    # The same remainder counted over other weeks (the minimum changed since) is not used.
    moved = MonthRest("A", NOVEMBER, frozenset(WEEKS[3:]), 6)
    assert _report(sums, people, [moved]).months[0].teams[0].state is State.PART


def test_all_teams_adds_up_only_the_teams_shown_and_says_how_many() -> None:
    sums = [_sums("A", WEEKS[0], 9), _sums("B", WEEKS[0], 7), _sums("C", WEEKS[0], 2)]
    people = [
        WeekPeople("A", WEEKS[0], True, 9),
        WeekPeople("B", WEEKS[0], True, 7),
        WeekPeople("C", WEEKS[0], True, 2),
    ]
    together = _report(sums, people, teams=("A", "B", "C")).weeks[0].together
    assert (together.tally, together.shown, together.active) == (Tally((16, 0, 0, 0)), 2, 3)


def test_a_week_begun_before_people_were_counted_keeps_the_earlier_rule() -> None:
    # Its check-ins: one of 8 answers, one of 3 (hidden then); the week stayed hidden.
    mixed = _report([_sums("A", WEEKS[0], 8, hidden=3)], [])
    assert _week(mixed, "A", WEEKS[0]) == (State.HIDDEN, None)
    whole = _report([_sums("A", WEEKS[0], 14)], [WeekPeople("A", WEEKS[0], False, 2)])
    assert _week(whole, "A", WEEKS[0]) == (State.SHOWN, Tally((14, 0, 0, 0)))


@settings(max_examples=50, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 9)), min_size=4, max_size=4),
    st.lists(st.tuples(st.integers(0, 30), st.integers(0, 9)), min_size=4, max_size=4),
)
def test_a_teams_numbers_are_the_same_alone_as_among_all_the_viewers_teams(
    a: list[tuple[int, int]], b: list[tuple[int, int]]
) -> None:
    sums, people = [], []
    for team, weeks in (("A", a), ("B", b)):
        for week, (answers, count) in zip(WEEKS, weeks, strict=True):
            sums.append(_sums(team, week, max(answers, count)))
            people.append(WeekPeople(team, week, True, count))
    alone = _report(sums, people, teams=("A",))
    both = _report(sums, people, teams=("B", "A"))
    assert alone.team_weeks("A") == both.team_weeks("A")
    assert alone.team_months("A") == both.team_months("A")


@settings(max_examples=50, deadline=None)
@given(st.lists(st.tuples(st.integers(0, 40), st.integers(0, 4)), min_size=4, max_size=4))
def test_a_team_of_four_never_shows_anything(weeks: list[tuple[int, int]]) -> None:
    sums = [_sums("A", w, answers) for w, (answers, _) in zip(WEEKS, weeks, strict=True)]
    people = [WeekPeople("A", w, True, n) for w, (_, n) in zip(WEEKS, weeks, strict=True)]
    rest = MonthRest("A", NOVEMBER, frozenset(WEEKS), max(n for _, n in weeks))
    report = _report(sums, people, [rest])
    assert all(cell.tally is None for _, cell in report.team_weeks("A"))
    assert all(cell.tally is None for _, cell in report.team_months("A"))


def test_a_week_with_exactly_the_threshold_of_people_is_not_among_the_hidden() -> None:
    people = {WEEKS[0]: MINIMUM + 1, WEEKS[1]: MINIMUM, WEEKS[2]: 0}
    assert hidden_weeks(people, MINIMUM) == {WEEKS[1], WEEKS[2]}


def test_a_month_whose_hidden_weeks_hold_no_answer_shows_whole() -> None:
    sums = [_sums("A", w, 8) for w in WEEKS[:3]] + [_sums("A", WEEKS[3], 0)]
    people = [WeekPeople("A", w, True, 7) for w in WEEKS[:3]] + [WeekPeople("A", WEEKS[3], True, 0)]
    cell = _report(sums, people).months[0].teams[0]
    assert (cell.state, cell.tally) == (State.SHOWN, Tally((24, 0, 0, 0)))
    nothing_shown = _report([_sums("A", WEEKS[3], 0)], [WeekPeople("A", WEEKS[3], True, 0)])
    assert nothing_shown.months[0].teams[0].state is not State.SHOWN


def test_in_dp_mode_every_number_shown_is_made_of_the_kept_noisy_releases() -> None:
    sums = [_sums("A", w, 8) for w in WEEKS]
    people = [WeekPeople("A", w, True, 7) for w in WEEKS]
    noisy = {("A", w): Tally((9, i, 0, 0)) for i, w in enumerate(WEEKS)}
    report = build_report(sums, people, [], ("A",), MINIMUM, WEEKS, [NOVEMBER], AFTER, noisy)
    assert [_week(report, "A", w) for w in WEEKS] == [(State.SHOWN, noisy[("A", w)]) for w in WEEKS]
    month = report.months[0].teams[0]
    assert (month.state, month.tally) == (State.SHOWN, Tally((36, 6, 0, 0)))


def test_in_dp_mode_a_week_too_few_people_answered_stays_hidden_and_its_month_partial() -> None:
    sums = [_sums("A", w, 8) for w in WEEKS[:3]]  # the last week had no check-in
    people = [WeekPeople("A", w, True, n) for w, n in zip(WEEKS[:3], (7, 7, 4), strict=True)]
    noisy = {("A", w): Tally((9, 0, 0, 0)) for w in WEEKS[:3]}
    report = build_report(sums, people, [], ("A",), MINIMUM, WEEKS, [NOVEMBER], AFTER, noisy)
    assert [_week(report, "A", w)[0] for w in WEEKS] == [
        State.SHOWN, State.SHOWN, State.HIDDEN, State.EMPTY,
    ]  # fmt: skip
    month = report.months[0].teams[0]
    assert (month.state, month.tally) == (State.PART, Tally((18, 0, 0, 0)))


def test_an_older_week_counted_check_in_by_check_in_hides_its_hidden_answers_however_many() -> None:
    sums = [_sums("A", WEEKS[0], 10, hidden=7), _sums("A", WEEKS[1], 10)]
    people = [WeekPeople("A", w, False, None) for w in WEEKS[:2]]  # begun before counting
    report = _report(sums, people)
    assert _week(report, "A", WEEKS[0]) == (State.HIDDEN, None)
    assert _week(report, "A", WEEKS[1]) == (State.SHOWN, Tally((10, 0, 0, 0)))


def test_a_week_is_settled_once_it_ended_by_the_cutoff() -> None:
    week = WEEKS[0]
    assert week_settled(week, None, week.ends_at)
    assert not week_settled(week, None, week.ends_at - timedelta(microseconds=1))


def test_what_a_month_says_it_holds_shown_weeks_of_active_ones_and_no_total_when_none() -> None:
    shown = [_sums("A", w, 8) for w in WEEKS]
    whole = _report(shown, [WeekPeople("A", w, True, 7) for w in WEEKS]).months[0]
    cell = whole.teams[0]
    assert (cell.state, cell.shown, cell.active) == (State.SHOWN, 4, 4)
    few = _report(shown[:2], [WeekPeople("A", w, True, 3) for w in WEEKS[:2]])
    hidden = few.months[0].teams[0]
    assert (hidden.state, hidden.tally, hidden.shown, hidden.active) == (State.HIDDEN, None, 0, 2)
    assert few.months[0].together.tally is None, "all teams: no total of nothing"
    assert few.weeks[0].together.tally is None


def test_a_month_and_its_weeks_are_over_once_the_cutoff_reaches_their_end() -> None:
    sums = [_sums("A", w, 8) for w in WEEKS]
    people = [WeekPeople("A", w, False, None) for w in WEEKS]  # the earlier rule: by the clock
    at_the_end = _report(sums, people, settled_before=NOVEMBER.ends_at)
    assert at_the_end.months[0].teams[0].state is State.SHOWN
    assert at_the_end.weeks[-1].settled
    just_before = _report(sums, people, settled_before=WEEKS[-1].ends_at - timedelta(seconds=1))
    assert just_before.months[0].teams[0].state is State.OPEN
    assert not just_before.weeks[-1].settled
