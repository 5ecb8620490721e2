"""Which wording variant comes next: questions never repeat back to back, reminders go
through the whole deck before any repeats."""

import random
from dataclasses import dataclass


@dataclass(frozen=True)
class DeckPosition:
    """Where a conversation is in its shuffled deck of variants."""

    cycle: int = 0
    position: int = 0
    last: int | None = None


def draw(count: int, seed: str, at: DeckPosition) -> tuple[int, DeckPosition]:
    """The next variant of a deck of `count`, and the position after drawing it.

    Each cycle is a shuffle of every variant; a new cycle never starts with the variant that
    ended the last one, so nothing is shown twice in a row.
    """
    if count <= 0:
        raise ValueError("a deck needs at least one variant")
    cycle, position = at.cycle, at.position
    if position >= count:
        cycle, position = cycle + 1, 0
    order = _shuffled(count, seed, cycle, avoid_first=at.last if position == 0 else None)
    chosen = order[position]
    return chosen, DeckPosition(cycle, position + 1, chosen)


def _shuffled(count: int, seed: str, cycle: int, avoid_first: int | None) -> list[int]:
    order = list(range(count))
    random.Random(f"{seed}:{cycle}").shuffle(order)  # variety, not secrecy
    if count > 1 and order[0] == avoid_first:
        order[0], order[-1] = order[-1], order[0]
    return order
