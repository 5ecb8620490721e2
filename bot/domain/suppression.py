"""Which numbers may be shown: minimum counts, and totals that give no hidden cell away.

Reports form a tree: one leaf per closed check-in, totals above them (a team's week,
all of a supervisor's teams in a week). A leaf is shown when enough people answered.
A total is shown when it reaches the threshold and every hidden leaf under it (not
accounted for by a shown number below) is empty, so no subtraction can uncover a
hidden answer. Cells are never hidden to protect a total; the total is hidden
instead, so what one view shows never changes when another view is added.
"""

from dataclasses import dataclass

from bot.domain.pulses import Tally


def threshold(minimum: int, viewer_could_have_answered: bool) -> int:
    """A viewer who may have answered knows their own answer, so they need one more."""
    return minimum + (1 if viewer_could_have_answered else 0)


@dataclass(frozen=True)
class Cell:
    """A number a report could show: one check-in (no parts) or a total over parts."""

    tally: Tally
    threshold: int
    parts: tuple["Cell", ...] = ()

    @classmethod
    def over(cls, parts: tuple["Cell", ...]) -> "Cell":
        """A total over `parts`, as strict as its strictest part."""
        strictest = max((part.threshold for part in parts), default=0)
        return cls(sum((part.tally for part in parts), Tally()), strictest, parts)


@dataclass(frozen=True)
class Released:
    """A cell with the decision made: `tally` is None when it must not be shown."""

    cell: Cell
    shown: bool
    parts: tuple["Released", ...]

    @property
    def tally(self) -> Tally | None:
        return self.cell.tally if self.shown else None

    def unknown_leaves(self) -> list[Cell]:
        """Hidden leaves under this cell that no shown number below accounts for."""
        if self.shown:
            return []
        if not self.parts:
            return [self.cell]
        return [leaf for part in self.parts for leaf in part.unknown_leaves()]


def release(cell: Cell) -> Released:
    """Decide, bottom up, which cells of a report tree may be shown."""
    parts = tuple(release(part) for part in cell.parts)
    enough = cell.tally.responses >= cell.threshold
    if not parts:
        return Released(cell, enough, parts)
    hidden = [leaf for part in parts for leaf in part.unknown_leaves()]
    return Released(cell, enough and hides_safely(hidden), parts)


def hides_safely(hidden: list[Cell]) -> bool:
    """True when a total may be shown over these hidden leaves: only if they hold no answers.

    A rule that let a total cover some hidden answers (say, at least the threshold of
    them) can be reasoned backwards: a viewer who knows the rule learns from which
    totals are hidden how the hidden answers must be spread. A total that never
    covers a hidden answer gives nothing away, whatever the viewer knows.
    """
    return all(leaf.tally.responses == 0 for leaf in hidden)
