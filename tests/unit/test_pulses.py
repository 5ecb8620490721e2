"""Pulse tallies, ISO reporting weeks, and the rising late-stage trend."""

import itertools
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.domain.checkins import PulseLevel
from bot.domain.pulses import LEVELS, IsoWeek, Tally, last_weeks, rising_late_share, total

# --- Tally ----------------------------------------------------------------------------


def test_levels_run_from_early_to_beyond() -> None:
    assert LEVELS == (PulseLevel.EARLY, PulseLevel.MIDDLE, PulseLevel.LATE, PulseLevel.BEYOND)


def test_an_empty_tally_has_no_responses_and_no_late_share() -> None:
    empty = Tally()
    assert empty.counts == (0, 0, 0, 0)
    assert empty.responses == 0
    assert empty.late_share == 0.0
    assert empty.shares == (0.0, 0.0, 0.0, 0.0)


def test_responses_add_up_every_level() -> None:
    assert Tally((1, 2, 3, 4)).responses == 10


def test_count_reads_one_level() -> None:
    tally = Tally((1, 2, 3, 4))
    assert [tally.count(level) for level in LEVELS] == [1, 2, 3, 4]


def test_of_fills_missing_levels_with_zero() -> None:
    tally = Tally.of({PulseLevel.LATE: 2, PulseLevel.EARLY: 5})
    assert tally == Tally((5, 0, 2, 0))


def test_late_share_counts_late_and_beyond() -> None:
    assert Tally((3, 3, 2, 2)).late_share == pytest.approx(0.4)
    assert Tally((5, 5, 0, 0)).late_share == 0.0
    assert Tally((0, 0, 1, 3)).late_share == 1.0


def test_shares_are_per_level_fractions_summing_to_one() -> None:
    shares = Tally((1, 1, 2, 0)).shares
    assert shares == pytest.approx((0.25, 0.25, 0.5, 0.0))
    assert sum(shares) == pytest.approx(1.0)


def test_adding_tallies_adds_level_by_level() -> None:
    assert Tally((1, 2, 3, 4)) + Tally((4, 3, 2, 1)) == Tally((5, 5, 5, 5))


def test_total_of_many_tallies_and_of_none() -> None:
    assert total([Tally((1, 0, 0, 0)), Tally((0, 1, 0, 0)), Tally((0, 0, 0, 7))]) == Tally(
        (1, 1, 0, 7)
    )
    assert total([]) == Tally()


@pytest.mark.parametrize("counts", [(), (1, 2, 3), (1, 2, 3, 4, 5), (1, -1, 0, 0)])
def test_a_tally_needs_one_non_negative_count_per_level(counts: tuple[int, ...]) -> None:
    with pytest.raises(ValueError, match="one non-negative count per level"):
        Tally(counts)


# --- IsoWeek ----------------------------------------------------------------------------


def test_the_last_day_of_2026_belongs_to_2026_w53() -> None:
    # 2026 starts on a Thursday, so it has 53 ISO weeks; 31 Dec is that week's Thursday.
    assert IsoWeek.of(datetime(2026, 12, 31, 12, tzinfo=UTC)) == IsoWeek(2026, 53)


def test_the_first_monday_of_2027_starts_2027_w01() -> None:
    assert IsoWeek.of(datetime(2027, 1, 4, 0, tzinfo=UTC)) == IsoWeek(2027, 1)
    # The Sunday before still belongs to 2026-W53.
    assert IsoWeek.of(datetime(2027, 1, 3, 23, 59, tzinfo=UTC)) == IsoWeek(2026, 53)


def test_a_moment_is_placed_by_its_utc_time() -> None:
    # Monday 01:00 in UTC+2 is still Sunday 23:00 UTC, so the previous week.
    plus_two = timezone(timedelta(hours=2))
    assert IsoWeek.of(datetime(2026, 11, 30, 1, tzinfo=plus_two)) == IsoWeek(2026, 48)
    assert IsoWeek.of(datetime(2026, 11, 30, 1, tzinfo=UTC)) == IsoWeek(2026, 49)


