"""`PULSE_PRIVACY=dp`: the noise on a team's weekly counts, and what it costs each person.

The threshold alone (bot/domain/reports.py) shows a number only for enough people, but when
all of them answered in one level the number still tells each one's level. In dp mode each
settled week of a team is released once as its four level counts plus discrete Laplace
noise (drawn by OpenDP, bot/privacy/noise_sampler.py), clamped at 0, and stored: every look, view
and viewer reads that same release, so looking again averages nothing away. Months, the
all-teams lines, shares and trends are computed from released weeks only (post-processing,
which costs no privacy). The threshold still decides what shows, exactly as without noise.

Neighbouring data: the same answers, except that one person's answers in one team's week
are different (any levels, or not answered). A person answers each check-in at most once,
so with `checkins` check-ins in the week their answers move at most `checkins` counts out
of levels and `checkins` into others: the week's four counts change by at most
2 * `checkins` in L1 distance. Noise of scale (2 * `checkins`) / EPSILON_PER_WEEK makes the
week's release EPSILON_PER_WEEK-differentially private for that person, whatever the
schedule posted; a month has at most 5 weeks, so a person loses at most EPSILON_PER_MONTH
a month in each team they answer in.
"""

from collections.abc import Callable, Sequence
from enum import StrEnum

from bot.domain.pulses import Tally

# Fixed rather than configurable: the guarantee is the answering person's, who never sees
# the operator's settings, and a release drawn once at one scale stays stored (a changed
# value would leave months drawn at mixed scales). README, "Numbers with noise (dp)".
EPSILON_PER_MONTH = 10.0
MAX_WEEKS_PER_MONTH = 5  # a month is the ISO weeks whose Thursday falls in it
EPSILON_PER_WEEK = EPSILON_PER_MONTH / MAX_WEEKS_PER_MONTH

# Adds discrete Laplace noise of the given scale to each count: (counts, scale) -> noisy.
Sampler = Callable[[Sequence[int], float], Sequence[int]]


class Privacy(StrEnum):
    THRESHOLD = "threshold"  # exact numbers for enough people (the default)
    DP = "dp"  # the same numbers with calibrated noise, marked as approximate


def sensitivity(checkins: int) -> int:
    """How far, in L1 distance, one person's answers can move a week's four counts."""
    return 2 * max(checkins, 1)


def scale(checkins: int) -> float:
    """The discrete Laplace scale that costs one person EPSILON_PER_WEEK in such a week."""
    return sensitivity(checkins) / EPSILON_PER_WEEK


def noisy_week(true: Tally, checkins: int, sampler: Sampler) -> Tally:
    """A week's release: its counts with noise, none below 0."""
    drawn = sampler(true.counts, scale(checkins))
    return Tally(tuple(max(0, int(count)) for count in drawn))


def month_loss(released_weeks: int) -> float:
    """The privacy loss of one person in one team's month: each released week of it costs
    EPSILON_PER_WEEK (sequential composition); months and totals built from those weeks
    cost nothing more."""
    if not 0 <= released_weeks <= MAX_WEEKS_PER_MONTH:
        raise ValueError("a month has at most 5 weeks")
    return released_weeks * EPSILON_PER_WEEK
