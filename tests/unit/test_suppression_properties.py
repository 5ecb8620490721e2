"""Suppression over random report trees: what is shown never gives a hidden check-in away.

Trees are shaped like real reports: a root (all teams in a week) over 1-4 team totals,
each over 0-4 check-in leaves. The "can a hidden leaf be recovered" properties are
checked by brute force over everything a viewer could know, not by reusing the
module's own reasoning.
"""

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from itertools import product

import pytest
from hypothesis import assume, example, given, settings
from hypothesis import strategies as st

from bot.domain.pulses import LEVELS, Tally
from bot.domain.suppression import Cell, Released, hides_safely, release, threshold

Values = tuple[int, ...]
MAX_HIDDEN = 5


# --- building trees -----------------------------------------------------------------


@dataclass(frozen=True)
class Spec:
    """A report as plain data: the minimum and, per team, (tally, viewer is member)."""

    minimum: int
    teams: tuple[tuple[tuple[Tally, bool], ...], ...]

    def build(self) -> Cell:
        return Cell.over(tuple(self.team(index) for index in range(len(self.teams))))

    def team(self, index: int) -> Cell:
        return Cell.over(tuple(self.leaf(tally, member) for tally, member in self.teams[index]))

    def leaf(self, tally: Tally, member: bool) -> Cell:
        return Cell(tally, threshold(self.minimum, member))


@st.composite
def tallies(draw: st.DrawFn, limit: int) -> Tally:
    """Each level 0-6; often a small check-in, often one just under `limit`.

    Hidden leaves, and hidden leaves at the most they could hold, are where the
    interesting cases are, and uniform tallies would almost never produce them.
    """
    if draw(st.booleans()):
        return Tally(tuple(draw(st.integers(0, 6)) for _ in LEVELS))
    counts = [0] * len(LEVELS)
    answers = draw(st.one_of(st.integers(0, 8), st.just(limit - 1)))
    for _ in range(answers):
        free = [i for i, count in enumerate(counts) if count < 6]
        counts[draw(st.sampled_from(free))] += 1
    return Tally(tuple(counts))


@st.composite
def leaves(draw: st.DrawFn, minimum: int) -> tuple[Tally, bool]:
    member = draw(st.booleans())
    return draw(tallies(threshold(minimum, member))), member


@st.composite
def specs(draw: st.DrawFn) -> Spec:
    minimum = draw(st.integers(5, 7))
    team = st.lists(leaves(minimum), max_size=4).map(tuple)
    return Spec(minimum, tuple(draw(st.lists(team, min_size=1, max_size=4))))


# --- what a viewer sees ---------------------------------------------------------------


@dataclass(frozen=True)
class View:
    """A released tree flattened: its leaves in order, and each total's leaf positions."""

    leaves: tuple[Released, ...]
    totals: tuple[tuple[range, Released], ...]

    @classmethod
    def of(cls, root: Released) -> "View":
        leaves: list[Released] = []
        totals: list[tuple[range, Released]] = []
        for team in root.parts:
            start = len(leaves)
            leaves.extend(team.parts)
            totals.append((range(start, len(leaves)), team))
        totals.append((range(len(leaves)), root))
        return cls(tuple(leaves), tuple(totals))

    @property
    def hidden(self) -> list[int]:
        return [i for i, leaf in enumerate(self.leaves) if not leaf.shown]

    def cells(self) -> list[Released]:
        return [*self.leaves, *(total for _, total in self.totals)]


def _released(spec: Spec) -> tuple[Released, View]:
    root = release(spec.build())
    view = View.of(root)
    assume(len(view.hidden) <= MAX_HIDDEN)
    return root, view


# --- brute force: can a hidden value be worked out? -----------------------------------


def _linear_constraints(
    view: View, measure: Callable[[Tally], Values]
) -> list[tuple[list[int], Values]]:
    """Per shown total: which hidden leaves sum to what, after the shown leaves are known."""
    hidden = set(view.hidden)
    constraints = []
    for positions, total in view.totals:
        if not total.shown:
            continue
        target = list(measure(total.cell.tally))
        for i in positions:
            if i not in hidden:
                target = [
                    t - v for t, v in zip(target, measure(view.leaves[i].cell.tally), strict=True)
                ]
        constraints.append(([i for i in positions if i in hidden], tuple(target)))
    return constraints


