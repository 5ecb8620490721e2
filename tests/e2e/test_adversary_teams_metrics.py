"""Adversary: on Teams, the operator's /metrics tells a late-stage answer from the others.

README, *Private replies in Teams*: "A person's level appears in nothing anyone else in the
conversation can see"; *Anonymous by design*: "That counter is all that records your answer".
/metrics is for whoever watches the agency's dashboards (README: "No label carries a person or
channel id, but the counters move as people click"). A click's counters should then move the
same way whatever was chosen. They don't: an early or middle answer is only the note under the
button (no call to Teams), a late or past-empty answer goes to the person's 1:1 chat, so the
Teams call counters (`wellspring_platform_api_calls_total{platform="teams",...}`) move exactly
when, and as often as, someone answers "late" or "beyond". A dashboard with a 15-second scrape
gives each check-in's late-stage count, answer by answer, long before (and whether or not)
its week is shown; with the time someone was seen clicking, their level.
"""

from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.test_metrics import Samples, scrape
from tests.e2e.test_teams_private_replies import LEVELS, WORKERS, Conversation
from tests.fakes.teams_activities import TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector


def teams_calls(samples: Samples) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    return {
        key: value
        for key, value in samples.items()
        if key[0].startswith("wellspring_platform_api_calls")
        and ("platform", "teams") in key[1]
        and ("method", "get members") not in key[1]  # the roster read: cached, not per level
    }


def moved(before: Samples, after: Samples) -> dict[str, float]:
    was, now = teams_calls(before), teams_calls(after)
    return {
        f"{name}{dict(labels)}": now[(name, labels)] - was.get((name, labels), 0.0)
        for name, labels in now
        if now[(name, labels)] != was.get((name, labels), 0.0)
    }


@pytest.mark.parametrize("overrides", [{}], ids=["preview-off"])
async def test_adversary_teams_call_counters_move_only_for_a_late_stage_answer(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    overrides: dict[str, Any],
) -> None:
    channel = Conversation("channel", teams_wellspring, teams, fake_teams, teams_activities)
    await channel.post_checkin()
    movement: dict[str, dict[str, float]] = {}
    for level in LEVELS:
        before = await scrape(teams_wellspring)
        await channel.click(WORKERS[level], level)
        movement[level] = moved(before, await scrape(teams_wellspring))
    distinct = {repr(sorted(m.items())) for m in movement.values()}
    assert len(distinct) == 1, f"the operator's /metrics moves differently by level: {movement}"
