"""Wording rotation: whole deck before repeats, never the same twice in a row."""

from itertools import pairwise

from bot.domain.rotation import DeckPosition, draw


def _draws(count: int, n: int, seed: str = "C0TEAM") -> list[int]:
    at = DeckPosition()
    out = []
    for _ in range(n):
        chosen, at = draw(count, seed, at)
        out.append(chosen)
    return out


def test_every_variant_is_shown_once_before_any_repeats() -> None:
    shown = _draws(32, 96)
    for cycle in range(3):
        assert sorted(shown[cycle * 32 : (cycle + 1) * 32]) == list(range(32))


def test_never_the_same_variant_twice_in_a_row() -> None:
    for seed in ("a", "b", "c", "d", "e"):
        shown = _draws(3, 300, seed)
        assert all(x != y for x, y in pairwise(shown))


def test_channels_get_different_orders() -> None:
    assert _draws(32, 32, "C1") != _draws(32, 32, "C2")


def test_a_deck_of_one_still_draws() -> None:
    assert _draws(1, 3) == [0, 0, 0]