def _solutions(
    domains: dict[int, list[Values]],
    constraints: Sequence[tuple[list[int], Values]],
    order: list[int],
) -> list[dict[int, Values]]:
    """Every assignment of `order` from `domains` meeting every sum; pruned depth first."""
    if not order:
        return [{}]
    width = len(domains[order[0]][0])
    highest = {v: tuple(max(value[k] for value in domains[v]) for k in range(width)) for v in order}
    rank = {v: n for n, v in enumerate(order)}
    found: list[dict[int, Values]] = []

    def fits(assigned: dict[int, Values], depth: int) -> bool:
        for members, target in constraints:
            for k in range(width):
                have = sum(assigned[v][k] for v in members if rank[v] <= depth)
                could = sum(highest[v][k] for v in members if rank[v] > depth)
                if have > target[k] or have + could < target[k]:
                    return False
        return True

    def walk(assigned: dict[int, Values], depth: int) -> None:
        variable = order[depth]
        for value in domains[variable]:
            assigned[variable] = value
            if not fits(assigned, depth):
                continue
            if depth + 1 == len(order):
                found.append(dict(assigned))
            else:
                walk(assigned, depth + 1)
        assigned.pop(variable, None)

    walk({}, 0)
    return found


def _has_alternative(
    domains: dict[int, list[Values]],
    constraints: Sequence[tuple[list[int], Values]],
    variable: int,
    component: int,
    actual: int,
) -> bool:
    """Is there a consistent assignment where `variable[component]` is not `actual`?"""
    involved = sorted({v for members, _ in constraints for v in members})
    if variable not in involved:
        return any(value[component] != actual for value in domains[variable])
    narrowed = dict(domains)
    narrowed[variable] = [value for value in domains[variable] if value[component] != actual]
    if not narrowed[variable]:
        return False

    # Group the others by their smallest sum, so each sum is closed (and its last member
    # forced) as early as possible.
    def smallest_sum(v: int) -> tuple[int, int]:
        return min((len(members), c) for c, (members, _) in enumerate(constraints) if v in members)

    order = [variable, *sorted((v for v in involved if v != variable), key=smallest_sum)]
    return _first_solution(narrowed, constraints, order)


def _first_solution(
    domains: dict[int, list[Values]],
    constraints: Sequence[tuple[list[int], Values]],
    order: list[int],
) -> bool:
    """Does any assignment of `order` from `domains` meet every sum?

    Depth first over the variables, remembering which (depth, what is left of each sum)
    states are dead ends, so a search that finds nothing stays small.
    """
    width = len(domains[order[0]][0])
    inside = [set(members) for members, _ in constraints]
    # What the variables from `depth` on could still add to each sum: per component, and
    # in all (a leaf's components share one cap, its threshold - 1).
    room: list[list[tuple[Values, int]]] = []
    for depth in range(len(order) + 1):
        rest = order[depth:]
        room.append(
            [
                (
                    tuple(
                        sum(max(value[k] for value in domains[v]) for v in rest if v in members)
                        for k in range(width)
                    ),
                    sum(max(sum(value) for value in domains[v]) for v in rest if v in members),
                )
                for members in inside
            ]
        )

    def possible(depth: int, left: tuple[Values, ...]) -> bool:
        for (per_component, in_all), wanted in zip(room[depth], left, strict=True):
            if sum(wanted) > in_all:
                return False
            if any(w < 0 or w > most for w, most in zip(wanted, per_component, strict=True)):
                return False
        return True

    # The last variable of a sum has no choice: it must be whatever the sum has left.
    last = {c: max(order.index(v) for v in members) for c, members in enumerate(inside) if members}
    closes = [[c for c, at in last.items() if at == depth] for depth in range(len(order))]
    allowed = {v: set(domains[v]) for v in order}

    @cache
    def walk(depth: int, left: tuple[Values, ...]) -> bool:
        if depth == len(order):
            return True  # `possible` has already required every sum to be used up
        variable = order[depth]
        candidates = domains[variable]
        if closes[depth]:
            forced = left[closes[depth][0]]
            candidates = [forced] if forced in allowed[variable] else []
        for value in candidates:
            after = tuple(
                tuple(w - x for w, x in zip(wanted, value, strict=True))
                if variable in inside[c]
                else wanted
                for c, wanted in enumerate(left)
            )
            if possible(depth + 1, after) and walk(depth + 1, after):
                return True
        return False

    start = tuple(target for _, target in constraints)
    return possible(0, start) and walk(0, start)


@cache
def _count_domain(limit: int) -> list[Values]:
    """A hidden leaf's possible response counts: 0 up to its threshold - 1."""
    return [(n,) for n in range(limit)]


@cache
def _level_domain(limit: int) -> list[Values]:
    """A hidden leaf's possible tallies: any per-level counts adding up to below `limit`."""
    return [counts for counts in product(range(limit), repeat=len(LEVELS)) if sum(counts) < limit]


