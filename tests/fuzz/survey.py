"""A large round of generated requests against both adapters, counted instead of failed.

    .venv/bin/python -m tests.fuzz.survey [COUNT] [postgresql]

sends COUNT (default 600) generated requests per platform, spread over the kinds the fuzz
tests send, and prints how many got each status and how many broke a rule the tests check
(a 5xx, a traceback, a generated value in the log, a call to a stranger). On SQLite, or with
`postgresql` on a fresh database of TEST_DATABASE_URL's server.
"""

import asyncio
import sys
import tempfile
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st

from tests.fuzz.conftest import Tally, Target, is_live, slack_target, teams_target
from tests.fuzz.strategies import block_actions, events, slash_commands, view_submissions
from tests.fuzz.teams_strategies import activities
from tests.support.databases import (
    POSTGRES_SKIP_REASON,
    fresh_postgres,
    postgres_base_url,
    sqlite_url,
)


def draw(strategy: st.SearchStrategy[Any], count: int) -> list[Any]:
    """`count` values of `strategy` (generated only, not shrunk)."""
    drawn: list[Any] = []

    @settings(
        max_examples=count,
        phases=[Phase.generate],
        database=None,
        deadline=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(strategy)
    def keep(value: Any) -> None:
        drawn.append(value)

    keep()
    return drawn[:count]


def report(platform: str, tally: Tally, live: bool) -> None:
    """One line of counts, then each problem by its first line, most frequent first."""
    sys.stdout.write(f"{platform}: {tally.summary()}; /livez afterwards: {live}\n")
    for line, times in tally.lines.most_common():
        sys.stdout.write(f"  {times} x {line}\n")


async def slack_round(target: Target, count: int) -> None:
    share = count // 4
    for form in draw(slash_commands(), share):
        await target.command(form)
    for payload in draw(block_actions(), share) + draw(view_submissions(), share):
        await target.interaction(payload)
    for envelope in draw(events("U0BOT"), count - 3 * share):
        await target.event(envelope)


@asynccontextmanager
async def database(postgresql: bool) -> AsyncIterator[str]:
    if postgresql:
        base = postgres_base_url()
        assert base is not None, POSTGRES_SKIP_REASON
        async with fresh_postgres(base) as url:
            yield url
        return
    with tempfile.TemporaryDirectory() as folder:
        yield sqlite_url(Path(folder))


async def survey(count: int, postgresql: bool) -> None:
    async with database(postgresql) as url, slack_target(url) as slack:
        slack.watched.strict = False
        await slack_round(slack, count)
        report("slack", slack.watched.tally, await is_live(slack.ws))
    async with database(postgresql) as url, teams_target(url) as teams:
        teams.watched.strict = False
        for activity in draw(activities(), count):
            await teams.activity(activity)
        report("teams", teams.watched.tally, await is_live(teams.ws))


if __name__ == "__main__":
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 600
    asyncio.run(survey(count, postgresql=sys.argv[2:] == ["postgresql"]))
