"""Supervisor summaries over two years of check-ins for 300 teams, against a plain SQL aggregate.

Run with `python -m bench.summaries` (or `make bench`). Each database gets its schema from the
migrations and two years of closed check-ins with their pulse counts, written straight into
the tables. A supervisor who is in all 300 channels then asks, through the summary service the
handlers call, for `/pulse` (all teams), one team's summary, the CSV export and one team's
chart. The baseline, in the same run on the same database, is a plain SQL sum of the same
weeks' counts per team and week, with no privacy rules.
"""

import asyncio
import random
import statistics
import tempfile
import time
import uuid
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap import MIGRATIONS
from bot.domain.checkins import PulseLevel
from bot.domain.pulses import last_weeks
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Sent
from bot.services.roles import RoleBook
from bot.services.summaries import REPORT_WEEKS, SummaryService
from bot.services.team_access import TeamAccess
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.migrations import upgrade
from bot.storage.tables import checkins, pulse_counts
from bot.storage.unit_of_work import SqlUnitOfWork
from prompts import load_catalog
from tests.support.databases import fresh_postgres, postgres_base_url

TEAMS, WEEKS, PER_WEEK = 300, 104, 3
ROUNDS, WARM_UP = 30, 3
TARGET_P99_MS, TARGET_RATIO = 100.0, 2.0
MINIMUM = 5
WINDOW = timedelta(hours=8)
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=UTC)  # a Monday morning: last week is settled
WORKSPACE = WorkspaceRef("slack", "T0AGENCY")
SUPERVISOR = "U0SUPER"
ALL_TEAMS = [f"C{team:04d}" for team in range(TEAMS)]
TEAM = ALL_TEAMS[TEAMS // 2]
BATCH = 5_000


@dataclass(frozen=True)
class Figure:
    name: str
    samples: list[float]

    @property
    def p50(self) -> float:
        return statistics.median(self.samples) * 1000

    @property
    def p99(self) -> float:
        return statistics.quantiles(self.samples, n=100)[98] * 1000


class FixedClock:
    def now(self) -> datetime:
        return NOW


class AgencyDirectory:
    """The platform's answer at the service's port: the supervisor is in every channel."""

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        return frozenset({SUPERVISOR, f"U{conversation}"})

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        return "UTC"

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        return f"#team-{conversation}"


class NoGroups:
    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        return frozenset()


class KeptFiles:
    """A messenger that keeps the size of what it would send: files are the output here."""

    def __init__(self) -> None:
        self.sent_bytes = 0

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        raise NotImplementedError

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        raise NotImplementedError

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        self.sent_bytes += len(attachment.content)

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        raise NotImplementedError

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        raise NotImplementedError

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        return f"<@{person}>"

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        return f"<#{conversation}>"


async def _make_data(engine: AsyncEngine) -> int:
    """Two years of Monday, Wednesday and Friday check-ins per team, all closed."""
    rng = random.Random(14)
    first_monday = datetime.combine(last_weeks(NOW, WEEKS + 1)[0].monday, datetime.min.time(), UTC)
    made, rows, counts = 0, [], []

    async def flush() -> None:
        async with engine.begin() as connection:
            await connection.execute(checkins.insert(), rows)
            await connection.execute(pulse_counts.insert(), counts)
        rows.clear()
        counts.clear()

    for team in range(TEAMS):
        size = rng.randint(4, 12)
        for week in range(WEEKS):
            for day in range(PER_WEEK):
                posted = first_monday + timedelta(weeks=week, days=2 * day, hours=9)
                checkin_id = str(uuid.UUID(int=rng.getrandbits(128), version=4))
                rows.append(
                    {
                        "id": checkin_id,
                        "workspace": WORKSPACE.key,
                        "conversation": f"C{team:04d}",
                        "posted_at": posted,
                        "closes_at": posted + WINDOW,
                        "closed": True,
                        "message_id": f"{posted.timestamp():.6f}",
                    }
                )
                answered = [rng.randrange(4) for _ in range(rng.randint(0, size))]
                counts += [
                    {"checkin_id": checkin_id, "level": level.value, "responses": answered.count(n)}
                    for n, level in enumerate(PulseLevel)
                ]
                made += 1
                if len(rows) >= BATCH:
                    await flush()
    if rows:
        await flush()
    if engine.dialect.name == "postgresql":
        # What autovacuum would have done by now on a live database: planner statistics.
        async with engine.begin() as connection:
            await connection.execute(text("ANALYZE checkins, pulse_counts"))
    return made


def _week_of(engine: AsyncEngine) -> object:
    if engine.dialect.name == "sqlite":
        return func.strftime("%Y-%W", checkins.c.posted_at)
    return func.date_trunc("week", checkins.c.posted_at)


async def _timed(call: Callable[[], Awaitable[object]]) -> list[float]:
    for _ in range(WARM_UP):
        await call()
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        await call()
        samples.append(time.perf_counter() - start)
    return samples


async def _measure(engine: AsyncEngine) -> tuple[int, list[tuple[Figure, Figure]]]:
    await upgrade(engine, MIGRATIONS)
    made = await _make_data(engine)
    sessions = create_session_factory(engine)
    clock = FixedClock()
    roles = RoleBook({Role.SUPERVISOR: frozenset({SUPERVISOR})}, {}, NoGroups(), clock)
    uow, directory, files = (lambda: SqlUnitOfWork(sessions)), AgencyDirectory(), KeptFiles()
    access = TeamAccess(uow, directory, files, assigned_only=False)
    service = SummaryService(
        uow, clock, load_catalog(), directory, files, roles, access, MINIMUM, WINDOW
    )
    since = datetime.combine(last_weeks(NOW, REPORT_WEEKS)[0].monday, datetime.min.time(), UTC)
    week = _week_of(engine)

    def plain(teams: list[str]) -> Callable[[], Awaitable[None]]:
        query = (
            select(
                checkins.c.conversation,
                week,
                pulse_counts.c.level,
                func.sum(pulse_counts.c.responses),
            )
            .join(pulse_counts, pulse_counts.c.checkin_id == checkins.c.id)
            .where(checkins.c.workspace == WORKSPACE.key)
            .where(checkins.c.conversation.in_(teams))
            .where(checkins.c.closed.is_(True))
            .where(checkins.c.posted_at >= since)
            .group_by(checkins.c.conversation, week, pulse_counts.c.level)
        )

        async def aggregate() -> None:
            async with engine.connect() as connection:
                (await connection.execute(query)).all()

        return aggregate

    every = Figure("plain SQL sum, all teams", await _timed(plain(ALL_TEAMS)))
    one = Figure("plain SQL sum, one team", await _timed(plain([TEAM])))
    figures = [
        (
            Figure(
                "`/pulse`, all teams", await _timed(lambda: service.overview(WORKSPACE, SUPERVISOR))
            ),
            every,
        ),
        (
            Figure(
                "CSV export, all teams", await _timed(lambda: service.export(WORKSPACE, SUPERVISOR))
            ),
            every,
        ),
        (
            Figure(
                "one team's summary",
                await _timed(lambda: service.team_summary(WORKSPACE, SUPERVISOR, TEAM)),
            ),
            one,
        ),
        (
            Figure(
                "one team's chart (PNG)",
                await _timed(lambda: service.charts(WORKSPACE, SUPERVISOR, TEAM)),
            ),
            one,
        ),
    ]
    return made, figures


async def _on_sqlite() -> tuple[int, list[tuple[Figure, Figure]]]:
    with tempfile.TemporaryDirectory() as folder:
        engine = create_engine(f"sqlite+aiosqlite:///{Path(folder) / 'bench.db'}")
        try:
            return await _measure(engine)
        finally:
            await engine.dispose()


async def _on_postgres(base_url: str) -> tuple[int, list[tuple[Figure, Figure]]]:
    async with fresh_postgres(base_url) as url:
        engine = create_engine(url)
        try:
            return await _measure(engine)
        finally:
            await engine.dispose()


def _rows(database: str, figures: list[tuple[Figure, Figure]]) -> list[str]:
    lines, baselines = [], []
    for figure, base in figures:
        if base not in baselines:
            baselines.append(base)
            lines.append(f"| {database}: {base.name} | {_ms(base)} | (baseline) | 1.00 | | |")
        ratio = figure.p99 / base.p99
        met = figure.p99 < TARGET_P99_MS and ratio <= TARGET_RATIO
        lines.append(
            f"| {database}: {figure.name} | {_ms(figure)} | {_ms(base)} | {ratio:.2f} "
            f"| p99 < {TARGET_P99_MS:.0f} ms, <= {TARGET_RATIO:.0f}x | {'yes' if met else 'no'} |"
        )
    return lines


def _ms(figure: Figure) -> str:
    return f"p50 {figure.p50:.1f} ms, p99 {figure.p99:.1f} ms"


async def _run() -> str:
    results = {"SQLite": await _on_sqlite()}
    base_url = postgres_base_url()
    if base_url is not None:
        results["PostgreSQL"] = await _on_postgres(base_url)
    made = next(iter(results.values()))[0]
    table = [
        "| measure | figure | baseline (same run) | ratio | target | met |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for database, (_, figures) in results.items():
        table += _rows(database, figures)
    skipped = (
        "" if "PostgreSQL" in results else " (PostgreSQL skipped: TEST_DATABASE_URL is not set)"
    )
    return "\n".join(
        [
            "## Summaries at scale",
            "",
            f"{made:,} closed check-ins ({TEAMS} teams x {WEEKS} weeks x {PER_WEEK}, 4-12 people "
            f"per team, each answering or not at random), written through SQLAlchemy Core into a "
            f"migrated {' and a fresh '.join(results)} database{skipped}. A supervisor in all "
            f"{TEAMS} channels asks the summary service, as the handlers do, {ROUNDS} times each "
            f"after {WARM_UP} warm-up rounds, one at a time; every look writes its audit lines. "
            "The directory answers at the service's port (no Slack calls are timed). Each "
            f"baseline is one plain SQL query summing the same {REPORT_WEEKS} weeks of counts "
            "per team and week, with no privacy rules, over the same teams: all of them for "
            "`/pulse` and the CSV, the one team for its summary and chart. Ratios are p99 over "
            "the baseline's p99.",
            "",
            *table,
        ]
    )


def run() -> str:
    return asyncio.run(_run())


if __name__ == "__main__":
    print(run())
