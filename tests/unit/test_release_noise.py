"""PULSE_PRIVACY=dp against the differencing attacker: noise changes the values, never what
shows. The agencies and looks of test_release_differencing.py, with each settled week's
release drawn once (noise chosen by hypothesis: the rules must hold for any noise) and kept
for every later look, as storage keeps it.
"""

from collections.abc import Sequence
from datetime import timedelta

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.domain.noise import Sampler, noisy_week
from bot.domain.pulses import LEVELS, IsoWeek, Tally, total
from bot.domain.reports import build_report, report_threshold, week_settled
from tests.support.differencing import Answer, Shown, Truth, leaks
from tests.unit.test_release_differencing import (
    FIRST,
    Agency,
    agencies,
    shown_numbers,
    storage_at,
)


def _adding(draws: list[int]) -> Sampler:
    def sampler(counts: Sequence[int], scale: float) -> list[int]:
        return [count + noise for count, noise in zip(counts, draws, strict=True)]

    return sampler


def everything_shown_with_noise(
    agency: Agency, truth: Truth, noise: st.DataObject
) -> tuple[list[Shown], list[Shown], dict[tuple[str, IsoWeek], Tally]]:
    """What every viewer saw after every week, with noise and without; the kept releases."""
    kept: dict[tuple[str, IsoWeek], Tally] = {}
    viewers: list[Sequence[str]] = [agency.teams, agency.teams[:1], agency.teams[1:]]
    noisy, exact = [], []
    for upto in range(len(agency.weeks) + 1):
        sums, people, rests = storage_at(agency, truth, upto)
        looked_at = (
            agency.weeks[upto].ends_at - timedelta(days=7)
            if upto < len(agency.weeks)
            else agency.weeks[-1].ends_at
        )
        counted = {(p.team, p.week): p for p in people}
        for s in sums:
            key = (s.team, s.week)
            if key not in kept and week_settled(s.week, counted.get(key), looked_at):
                draws = noise.draw(st.lists(st.integers(-6, 6), min_size=4, max_size=4))
                kept[key] = noisy_week(s.shown + s.hidden, 3, _adding(draws))
        for teams in viewers:
            if not teams:
                continue
            args = (sums, people, rests, teams, agency.minimum, agency.weeks, agency.months)
            noisy += shown_numbers(build_report(*args, looked_at, dict(kept)))
            exact += shown_numbers(build_report(*args, looked_at))
    return noisy, exact, kept


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(agencies(), st.data())
def test_noise_shows_the_same_scopes_made_only_of_kept_releases_and_nothing_leaks(
    agency: Agency, noise: st.DataObject
) -> None:
    truth = Truth(agency.answers)
    noisy, exact, kept = everything_shown_with_noise(agency, truth, noise)
    # The same numbers show, over the same scopes, for every viewer and look.
    assert [(n.label, n.scope) for n in noisy] == [(n.label, n.scope) for n in exact]
    for number in noisy:
        # Each value is the sum of its scope's kept releases: no true count gets in.
        assert number.tally == total(kept.get(cell, Tally()) for cell in number.scope)
        assert min(number.tally.counts) >= 0
    # The threshold and differencing rules, on the scopes shown, as without noise.
    assert leaks(exact, truth, report_threshold(agency.minimum)) == []


def test_a_kept_release_is_what_every_later_look_shows() -> None:
    """One team, eight people a week for three weeks: the first week's release, drawn when it
    settled, is shown unchanged however many weeks later one looks."""
    weeks = tuple(FIRST.previous(-n) for n in range(3))
    answers, checkins = [], []
    for week in weeks:
        counts = [0] * len(LEVELS)
        for person in range(8):
            answers.append(Answer(f"C0-{person}", "C0", week, person % 4))
            counts[person % 4] += 1
        checkins.append(("C0", week, 0, Tally(tuple(counts))))
    agency = Agency(5, weeks, ("C0",), tuple(answers), tuple(checkins))
    truth = Truth(agency.answers)
    draws = iter(range(100))

    class Counting:
        def draw(self, _: object) -> list[int]:
            return [next(draws)] * 4  # a different noise every draw

    noisy, _, kept = everything_shown_with_noise(agency, truth, Counting())  # type: ignore[arg-type]
    first = [n.tally for n in noisy if n.label == f"C0 {weeks[0].label}"]
    assert len(first) > 1 and len(set(first)) == 1
    assert first[0] == kept[("C0", weeks[0])] == Tally((2, 2, 2, 2))
