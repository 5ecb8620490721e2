"""Who a debrief request may be offered to, and the bands that keep the numbers vague."""

from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.domain.debriefs import (
    LONGER_THAN_A_DAY,
    Availability,
    DebriefKind,
    DebriefRequest,
    Preference,
    Urgency,
    Volunteer,
    eligible_peers,
    peer_band,
    rounded_wait,
)
from bot.domain.workspaces import WorkspaceRef

HERE = WorkspaceRef("slack", "T1")
TUESDAY_10 = datetime(2026, 11, 3, 10, tzinfo=UTC)  # 11:00 in Paris
WEEKDAYS = frozenset(range(5))
OFFICE = Availability(WEEKDAYS, time(9), time(17), "Europe/Paris")
NIGHTS = Availability(WEEKDAYS, time(22), time(6), "Europe/Paris")
ANY_HOUR = Availability(WEEKDAYS, None, None, "Europe/Paris")


def peer(person: str, **changes: object) -> Volunteer:
    return replace(Volunteer(HERE, person, 2, OFFICE), **changes)  # type: ignore[arg-type]


def request(preference: Preference = Preference.ANYONE) -> DebriefRequest:
    return DebriefRequest("r1", HERE, "U0ASKER", DebriefKind.OTHER, Urgency.TODAY, preference,
                          None, False, TUESDAY_10)  # fmt: skip


@pytest.mark.parametrize(
    ("availability", "paris_time", "covered"),
    [
        (OFFICE, time(8, 59, 59), False),
        (OFFICE, time(9), True),
        (OFFICE, time(16, 59, 59), True),
        (OFFICE, time(17), False),
        (NIGHTS, time(21, 59), False),
        (NIGHTS, time(22), True),
        (NIGHTS, time(3), True),
        (NIGHTS, time(5, 59), True),
        (NIGHTS, time(6), False),
        (NIGHTS, time(12), False),
        (ANY_HOUR, time(0), True),
        (Availability(WEEKDAYS, time(9), None, "Europe/Paris"), time(3), True),
        (Availability(WEEKDAYS, None, time(9), "Europe/Paris"), time(23), True),
    ],
)
def test_hours_are_read_in_the_volunteers_own_time_zone(
    availability: Availability, paris_time: time, covered: bool
) -> None:
    moment = datetime.combine(date(2026, 11, 3), paris_time, ZoneInfo(availability.timezone))
    assert availability.covers(moment) is covered


def test_only_the_chosen_days_in_the_volunteers_time_zone() -> None:
    late_friday_utc = datetime(2026, 11, 6, 23, 30, tzinfo=UTC)  # Saturday 00:30 in Paris
    assert not ANY_HOUR.covers(late_friday_utc)
    assert Availability(WEEKDAYS, None, None, "UTC").covers(late_friday_utc)
    assert not ANY_HOUR.covers(TUESDAY_10 + timedelta(days=5))  # Sunday


def test_away_until_a_day_includes_that_whole_day_where_they_live() -> None:
    until_tuesday = peer("U0A", away=True, away_until=date(2026, 11, 3))
    assert until_tuesday.is_away(datetime(2026, 11, 3, 22, 59, tzinfo=UTC))  # 23:59 in Paris
    assert not until_tuesday.is_away(datetime(2026, 11, 3, 23, 0, tzinfo=UTC))
    assert peer("U0B", away=True).is_away(TUESDAY_10)
    assert not peer("U0C").is_away(TUESDAY_10)


def test_eligible_peers_are_approved_free_in_hours_and_least_recently_offered_first() -> None:
    volunteers = [
        peer("U0ARECENT", last_offered_at=TUESDAY_10 - timedelta(hours=1)),
        peer("U0OLDER", last_offered_at=TUESDAY_10 - timedelta(days=3)),
        peer("U0NEVERB"),
        peer("U0NEVERA"),
        peer("U0ASKER"),
        peer("U0OFFERED"),
        peer("U0PENDING", approved=False),
        peer("U0AWAY", away=True),
        peer("U0ASLEEP", availability=NIGHTS),
        peer("U0FULL"),
        peer("U0BUSY"),
    ]
    load = {"U0FULL": 2, "U0BUSY": 1, "U0OLDER": 0}
    found = eligible_peers(volunteers, request(), TUESDAY_10, load, {"U0OFFERED"}, frozenset())
    assert [v.person for v in found] == ["U0BUSY", "U0NEVERA", "U0NEVERB", "U0OLDER", "U0ARECENT"]


@pytest.mark.parametrize(
    ("preference", "expected"),
    [
        (Preference.ANYONE, ["U0MATE", "U0OTHER"]),
        (Preference.MY_TEAM, ["U0MATE"]),
        (Preference.OTHER_TEAM, ["U0OTHER"]),
    ],
)
def test_the_requesters_preference_picks_teammates_or_others(
    preference: Preference, expected: list[str]
) -> None:
    volunteers = [peer("U0MATE"), peer("U0OTHER")]
    mates = frozenset({"U0MATE"})
    found = eligible_peers(volunteers, request(preference), TUESDAY_10, {}, set(), mates)
    assert [v.person for v in found] == expected


def test_waits_are_kept_as_the_smallest_band_they_fit_in() -> None:
    assert [rounded_wait(s) for s in (0, 900, 901, 1800, 86_400, 86_401)] == [
        15, 15, 30, 30, 1440, LONGER_THAN_A_DAY,
    ]  # fmt: skip


def test_free_peers_are_shown_as_none_few_or_many() -> None:
    assert [peer_band(n) for n in range(5)] == ["none", "few", "few", "many", "many"]


def test_an_urgent_request_is_offered_to_three_at_once() -> None:
    assert [u.fan_out for u in (Urgency.NOW, Urgency.TODAY, Urgency.WEEK)] == [3, 1, 1]
