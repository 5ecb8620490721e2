"""When a team's weekly numbers call for a suggestion to the supervisor (never about a person).

Only shown weeks feed it: a hidden week breaks a run, so nothing hidden ever shows through.
"""

from collections.abc import Sequence
from enum import StrEnum

from bot.domain.pulses import RISING_WEEKS, rising_late_share

# A week is hard when at least half its answers were on autopilot or past empty.
HIGH_SHARE = 0.5


class Suggestion(StrEnum):
    RISING = "rising"  # the share rose three weeks running
    STAYS_HIGH = "stays_high"  # the share stayed high three weeks running
    HARD_WEEK = "hard_week"  # last week alone was hard


def suggestion(shares: Sequence[float | None]) -> Suggestion | None:
    """`shares`: the late-stage share of each settled week, oldest first; None when hidden."""
    if rising_late_share(shares):
        return Suggestion.RISING
    recent = shares[-RISING_WEEKS:]
    if len(recent) == RISING_WEEKS and all(s is not None and s >= HIGH_SHARE for s in recent):
        return Suggestion.STAYS_HIGH
    if shares and shares[-1] is not None and shares[-1] >= HIGH_SHARE:
        return Suggestion.HARD_WEEK
    return None
