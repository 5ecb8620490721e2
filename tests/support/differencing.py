"""A differencing attack on everything a supervisor was ever shown, from the answers' truth.

Every shown number claims a scope: a set of (team, week) cells whose answers it adds up (a
team's week, a team's month or the shown weeks of it, all the viewer's teams in a period).
The checker first holds each number to its claim, from the true answers: its tally must be
exactly the answers in its scope, and those must come from enough distinct people. Then it
asks, for every small set of cells held by fewer people than the threshold (and holding an
answer), whether that set's indicator lies in the rational span of the shown scopes: if so,
some combination of shown numbers (with any coefficients, not only +1/-1) equals exactly
those few people's answers. No number shown says anything finer than a cell, so the search
over cells is exact; it covers sets of up to `MAX_CELLS` cells.

The tests pass `PULSE_MIN_RESPONSES` + 1 as `at_least`: a viewer who answered and takes their
own answers out of any group the checker lets through still faces `PULSE_MIN_RESPONSES` others.
"""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from itertools import combinations

from bot.domain.pulses import LEVELS, IsoWeek, Tally

Cell = tuple[str, IsoWeek]  # team, week
MAX_CELLS = 4


@dataclass(frozen=True)
class Answer:
    person: str
    team: str
    week: IsoWeek
    level: int  # index into LEVELS


@dataclass(frozen=True)
class Shown:
    """One number a viewer saw: what it says it covers, and its value."""

    label: str
    scope: frozenset[Cell]
    tally: Tally


@dataclass(frozen=True)
class Leak:
    why: str
    cells: frozenset[Cell]
    people: int


class Truth:
    def __init__(self, answers: Sequence[Answer]) -> None:
        self._answers = answers

    def tally(self, scope: Iterable[Cell]) -> Tally:
        cells = set(scope)
        counts = [0] * len(LEVELS)
        for answer in self._answers:
            if (answer.team, answer.week) in cells:
                counts[answer.level] += 1
        return Tally(tuple(counts))

    def people(self, scope: Iterable[Cell]) -> int:
        cells = set(scope)
        return len({a.person for a in self._answers if (a.team, a.week) in cells})

    def cells(self) -> set[Cell]:
        return {(a.team, a.week) for a in self._answers}


def leaks(shown: Sequence[Shown], truth: Truth, at_least: int) -> list[Leak]:
    """Every way the shown numbers single out fewer than `at_least` people's answers."""
    found: list[Leak] = []
    values: dict[tuple[str, frozenset[Cell]], Tally] = {}
    for number in shown:
        if truth.tally(number.scope) != number.tally:
            found.append(Leak(f"{number.label} is not the sum of its scope", number.scope, 0))
        people = truth.people(number.scope)
        if number.tally.responses and people < at_least:
            found.append(Leak(f"{number.label} covers too few people", number.scope, people))
        earlier = values.setdefault((number.label, number.scope), number.tally)
        if earlier != number.tally:
            found.append(Leak(f"{number.label} changed between looks", number.scope, people))
    cells = sorted({cell for number in shown for cell in number.scope})
    index = {cell: position for position, cell in enumerate(cells)}
    basis = _row_echelon([_vector(number.scope, index) for number in shown], len(cells))
    small = [cell for cell in cells if truth.people([cell]) < at_least]
    for size in range(1, MAX_CELLS + 1):
        for group in combinations(small, size):
            scope = frozenset(group)
            people = truth.people(scope)
            if people >= at_least or not truth.tally(scope).responses:
                continue
            if _in_span(_vector(scope, index), basis):
                found.append(Leak("a combination of shown numbers isolates", scope, people))
    return found


def _vector(scope: Iterable[Cell], index: dict[Cell, int]) -> list[Fraction]:
    row = [Fraction(0)] * len(index)
    for cell in scope:
        row[index[cell]] = Fraction(1)
    return row


def _row_echelon(rows: list[list[Fraction]], width: int) -> list[tuple[int, list[Fraction]]]:
    """A basis of the rows' span: (pivot column, row with 1 there and 0 in other pivots)."""
    basis: list[tuple[int, list[Fraction]]] = []
    for row in rows:
        reduced = _reduce(list(row), basis)
        pivot = next((i for i in range(width) if reduced[i] != 0), None)
        if pivot is None:
            continue
        scale = reduced[pivot]
        reduced = [value / scale for value in reduced]
        basis = [(p, [a - b[pivot] * c for a, c in zip(b, reduced, strict=True)]) for p, b in basis]
        basis.append((pivot, reduced))
    return basis


def _reduce(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> list[Fraction]:
    for pivot, base in basis:
        if row[pivot] != 0:
            factor = row[pivot]
            row = [a - factor * b for a, b in zip(row, base, strict=True)]
    return row


def _in_span(row: list[Fraction], basis: list[tuple[int, list[Fraction]]]) -> bool:
    return not any(_reduce(row, basis))
