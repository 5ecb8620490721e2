"""Adversary: a click's level read from what the operator sees while clicks come in.

README, *Anonymous by design*: the counter is all that records an answer; *Nothing in the
logs* names who clicked, or what anyone answered. An operator who watches the log or scrapes
/metrics sees each click as it happens (with its time); if anything there moved differently
for one level than for another, the log's or the scrape's order would be the answers' order,
and a time someone was seen clicking would be their answer. So the log lines and the
/metrics counters a Slack click moves must be the same whatever level was chosen.
"""

import re
from typing import Any

from bootstrap import start_wellspring
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import LEVELS, answer, post_checkin
from tests.e2e.test_metrics import Samples, scrape
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.log_capture import every_logger_at_debug, production_log

NUMBER = re.compile(r"\d+(\.\d+)?")


def counters(samples: Samples) -> dict[str, float]:
    """The app's own counters (not timings, whose buckets follow the machine's load)."""
    return {
        f"{name}{sorted(labels)}": value
        for (name, labels), value in samples.items()
        if name.startswith("wellspring_") and name.endswith("_total")
    }


def moved(before: Samples, after: Samples) -> dict[str, float]:
    was, now = counters(before), counters(after)
    return {key: now[key] - was.get(key, 0.0) for key in now if now[key] != was.get(key, 0.0)}


def shape(lines: str) -> list[str]:
    """The log's lines without their times and durations (numbers), which vary by run."""
    return [NUMBER.sub("#", line) for line in lines.splitlines()]


async def test_a_slack_clicks_log_lines_and_counters_are_the_same_whatever_its_level(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    ws = await start_wellspring(make_settings(fake_slack, database_url), clock)
    slack = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    seen: dict[str, tuple[list[str], dict[str, float]]] = {}
    try:
        post = await post_checkin(ws, slack, fake_slack)
        fake_slack.members["C0TEAM"] = [f"U0SIDE{level}" for level in LEVELS] + ["U0WARM"]
        await answer(ws, slack, fake_slack, post, "U0WARM", "early")  # membership now cached
        with production_log() as log:
            every_logger_at_debug()
            for level in LEVELS:
                start, before = log.tell(), await scrape(ws)
                reply: dict[str, Any] = await answer(
                    ws, slack, fake_slack, post, f"U0SIDE{level}", level
                )
                assert reply["text"], "the click got its private reply"
                seen[level] = (shape(log.getvalue()[start:]), moved(before, await scrape(ws)))
    finally:
        await slack.close()
        await ws.stop()
    assert any(lines for lines, _ in seen.values()), "the log was read: the request lines"
    assert any(counts for _, counts in seen.values()), "and the counters moved"
    distinct = {repr(v) for v in seen.values()}
    assert len(distinct) == 1, f"what the operator sees differs by level: {seen}"
