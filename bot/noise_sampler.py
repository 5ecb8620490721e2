"""Discrete Laplace noise from OpenDP, for `PULSE_PRIVACY=dp` (bot/domain/noise.py).

OpenDP's samplers draw from the operating system's randomness and cannot be seeded, so a
week's noise is drawn once and its release stored (bot/storage/noisy_weeks.py).
"""

from collections.abc import Sequence

import opendp.prelude as dp

dp.enable_features("contrib")


def opendp_laplace(counts: Sequence[int], scale: float) -> list[int]:
    """Each count plus discrete Laplace noise: P(noise = k) proportional to exp(-|k| / scale)."""
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    return [int(value) for value in measurement(list(counts))]


def privacy_loss(sensitivity: int, scale: float) -> float:
    """What OpenDP itself says the release costs for that sensitivity (its privacy map)."""
    measurement = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale
    )
    return float(measurement.map(sensitivity))  # type: ignore[no-untyped-call]
