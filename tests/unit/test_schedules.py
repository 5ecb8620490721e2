"""Recurrences: fire times, daylight saving, skip dates and form validation."""

from datetime import UTC, date, datetime, time, timedelta

import pytest

from bot.domain.schedules import Recurrence, RecurrenceErrors, parse_recurrence

CHICAGO = "America/Chicago"


def test_fires_on_chosen_days_at_local_time() -> None:
    mon_thu = Recurrence(frozenset({0, 3}), time(9, 0), CHICAGO)
    start = datetime(2026, 11, 23, 0, 0, tzinfo=UTC)  # a Monday
    fires = list(mon_thu.fire_times(start, start + timedelta(days=7)))
    # 09:00 in Chicago in November is 15:00 UTC (CST, UTC-6).
    assert fires == [
        datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        datetime(2026, 11, 26, 15, 0, tzinfo=UTC),
    ]


def test_local_time_is_kept_across_daylight_saving() -> None:
    daily = Recurrence(frozenset(range(7)), time(9, 0), CHICAGO)
    # US clocks go forward on 2027-03-14.
    before = datetime(2027, 3, 12, 0, 0, tzinfo=UTC)
    fires = list(daily.fire_times(before, before + timedelta(days=4)))
    assert [f.hour for f in fires] == [15, 15, 14, 14]
    assert all(f.astimezone(daily.zone).time() == time(9, 0) for f in fires)


def test_a_time_inside_the_spring_gap_fires_once_after_it() -> None:
    daily = Recurrence(frozenset(range(7)), time(2, 30), CHICAGO)
    start = datetime(2027, 3, 14, 0, 0, tzinfo=UTC)
    fires = list(daily.fire_times(start, start + timedelta(days=1)))
    assert len(fires) == 1
    assert fires[0].astimezone(daily.zone).hour == 3


def test_a_time_that_happens_twice_in_autumn_fires_once() -> None:
    daily = Recurrence(frozenset(range(7)), time(1, 30), CHICAGO)
    start = datetime(2026, 11, 1, 0, 0, tzinfo=UTC)  # US clocks go back on 2026-11-01
    assert len(list(daily.fire_times(start, start + timedelta(days=1)))) == 1


def test_skip_dates_are_local_dates() -> None:
    weekdays = Recurrence(frozenset(range(5)), time(9, 0), CHICAGO, frozenset({date(2026, 12, 25)}))
    fires = list(
        weekdays.fire_times(
            datetime(2026, 12, 24, 0, tzinfo=UTC), datetime(2026, 12, 29, 0, tzinfo=UTC)
        )
    )
    assert [f.date() for f in fires] == [date(2026, 12, 24), date(2026, 12, 28)]


def test_next_fire_time_is_strictly_after() -> None:
    daily = Recurrence(frozenset(range(7)), time(9, 0), "UTC")
    at_nine = datetime(2026, 11, 26, 9, 0, tzinfo=UTC)
    assert daily.next_fire_time(at_nine) == at_nine + timedelta(days=1)


def test_valid_form_input_is_parsed() -> None:
    recurrence = parse_recurrence(
        ["mon", "thu"], "09:30", "Europe/London", "2026-12-25, 2027-01-01"
    )
    assert recurrence.days == frozenset({0, 3})
    assert recurrence.at == time(9, 30)
    assert recurrence.skip_dates == frozenset({date(2026, 12, 25), date(2027, 1, 1)})


def test_every_invalid_field_is_reported_together() -> None:
    with pytest.raises(RecurrenceErrors) as problem:
        parse_recurrence([], "25:99", "Mars/Olympus", "2026-13-40")
    assert set(problem.value.errors) == {"days", "time", "timezone", "skip"}
    assert problem.value.errors["timezone"][1] == {"timezone": "Mars/Olympus"}
