"""Discrete Laplace noise from OpenDP, for `PULSE_PRIVACY=dp` (bot/domain/noise.py).

OpenDP's samplers draw from the operating system's randomness and cannot be seeded, so a
week's noise is drawn once and its release stored (bot/storage/noisy_weeks.py).

The mechanism is OpenDP's geometric mechanism over bounded counts (its constant-time
sampler; the output stays within the bounds, so clamping at 0 happens there). OpenDP
0.13.0's unbounded discrete Laplace sampler was measured off its distribution at scale 3
(values 2, 5, 8... about 13% too often); tests/unit/test_noise.py checks this one.
"""

from collections.abc import Sequence
from functools import cache
from types import ModuleType
from typing import Any

# Fewest and most answers a team's week can release; a week with more (a channel of over
# 600 people answering every check-in) is released as this many. Sampling takes time
# in proportion to the range: about 4 ms a count.
MAX_COUNT = 2000


@cache
def _opendp() -> ModuleType:
    """OpenDP, loaded on the first draw: about 20 MB resident and 10-25 ms at start that
    a process without PULSE_PRIVACY=dp never needs."""
    import opendp.prelude as dp

    dp.enable_features("contrib")
    return dp


def _mechanism(scale: float, most: int) -> Any:
    dp = _opendp()
    return dp.m.make_geometric(
        dp.vector_domain(dp.atom_domain(T=int)),
        dp.l1_distance(T=int),
        scale=scale,
        bounds=(0, most),
    )


def opendp_laplace(counts: Sequence[int], scale: float, most: int = MAX_COUNT) -> list[int]:
    """Each count plus discrete Laplace noise (P(k) proportional to exp(-|k| / scale)),
    kept within 0..`most`."""
    noisy = _mechanism(scale, most)([min(max(count, 0), most) for count in counts])
    return [int(value) for value in noisy]


def privacy_loss(sensitivity: int, scale: float) -> float:
    """What OpenDP itself says the release costs for that sensitivity (its privacy map)."""
    return float(_mechanism(scale, MAX_COUNT).map(sensitivity))
