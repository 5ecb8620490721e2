"""PULSE_PRIVACY=dp: OpenDP's noise has the discrete Laplace distribution it should, releases
are clamped at 0, and a person's privacy loss adds up to at most EPSILON_PER_MONTH a month.

OpenDP draws from the operating system's randomness and cannot be seeded, so the
distribution tests are not repeatable draw for draw. Each is a chi-square goodness-of-fit
test that fails when its p-value is below ALPHA: a correct sampler fails one in a million
runs; a sampler of the wrong scale or shape fails practically every run (measured below).
"""

import math
import subprocess
import sys
from pathlib import Path

import opendp.prelude as dp
import pytest

from bot.config.settings import Settings
from bot.domain.noise import (
    EPSILON_PER_MONTH,
    EPSILON_PER_WEEK,
    MAX_WEEKS_PER_MONTH,
    month_loss,
    noisy_week,
    scale,
    sensitivity,
)
from bot.domain.periods import Month
from bot.domain.pulses import Tally
from bot.privacy.noise_sampler import opendp_laplace, privacy_loss

ROOT = Path(__file__).resolve().parents[2]
DRAWS = 20_000
ALPHA = 1e-6
WIDTH = 9  # |k| <= WIDTH in their own bins, the two tails pooled: 2 * WIDTH + 3 bins


def discrete_laplace(k: int, b: float) -> float:
    """P(noise = k) when P(k) is proportional to exp(-|k| / b)."""
    a = math.exp(-1 / b)
    return (1 - a) / (1 + a) * a ** abs(k)


def chi_square_p(draws: list[int], b: float) -> float:
    """The p-value of `draws` against the discrete Laplace of scale b."""
    bins = {k: 0 for k in range(-WIDTH, WIDTH + 1)}
    low = high = 0
    for value in draws:
        if value < -WIDTH:
            low += 1
        elif value > WIDTH:
            high += 1
        else:
            bins[value] += 1
    tail = (1 - sum(discrete_laplace(k, b) for k in bins)) / 2
    observed = [*bins.values(), low, high]
    expected = [len(draws) * discrete_laplace(k, b) for k in bins] + [len(draws) * tail] * 2
    statistic = sum((o - e) ** 2 / e for o, e in zip(observed, expected, strict=True))
    return _chi_square_survival(statistic, len(observed) - 1)


def _chi_square_survival(x: float, df: int) -> float:
    """P(X >= x) for a chi-square of even df: exactly a Poisson tail."""
    assert df % 2 == 0
    half = x / 2
    return math.exp(-half) * sum(half**i / math.factorial(i) for i in range(df // 2))


def test_the_chi_square_tail_is_right_where_it_is_known() -> None:
    # The 95th percentile of a chi-square with 20 degrees of freedom is 31.410.
    assert _chi_square_survival(31.410, 20) == pytest.approx(0.05, abs=1e-4)


# The sampler's range, small here to keep the test quick (its time grows with the range):
# the count sits in the middle, so the bounds clip only what the pooled tails hold.
MOST, MIDDLE = 60, 30


@pytest.mark.parametrize("checkins", [3, 1, 5])
def test_opendp_noise_for_a_week_follows_the_discrete_laplace_of_its_scale(checkins: int) -> None:
    b = scale(checkins)  # 3.0 for the usual three check-ins a week
    draws = [value - MIDDLE for value in opendp_laplace([MIDDLE] * DRAWS, b, MOST)]
    assert chi_square_p(draws, b) > ALPHA
    assert sum(draws) / DRAWS == pytest.approx(0, abs=0.3)  # over 10 standard errors


def test_the_test_tells_a_wrong_scale_apart() -> None:
    """Noise half as wide as it should be (twice the privacy loss) fails the test."""
    draws = [v - MIDDLE for v in opendp_laplace([MIDDLE] * DRAWS, scale(3) / 2, MOST)]
    assert chi_square_p(draws, scale(3)) < ALPHA


def test_the_test_tells_opendp_0_13_unbounded_sampler_apart() -> None:
    """The reason the bounded mechanism is used: OpenDP 0.13.0's unbounded discrete Laplace
    draws 2, 5, 8... too often at scale 3. When this fails, OpenDP fixed it."""
    unbounded = dp.m.make_laplace(
        dp.vector_domain(dp.atom_domain(T=int)), dp.l1_distance(T=int), scale=scale(3)
    )
    assert chi_square_p(list(unbounded([0] * DRAWS)), scale(3)) < ALPHA


def test_counts_stay_within_zero_and_the_most_a_week_can_release() -> None:
    assert min(opendp_laplace([0] * 2000, scale(3), MOST)) == 0
    assert max(opendp_laplace([MOST] * 2000, scale(3), MOST)) == MOST


def test_opendp_says_a_week_costs_one_person_epsilon_per_week_whatever_its_check_ins() -> None:
    for checkins in (1, 2, 3, 4, 6):
        assert privacy_loss(sensitivity(checkins), scale(checkins)) == pytest.approx(
            EPSILON_PER_WEEK
        )


def test_one_person_can_move_a_week_by_twice_its_check_ins() -> None:
    """Three answers moved from one level to another: -3 there, +3 here."""
    before, after = Tally((3, 1, 0, 2)), Tally((0, 1, 3, 2))
    moved = sum(abs(a - b) for a, b in zip(before.counts, after.counts, strict=True))
    assert moved == sensitivity(3) == 6


def test_releases_are_clamped_at_zero_and_keep_the_sampled_values_above() -> None:
    def sampler(counts: object, b: float) -> list[int]:
        assert b == scale(3)
        return [-4, 0, 2, 11]

    assert noisy_week(Tally((1, 0, 2, 9)), 3, sampler) == Tally((0, 0, 2, 11))


def test_a_month_costs_each_person_at_most_epsilon_per_month_and_no_more() -> None:
    """Every month of four years: its weeks' charges, as OpenDP maps them, add up to no more
    than EPSILON_PER_MONTH; months and totals made from the weeks add nothing."""
    month = Month(2026, 1)
    for _ in range(48):
        weeks = len(month.weeks)
        charges = [privacy_loss(sensitivity(3), scale(3)) for _ in range(weeks)]
        assert month_loss(weeks) == pytest.approx(sum(charges))
        assert month_loss(weeks) <= EPSILON_PER_MONTH + 1e-9
        month = Month(month.year + month.month // 12, month.month % 12 + 1)
    assert month_loss(MAX_WEEKS_PER_MONTH) == pytest.approx(EPSILON_PER_MONTH)
    with pytest.raises(ValueError):
        month_loss(MAX_WEEKS_PER_MONTH + 1)


def test_no_month_has_more_weeks_than_the_budget_divides_by() -> None:
    lengths = {
        len(Month(year, month).weeks) for year in range(2024, 2040) for month in range(1, 13)
    }
    assert lengths == {4, MAX_WEEKS_PER_MONTH}


def test_privacy_is_threshold_by_default_and_dp_when_asked() -> None:
    assert Settings(_env_file=None).pulse_privacy == "threshold"
    assert Settings(_env_file=None, pulse_privacy="dp").pulse_privacy == "dp"


def test_an_unknown_privacy_mode_stops_the_app_with_one_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_path,
        env={"PATH": "/usr/bin:/bin", "SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s",
             "PULSE_PRIVACY": "laplace"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )  # fmt: skip
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert "PULSE_PRIVACY" in line and "Traceback" not in result.stderr