def _nearest_first(domain: list[Values], actual: Values) -> list[Values]:
    """The same values, closest to the real ones first: only speeds the search up.

    The real values meet every sum, so a different consistent assignment, when there is
    one, is usually a small step away from them.
    """
    return sorted(
        domain, key=lambda value: sum(abs(a - b) for a, b in zip(value, actual, strict=True))
    )


def _recovered_counts(view: View) -> list[int]:
    """Hidden leaves with answers whose response count every consistent assignment agrees on."""
    constraints = _linear_constraints(view, lambda tally: (tally.responses,))
    domains = {
        i: _nearest_first(
            _count_domain(view.leaves[i].cell.threshold), (view.leaves[i].cell.tally.responses,)
        )
        for i in view.hidden
    }
    return [
        i
        for i in view.hidden
        if (n := view.leaves[i].cell.tally.responses) > 0
        and not _has_alternative(domains, constraints, i, 0, n)
    ]


def _recovered_levels(view: View) -> list[tuple[int, int]]:
    """(hidden leaf, level) pairs with answers whose count there is determined."""
    constraints = _linear_constraints(view, lambda tally: tally.counts)
    domains = {
        i: _nearest_first(
            _level_domain(view.leaves[i].cell.threshold), view.leaves[i].cell.tally.counts
        )
        for i in view.hidden
    }
    return [
        (i, k)
        for i in view.hidden
        for k, n in enumerate(view.leaves[i].cell.tally.counts)
        if n > 0 and not _has_alternative(domains, constraints, i, k, n)
    ]


# --- the properties -------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(specs())
def test_every_shown_cell_has_at_least_its_threshold_of_responses(spec: Spec) -> None:
    _, view = _released(spec)
    for cell in view.cells():
        if cell.shown:
            assert cell.cell.tally.responses >= cell.cell.threshold


@settings(max_examples=200, deadline=None)
@given(specs())
def test_no_hidden_leaf_with_answers_can_be_recovered_from_the_visible_numbers(
    spec: Spec,
) -> None:
    _, view = _released(spec)
    assert _recovered_counts(view) == []


@settings(max_examples=200, deadline=None)
@given(specs())
def test_no_hidden_leaf_count_at_any_level_can_be_recovered_from_the_visible_numbers(
    spec: Spec,
) -> None:
    _, view = _released(spec)
    assert _recovered_levels(view) == []


@settings(max_examples=200, deadline=None)
@given(specs())
def test_a_total_is_never_shown_when_its_own_responses_are_below_its_threshold(
    spec: Spec,
) -> None:
    _, view = _released(spec)
    for _, total in view.totals:
        if total.cell.tally.responses < total.cell.threshold:
            assert not total.shown


@settings(max_examples=200, deadline=None)
@given(specs(), specs(), st.data())
def test_a_leafs_release_depends_only_on_its_own_tally_and_threshold(
    spec: Spec, other: Spec, data: st.DataObject
) -> None:
    view = View.of(release(spec.build()))
    for leaf in view.leaves:
        alone = release(leaf.cell)
        assert leaf.shown == alone.shown
        assert leaf.shown == (leaf.cell.tally.responses >= leaf.cell.threshold)
        # The same leaf dropped into an unrelated report gets the same decision.
        team = data.draw(st.integers(0, len(other.teams) - 1))
        placed = tuple(
            Cell.over((*other.team(i).parts, leaf.cell)) if i == team else other.team(i)
            for i in range(len(other.teams))
        )
        elsewhere = release(Cell.over(placed)).parts[team].parts[-1]
        assert elsewhere.cell == leaf.cell
        assert elsewhere.shown == leaf.shown


# --- a viewer who also knows the rules ------------------------------------------------


def _recovered_knowing_the_rules(spec: Spec) -> list[int]:
    """Like `_recovered_counts`, but the viewer also knows which totals were hidden.

    The rules are public, so a hidden total says something too. Every assignment of
    counts to the hidden leaves is replayed through `release`; it stays possible only
    if it shows exactly the same cells with the same numbers.
    """
    root = release(spec.build())
    view = View.of(root)
    constraints = _linear_constraints(view, lambda tally: (tally.responses,))
    domains = {i: _count_domain(view.leaves[i].cell.threshold) for i in view.hidden}
    candidates = _solutions(domains, constraints, view.hidden)
    seen = _shown_counts(view)
    possible: dict[int, set[int]] = {i: set() for i in view.hidden}
    for candidate in candidates:
        replay = _replace_counts(spec, {i: value[0] for i, value in candidate.items()})
        replayed = View.of(release(replay.build()))
        if _shown_counts(replayed) != seen:
            continue
        for i, value in candidate.items():
            possible[i].add(value[0])
    actual = {i: view.leaves[i].cell.tally.responses for i in view.hidden}
    assert all(actual[i] in possible[i] for i in view.hidden), "the real counts must replay"
    return [i for i in view.hidden if actual[i] > 0 and len(possible[i]) == 1]


