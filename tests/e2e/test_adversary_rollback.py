"""Adversary: the previous release, serving beside this head (a rolling upgrade, or a rollback
as docs/upgrading.md describes), showed the check-ins of a week this head counts by people.
The upgrade now stops every old process first, and a rollback runs the previous release with
PULSE_MIN_RESPONSES=100, at which it shows no check-in this test's team could fill.

README, *What each number is*: "Weeks begun before this version counted people keep the
earlier rule ..., so nothing shown before an upgrade can be set against what shows after
it." and "no shown number can be set against another (in another view, by another
supervisor, or a week later) to single out fewer than 6 people". docs/upgrading.md: "during
a rolling restart old and new replicas can serve side by side"; rolling back runs the
previous release on this schema.

0.2.0 lists each check-in with 6 answers on its own. This head shows a week once 6 different
people answered in it, whatever each check-in had. A week of two check-ins, Monday's
answered by six people and Wednesday's by one of them, is one line here (7 answers) and
Monday's line there (6 answers): the difference is Wednesday's single answer.
"""

import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bootstrap import start_wellspring
from bot.domain.pulses import IsoWeek
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import answer, close_window, post_checkin, settle_week
from tests.e2e.test_rollback import (  # noqa: F401 (old_release and at_head are fixtures)
    OLD_SETTINGS,
    SUPERVISOR,
    TEAM,
    WORKERS,
    OldRelease,
    at_head,
    old_release,
    summary,
)
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.replicas import Replicas


def lines(body: str) -> list[str]:
    """The summary's text lines, unescaped."""
    found: list[str] = []

    def walk(value: object) -> None:
        if isinstance(value, dict):
            for item in value.values():
                walk(item)
        elif isinstance(value, list):
            for item in value:
                walk(item)
        elif isinstance(value, str):
            found.extend(value.split("\n"))

    walk(json.loads(body))
    return found


async def test_adversary_the_previous_release_shows_a_check_in_of_a_week_this_head_shows_whole(
    old_release: OldRelease,  # noqa: F811
    at_head: str,  # noqa: F811
    fake_slack: FakeSlack,
    tmp_path: Path,
) -> None:
    monday = IsoWeek.of(datetime.now(UTC)).previous(1).monday
    clock = MovableClock(datetime.combine(monday, datetime.min.time(), UTC) + timedelta(hours=8))
    settings = make_settings(fake_slack, at_head, supervisor_user_ids=SUPERVISOR)
    head = await start_wellspring(settings, clock)
    slack = SignedSlackClient(head.url, SIGNING_SECRET, fake_slack)
    try:
        fake_slack.members[TEAM] = [SUPERVISOR]
        first = await post_checkin(head, slack, fake_slack, TEAM)
        for worker in WORKERS:  # six different people
            await answer(head, slack, fake_slack, first, worker, "early")
        await close_window(head, clock)
        clock.set(clock.now() + timedelta(days=2))
        second = await post_checkin(head, slack, fake_slack, TEAM)
        await answer(head, slack, fake_slack, second, WORKERS[0], "beyond")  # one of them
        await close_window(head, clock)
        await settle_week(head, clock)
        here = [line for line in lines(await summary(slack, fake_slack)) if "answers" in line]
    finally:
        await slack.close()
        await head.stop()

    # As docs/upgrading.md's rollback says: the previous release at its highest minimum.
    rolled_back = OLD_SETTINGS | old_release.settings | {"PULSE_MIN_RESPONSES": "100"}
    old = Replicas(fake_slack, at_head, tmp_path, app=old_release.app, **rolled_back)
    try:
        previous = await old.start("previous-release")
        there = [
            line for line in lines(await summary(previous.slack, fake_slack)) if "answers" in line
        ]
    finally:
        await old.stop_all()

    week = monday.isocalendar()
    label = f"{week.year}-W{week.week:02d}"
    whole = [line for line in here if line.startswith(label) and "7 answers" in line]
    one_checkin = [line for line in there if re.search(r"\b6 answers\b", line)]
    assert not (whole and one_checkin), (
        f"this head shows the week {whole}; the previous release, on the same database,"
        f" shows Monday's check-in alone {one_checkin}: the difference is one person's"
        " Wednesday answer"
    )
