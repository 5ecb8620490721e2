"""A PULSE_SECRET rotation rolled out one replica at a time, in the README's two phases:
first `OLD,NEW` everywhere, then `NEW,OLD`. At every moment of it, whichever replica a
click reaches, a person is counted once in a check-in and once in a week."""

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from sqlalchemy import text

from bootstrap import Wellspring, start_wellspring
from prompts import load_catalog
from tests.e2e.conftest import SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import LEVELS, answer, close_window, post_checkin, settle_week
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient

CATALOG = load_catalog()
OLD = "the-secret-being-retired-0123456789abcdef"
NEW = "the-secret-taking-over-9876543210fedcba"
PEOPLE = [f"U0ROT{i}" for i in range(5)]  # five: a week that shows would count one twice

Replica = tuple[Wellspring, SignedSlackClient]


@asynccontextmanager
async def replicas(
    fake: FakeSlack, database_url: str, clock: MovableClock, *secrets: str
) -> AsyncIterator[list[Replica]]:
    """One app per PULSE_SECRET value, all on the same database."""
    running: list[Replica] = []
    try:
        for secret in secrets:
            settings = make_settings(fake, database_url, pulse_secret=secret)
            ws = await start_wellspring(settings, clock)
            running.append((ws, SignedSlackClient(ws.url, SIGNING_SECRET, fake)))
        yield running
    finally:
        for ws, client in running:
            await client.close()
            await ws.stop()


async def answer_through_both(fake: FakeSlack, clock: MovableClock, pair: list[Replica]) -> None:
    """A check-in each person answers twice, through each replica (alternating which one
    first): the first click counts, the second is "already answered"."""
    ws, slack = pair[0]
    post = await post_checkin(ws, slack, fake)
    for n, person in enumerate(PEOPLE):
        first, second = pair if n % 2 == 0 else pair[::-1]
        counted = await answer(*first, fake, post, person, LEVELS[n % 4])
        assert counted["text"] != CATALOG.text("pulse.already_answered")
        again = await answer(*second, fake, post, person, "beyond")
        assert again["text"] == CATALOG.text("pulse.already_answered"), "counted once"
    await close_window(ws, clock)


async def weeks(ws: Wellspring) -> list[tuple[str, bool, int | None]]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT week, counted, people FROM pulse_team_weeks ORDER BY week")
        )
        return [(week, bool(counted), people) for week, counted, people in rows.all()]


async def answers_in_each_check_in(ws: Wellspring) -> list[int]:
    async with ws.engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT sum(responses) FROM pulse_counts JOIN checkins ON checkins.id = checkin_id"
                " GROUP BY checkin_id, posted_at ORDER BY posted_at"
            )
        )
        return [int(total) for (total,) in rows.all()]


async def test_a_two_phase_rolling_rotation_counts_each_person_once_in_every_check_in_and_week(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    thursday = clock.now()  # 26 November, in the last week of November's month
    async with replicas(fake_slack, database_url, clock, OLD):
        pass  # before the rotation: the database is set up under OLD alone

    # Phase 1, half rolled out: one replica recognises NEW, the other doesn't know it yet.
    async with replicas(fake_slack, database_url, clock, f"{OLD},{NEW}", OLD) as pair:
        await answer_through_both(fake_slack, clock, pair)

    # Phase 2, half rolled out: one replica makes NEW markers, the other still OLD ones.
    clock.set(thursday + timedelta(days=1))
    async with replicas(fake_slack, database_url, clock, f"{NEW},{OLD}", f"{OLD},{NEW}") as pair:
        await answer_through_both(fake_slack, clock, pair)  # November's month, begun under OLD
        clock.set(datetime(2026, 11, 30, 8, tzinfo=UTC))  # Monday: December's month begins
        await answer_through_both(fake_slack, clock, pair)
        await answer_through_both(fake_slack, clock, pair[::-1])

    # Phase 2 done.
    async with replicas(fake_slack, database_url, clock, f"{NEW},{OLD}", f"{NEW},{OLD}") as pair:
        await answer_through_both(fake_slack, clock, pair)
        ws = pair[0][0]
        await settle_week(ws, clock)
        assert await answers_in_each_check_in(ws) == [5] * 5
        assert await weeks(ws) == [
            ("2026-W48", True, 5),  # counted people, exact: 5 stays hidden
            ("2026-W49", True, 5),
        ]


async def test_a_rotation_rolled_out_in_one_step_never_counts_one_person_twice(
    fake_slack: FakeSlack, database_url: str, clock: MovableClock
) -> None:
    """`NEW,OLD` beside `OLD` (the single step the README no longer advises): still once per
    check-in; a week whose month began under NEW on one replica, while the other wrote OLD,
    falls back to the earlier rule instead of counting people it can't tell apart."""
    async with replicas(fake_slack, database_url, clock, OLD) as [(ws, slack)]:
        post = await post_checkin(ws, slack, fake_slack)  # November's month begins under OLD
        await answer(ws, slack, fake_slack, post, PEOPLE[0], "early")
        await close_window(ws, clock)

    clock.set(clock.now() + timedelta(days=1))
    async with replicas(fake_slack, database_url, clock, f"{NEW},{OLD}", OLD) as pair:
        await answer_through_both(fake_slack, clock, pair)
        clock.set(datetime(2026, 11, 30, 8, tzinfo=UTC))  # December's month begins under NEW
        await answer_through_both(fake_slack, clock, pair)
        await answer_through_both(fake_slack, clock, pair[::-1])
        ws = pair[0][0]
        await settle_week(ws, clock)
        assert await answers_in_each_check_in(ws) == [1, 5, 5, 5]
        w48, w49 = await weeks(ws)
        assert w48 == ("2026-W48", True, 5), "every marker under OLD, which both replicas know"
        # NEW and OLD markers: people can't be told apart, so the earlier rule decides
        # (check-in by check-in: 5 answers each, hidden).
        assert w49[:2] == ("2026-W49", False)