def _shown_counts(view: View) -> list[int | None]:
    return [cell.cell.tally.responses if cell.shown else None for cell in view.cells()]


def _replace_counts(spec: Spec, counts: dict[int, int]) -> Spec:
    """The same report with some leaves' answers replaced (all put on the first level)."""
    teams = []
    position = 0
    for team in spec.teams:
        leaves = []
        for tally, member in team:
            if position in counts:
                tally = Tally((counts[position],) + (0,) * (len(LEVELS) - 1))
            leaves.append((tally, member))
            position += 1
        teams.append(tuple(leaves))
    return Spec(spec.minimum, tuple(teams))


def _one_level(n: int) -> Tally:
    return Tally((n, 0, 0, 0))


# Two trees that leaked under an earlier rule (a total could cover hidden answers when
# their sum was at least the threshold and below the most the hidden leaves could hold).
# A hidden total then said "the answers under me are few, or at their maximum", and:
#   - root 9 over hidden teams {4, 4} and {1} (minimum 5): the 1 can't be 5 or more, so
#     the first team holds 5..8; 5..7 would have been shown, so it is 8 = 4 + 4;
#   - hypothesis's own shrunk case: members' 5 and 5 (threshold 6) hide their team, an
#     empty check-in of another team pads the root's "most" to 14, the root shows 10.
EARLIER_LEAKS = (
    Spec(5, (((_one_level(4), False), (_one_level(4), False)), ((_one_level(1), False),))),
    Spec(5, (((_one_level(0), False),), ((_one_level(5), True), (_one_level(5), True)))),
)


@pytest.mark.parametrize("spec", EARLIER_LEAKS)
def test_a_viewer_who_knows_the_rules_learns_nothing_from_the_earlier_leaks(spec: Spec) -> None:
    assert _recovered_knowing_the_rules(spec) == []


@settings(max_examples=100, deadline=None)
@given(specs())
@example(EARLIER_LEAKS[0])
@example(EARLIER_LEAKS[1])
def test_a_viewer_who_knows_the_rules_cannot_recover_a_hidden_leaf(spec: Spec) -> None:
    view = View.of(release(spec.build()))
    assume(len(view.hidden) <= 4)
    assert _recovered_knowing_the_rules(spec) == []


# --- examples from the issue ----------------------------------------------------------


def _leaf(n: int, minimum: int = 5, member: bool = False) -> Cell:
    return Cell(_one_level(n), threshold(minimum, member))


@pytest.mark.parametrize(
    ("answers", "member", "shown"),
    [(4, False, False), (5, False, True), (5, True, False), (6, True, True)],
)
def test_a_single_check_in_is_shown_only_from_its_threshold(
    answers: int, member: bool, shown: bool
) -> None:
    released = release(Cell.over((_leaf(answers, member=member),)))
    assert released.parts[0].shown is shown
    assert released.shown is shown


def test_a_week_of_8_and_3_shows_the_8_and_hides_the_3_and_the_week() -> None:
    week = release(Cell.over((_leaf(8), _leaf(3))))
    assert [part.shown for part in week.parts] == [True, False]
    assert week.parts[0].tally == _one_level(8)
    assert week.parts[1].tally is None
    assert week.tally is None  # 11 - 8 would give the 3 away


def test_two_hidden_check_ins_at_their_maximum_hide_the_week() -> None:
    week = release(Cell.over((_leaf(4), _leaf(4))))
    assert week.tally is None  # 8 is the most two hidden cells can hold: both are 4


def test_two_hidden_check_ins_below_their_maximum_still_hide_the_week() -> None:
    # 4 + 3 = 7 could be shown without giving either away on the sums alone, but the
    # rule only lets a total cover hidden check-ins that hold no answers.
    week = release(Cell.over((_leaf(4), _leaf(3))))
    assert [part.shown for part in week.parts] == [False, False]
    assert week.tally is None


def test_a_shown_check_in_beside_an_empty_hidden_one_shows_the_week() -> None:
    week = release(Cell.over((_leaf(8), _leaf(0))))
    assert [part.shown for part in week.parts] == [True, False]
    assert week.tally == _one_level(8)


def test_a_week_of_hidden_check_ins_below_the_minimum_is_hidden() -> None:
    assert release(Cell.over((_leaf(2), _leaf(2)))).tally is None


def test_hides_safely_with_nothing_hidden_or_only_empty_leaves() -> None:
    assert hides_safely([])
    assert hides_safely([_leaf(0), _leaf(0, member=True)])
    assert not hides_safely([_leaf(0), _leaf(1)])
