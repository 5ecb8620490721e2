"""Generated bodies and activities posted to Teams' /api/messages: damaged bytes, nesting of any
depth, truncated activities, and every kind of activity the app reads (messages, card clicks,
dialogs, installs) with keys dropped, wrong types, huge or odd strings and a serviceUrl that is
not the Bot Connector's. Never a 5xx, never a traceback, no generated value in the log, no call
to any host but the fake connector, and the app stays up."""

import json
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.teams_activities import TeamsActivities
from tests.fuzz.conftest import PROFILE, TeamsTarget, is_live
from tests.fuzz.teams_strategies import ARI, NORTH, SERVICE_URL, activities

pytestmark = pytest.mark.asyncio(loop_scope="module")
JSON = "application/json"


def nested(opening: bytes, closing: bytes, depth: int, closed: bool) -> bytes:
    return opening * depth + (b"1" + closing * depth if closed else b"")


@PROFILE
@given(
    body=st.one_of(
        st.binary(max_size=300),
        st.text(max_size=300).map(str.encode),
        st.builds(
            nested,
            st.sampled_from([b"[", b'{"a":']),
            st.sampled_from([b"]", b"}"]),
            st.integers(1, 200_000),
            st.booleans(),
        ),
    ),
    kind=st.sampled_from([JSON, "text/plain", "application/x-www-form-urlencoded"]),
)
async def test_damaged_bodies_are_refused_cleanly(
    teams: TeamsTarget, body: bytes, kind: str
) -> None:
    await teams.exchange(body, kind)


@PROFILE
@given(cut=st.floats(0, 1, exclude_max=True))
async def test_truncated_activities_are_refused_cleanly(teams: TeamsTarget, cut: float) -> None:
    activity = TeamsActivities(SERVICE_URL).channel_message(ARI, "checkin now", NORTH)
    raw = json.dumps(teams.filled(activity)).encode()
    await teams.exchange(raw[: int(len(raw) * cut)])


@PROFILE
@given(activity=activities())
async def test_damaged_activities_are_answered_cleanly(
    teams: TeamsTarget, activity: dict[str, Any]
) -> None:
    await teams.activity(activity)


async def test_the_app_is_live_and_called_only_the_connector_after_the_fuzzing(
    teams: TeamsTarget,
) -> None:
    assert await is_live(teams.ws)
    assert teams.watched.stranger.requests == []
    assert teams.watched.tally.statuses, "nothing was sent"
    assert teams.fake.calls, "the undamaged activities reached the connector"
