"""The differencing checker finds the attacks it exists for (so its silence means something)."""

from bot.domain.pulses import IsoWeek, Tally
from tests.support.differencing import Answer, Shown, Truth, leaks

W = [IsoWeek(2026, n) for n in range(1, 5)]
AT_LEAST = 6


def _answers(team: str, week: IsoWeek, people: range, level: int = 0) -> list[Answer]:
    return [Answer(f"{team}-{p}", team, week, level) for p in people]


def _shown(truth: Truth, label: str, *cells: tuple[str, IsoWeek]) -> Shown:
    return Shown(label, frozenset(cells), truth.tally(cells))


def test_a_month_and_all_but_one_of_its_weeks_give_the_last_week_away() -> None:
    answers = [a for week in W[:3] for a in _answers("A", week, range(8))]
    answers += _answers("A", W[3], range(2), level=3)
    truth = Truth(answers)
    shown = [_shown(truth, f"A {w.label}", ("A", w)) for w in W[:3]]
    shown.append(_shown(truth, "A month", *(("A", w) for w in W)))
    found = leaks(shown, truth, AT_LEAST)
    assert [(leak.cells, leak.people) for leak in found] == [(frozenset({("A", W[3])}), 2)]


def test_two_all_teams_lines_over_different_teams_give_a_small_team_away() -> None:
    answers = _answers("A", W[0], range(8)) + _answers("B", W[0], range(8))
    answers += _answers("C", W[0], range(3), level=2)
    truth = Truth(answers)
    shown = [
        _shown(truth, "viewer 1: all", ("A", W[0]), ("B", W[0])),
        _shown(truth, "viewer 2: all", ("A", W[0]), ("B", W[0]), ("C", W[0])),
    ]
    assert [leak.cells for leak in leaks(shown, truth, AT_LEAST)] == [frozenset({("C", W[0])})]


def test_three_answers_from_one_person_are_one_person() -> None:
    answers = [a for week in W[:3] for a in _answers("A", week, range(2))]
    truth = Truth(answers + _answers("A", W[3], range(2)))
    shown = [_shown(truth, "A month", *(("A", w) for w in W))]
    assert "A month covers too few people" in [leak.why for leak in leaks(shown, truth, AT_LEAST)]


def test_a_number_that_is_not_what_it_claims_is_caught() -> None:
    truth = Truth(_answers("A", W[0], range(8)))
    shown = [Shown("A week", frozenset({("A", W[0])}), Tally((7, 0, 0, 0)))]
    assert [leak.why for leak in leaks(shown, truth, AT_LEAST)] == [
        "A week is not the sum of its scope"
    ]


def test_sums_of_disjoint_blocks_of_enough_people_give_nothing_away() -> None:
    answers = [a for week in W for a in _answers("A", week, range(7))]
    answers += [a for week in W[2:] for a in _answers("A", week, range(7, 9))]
    truth = Truth(answers)
    shown = [_shown(truth, f"A {w.label}", ("A", w)) for w in W]
    shown.append(_shown(truth, "A month", *(("A", w) for w in W)))
    shown.append(_shown(truth, "A first half", ("A", W[0]), ("A", W[1])))
    assert leaks(shown, truth, AT_LEAST) == []