def test_a_week_runs_from_monday_to_the_next_monday_at_midnight_utc() -> None:
    week = IsoWeek(2026, 48)
    assert week.monday == date(2026, 11, 23)
    assert week.ends_at == datetime(2026, 11, 30, tzinfo=UTC)


def test_the_last_week_of_2026_ends_on_the_first_monday_of_2027() -> None:
    assert IsoWeek(2026, 53).ends_at == datetime(2027, 1, 4, tzinfo=UTC)


def test_previous_steps_back_across_the_year_boundary() -> None:
    assert IsoWeek(2027, 1).previous() == IsoWeek(2026, 53)
    assert IsoWeek(2027, 2).previous(2) == IsoWeek(2026, 53)
    assert IsoWeek(2026, 1).previous() == IsoWeek(2025, 52)
    assert IsoWeek(2026, 48).previous(0) == IsoWeek(2026, 48)


def test_a_week_is_labelled_year_w_two_digit_week() -> None:
    assert IsoWeek(2026, 48).label == "2026-W48"
    assert IsoWeek(2027, 1).label == "2027-W01"


def test_weeks_order_by_year_then_week() -> None:
    assert IsoWeek(2026, 53) < IsoWeek(2027, 1) < IsoWeek(2027, 2)


# --- last_weeks -------------------------------------------------------------------------


def test_last_weeks_are_oldest_first_and_end_at_the_current_week() -> None:
    now = datetime(2026, 11, 26, 9, tzinfo=UTC)  # a Thursday in 2026-W48
    weeks = last_weeks(now, 8)
    assert [week.label for week in weeks] == [
        "2026-W41",
        "2026-W42",
        "2026-W43",
        "2026-W44",
        "2026-W45",
        "2026-W46",
        "2026-W47",
        "2026-W48",
    ]


def test_last_weeks_span_the_year_boundary_without_gaps() -> None:
    weeks = last_weeks(datetime(2027, 1, 6, tzinfo=UTC), 8)
    assert weeks[-1] == IsoWeek(2027, 1)
    assert weeks[-2] == IsoWeek(2026, 53)
    assert weeks[0] == IsoWeek(2026, 47)
    assert all(later.previous() == earlier for earlier, later in itertools.pairwise(weeks))


def test_last_weeks_of_one_is_just_the_current_week() -> None:
    assert last_weeks(datetime(2026, 11, 23, tzinfo=UTC), 1) == [IsoWeek(2026, 48)]


# --- rising_late_share ------------------------------------------------------------------


def test_three_rises_in_a_row_are_a_rising_trend() -> None:
    assert rising_late_share([0.1, 0.2, 0.3, 0.4])


def test_only_the_last_three_steps_count() -> None:
    assert rising_late_share([0.9, 0.0, 0.1, 0.2, 0.3])
    assert not rising_late_share([0.1, 0.2, 0.3, 0.4, 0.35])


def test_two_rises_are_not_enough() -> None:
    assert not rising_late_share([0.1, 0.2, 0.3])
    assert not rising_late_share([0.3, 0.1, 0.2, 0.3])


def test_a_hidden_week_in_the_run_breaks_the_trend() -> None:
    assert not rising_late_share([0.1, None, 0.3, 0.4])
    assert not rising_late_share([0.1, 0.2, 0.3, None])
    assert not rising_late_share([None, 0.2, 0.3, 0.4])


def test_a_hidden_week_before_the_run_does_not_matter() -> None:
    assert rising_late_share([None, 0.1, 0.2, 0.3, 0.4])


def test_a_flat_share_is_not_rising() -> None:
    assert not rising_late_share([0.25, 0.25, 0.25, 0.25])
    assert not rising_late_share([0.1, 0.2, 0.2, 0.3])


def test_no_weeks_is_not_rising() -> None:
    assert not rising_late_share([])
