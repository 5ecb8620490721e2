"""Which months /debrief stats shows, and the month a request counts in."""

import time
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.debriefs import finished_months, month_of, months_in, settled_at

MOMENTS = st.datetimes(
    min_value=datetime(2000, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
)


def test_the_six_finished_months_run_back_across_the_new_year() -> None:
    since, before = finished_months(datetime(2027, 2, 10, 9, tzinfo=UTC), 6)
    assert months_in(since, before) == [
        "2026-08", "2026-09", "2026-10", "2026-11", "2026-12", "2027-01",
    ]  # fmt: skip


@given(now=MOMENTS, count=st.integers(min_value=1, max_value=24))
def test_every_finished_month_is_listed_once_and_the_running_one_never(
    now: datetime, count: int
) -> None:
    since, before = finished_months(now, count)
    labels = months_in(since, before)
    assert len(set(labels)) == len(labels) == count
    assert labels == sorted(labels)
    assert month_of(now) not in labels
    assert labels[-1] == month_of(before - timedelta(microseconds=1))


def test_a_request_counts_when_a_peer_took_it_or_else_when_it_closed() -> None:
    asked = datetime(2026, 11, 30, 23, 30, tzinfo=UTC)
    taken = asked + timedelta(minutes=40)
    done = taken + timedelta(days=40)
    assert month_of(asked) == "2026-11"
    assert settled_at(taken, done) == taken, "matched: the month the peer took it, not asked"
    assert settled_at(None, taken) == taken, "cancelled or unmatched: the month it closed"
    assert settled_at(None, None) is None, "still searching: no month yet"


def test_months_are_counted_from_the_start_of_the_first_ones_month() -> None:
    since = datetime(2026, 9, 15, 13, 45, 30, 500_000, tzinfo=UTC)
    just_after_november_began = datetime(2026, 11, 1, 0, 0, 0, 1, tzinfo=UTC)
    assert months_in(since, just_after_november_began) == ["2026-09", "2026-10", "2026-11"]


def test_months_are_utc_months_whatever_the_servers_time_zone(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("TZ", "Pacific/Pago_Pago")  # UTC-11: its months begin 11 hours late
    time.tzset()
    try:
        december = datetime(2026, 12, 1, 5, tzinfo=UTC)
        assert month_of(december) == "2026-12"
        assert finished_months(december, 1) == (
            datetime(2026, 11, 1, tzinfo=UTC),
            datetime(2026, 12, 1, tzinfo=UTC),
        )
        october = datetime(2026, 10, 1, 5, tzinfo=UTC)
        assert months_in(october, datetime(2026, 11, 1, tzinfo=UTC)) == ["2026-10"]
    finally:
        monkeypatch.undo()
        time.tzset()
