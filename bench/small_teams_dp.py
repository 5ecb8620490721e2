"""What `PULSE_PRIVACY=dp` costs in accuracy, through the real services and storage.

Run with `python -m bench small_teams_dp` (or `make bench BENCH=small_teams_dp`). The agency
of bench/small_teams.py (real posting, clicks, closing and summary services on a migrated
SQLite database, check-ins Monday, Wednesday and Friday, a year), with each team's numbers
read on the Monday after each week twice: by a summary service with the threshold only, and
by one with OpenDP's noise. Both release the same weeks; the table compares the values.
"""

import asyncio
import random
import tempfile
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

from bench.small_teams import LEVEL_WEIGHTS, MINIMUM, POST_HOUR, POSTED_AT, START, WORKSPACE
from bench.small_teams_world import SUPERVISOR, Agency, BenchClock
from bootstrap import MIGRATIONS
from bot.domain.checkins import PulseLevel
from bot.domain.noise import EPSILON_PER_MONTH, EPSILON_PER_WEEK, scale
from bot.domain.pulses import Tally
from bot.domain.reports import Report, ViewKind
from bot.privacy.noise_sampler import opendp_laplace
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade

WEEKS = 52
SEED = 23
COPIES = 3  # teams per profile, for more weeks to measure
PROFILES = ((6, 0.6), (8, 0.5), (8, 0.6), (8, 0.7), (10, 0.6))


@dataclass
class Errors:
    weeks: int = 0
    shown: int = 0
    late: list[float] = field(default_factory=list)  # |noisy - true| share running low
    level: list[float] = field(default_factory=list)  # the same for each level's share
    answers: list[int] = field(default_factory=list)  # |noisy - true| number of answers
    months: list[float] = field(default_factory=list)  # share running low, whole months

    def add(self, noisy: Tally, true: Tally) -> None:
        self.late.append(abs(noisy.late_share - true.late_share))
        self.level += [abs(a - b) for a, b in zip(noisy.shares, true.shares, strict=True)]
        self.answers.append(abs(noisy.responses - true.responses))


def _mean(values: list[float] | list[int]) -> float:
    return sum(values) / len(values) if values else float("nan")


async def simulate(folder: Path) -> dict[tuple[int, float], Errors]:
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'small-teams-dp.db'}")
    try:
        await upgrade(engine, MIGRATIONS)
        clock = BenchClock(START)
        agency = Agency(engine, clock, WORKSPACE, MINIMUM, opendp_laplace)
        rng = random.Random(SEED)
        teams: dict[str, tuple[tuple[int, float], list[str]]] = {}
        for number, (size, rate) in enumerate(PROFILES):
            for copy in range(COPIES):
                team = f"C{number:02d}{copy}"
                people = [f"U{team}P{n:02d}" for n in range(size)]
                agency.directory.people[team] = frozenset(people)
                teams[team] = ((size, rate), people)
        errors = {profile: Errors() for profile in PROFILES}
        months_seen: set[tuple[str, str]] = set()
        for week in range(WEEKS):
            monday = START + timedelta(weeks=week)
            for day in POSTED_AT:
                clock.set(monday + timedelta(days=day, hours=POST_HOUR))
                for team, checkin in (await agency.post_all(list(teams))).items():
                    (_, rate), people = teams[team]
                    for person in people:
                        if rng.random() < rate:
                            level = rng.choices(list(PulseLevel), LEVEL_WEIGHTS)[0]
                            await agency.click(checkin, person, level)
                clock.set(clock.now() + agency.window + timedelta(minutes=1))
                await agency.close_due()
            clock.set(monday + timedelta(weeks=1, hours=8))
            await agency.close_due()
            exact, noisy = await _both(agency, list(teams))
            _compare(exact, noisy, teams, errors, months_seen)
        return errors
    finally:
        await engine.dispose()


async def _both(agency: Agency, teams: list[str]) -> tuple[Report, Report]:
    exact = await agency.summaries.report(agency.workspace, SUPERVISOR, teams, ViewKind.SUMMARY)
    noisy = await agency.noisy_summaries.report(
        agency.workspace, SUPERVISOR, teams, ViewKind.SUMMARY
    )
    return exact, noisy


def _compare(
    exact: Report,
    noisy: Report,
    teams: dict[str, tuple[tuple[int, float], list[str]]],
    errors: dict[tuple[int, float], Errors],
    months_seen: set[tuple[str, str]],
) -> None:
    last = [row for row in exact.weeks if row.settled][-1]
    noisy_last = next(row for row in noisy.weeks if row.week == last.week)
    for cell, noisy_cell in zip(last.teams, noisy_last.teams, strict=True):
        found = errors[teams[cell.team][0]]
        found.weeks += 1
        assert (cell.tally is None) == (noisy_cell.tally is None), "the same weeks show"
        if cell.tally is not None and noisy_cell.tally is not None:
            found.shown += 1
            found.add(noisy_cell.tally, cell.tally)
    for row, noisy_row in zip(exact.months, noisy.months, strict=True):
        for cell, noisy_cell in zip(row.teams, noisy_row.teams, strict=True):
            key = (cell.team, row.month.label)
            if key in months_seen or cell.tally is None or noisy_cell.tally is None:
                continue
            months_seen.add(key)
            late = abs(noisy_cell.tally.late_share - cell.tally.late_share)
            errors[teams[cell.team][0]].months.append(late)


def _points(value: float) -> str:
    return f"{100 * value:.0f} points"


async def _run() -> str:
    with tempfile.TemporaryDirectory() as folder:
        errors = await simulate(Path(folder))
    lines = [
        "| team | weeks shown (the same as without noise) | share running low, a week: "
        "mean error | a level's share, a week: mean error | answers, a week: mean error "
        "| share running low, a month: mean error |",
        "| --- | --- | --- | --- | --- | --- |",
    ]
    for (size, rate), found in errors.items():
        lines.append(
            f"| {size} people, {round(rate * 100)}% | {found.shown / found.weeks:.0%} "
            f"| {_points(_mean(found.late))} | {_points(_mean(found.level))} "
            f"| {_mean(found.answers):.1f} | {_points(_mean(found.months))} |"
        )
    return "\n".join(
        [
            "## Small teams with noise (`PULSE_PRIVACY=dp`): what it costs in accuracy",
            "",
            f"The small-teams agency ({WEEKS} weeks, {COPIES} teams of each kind, each person "
            "answering each check-in at the team's rate), read each Monday by the summary "
            "service with the threshold only and by one with OpenDP's noise, on the same "
            f"database. ε = {EPSILON_PER_MONTH:g} per person per month ({EPSILON_PER_WEEK:g} a "
            f"week): discrete Laplace noise of scale {scale(3):g} on each of a week's four "
            "counts, clamped at 0. Errors are the mean absolute difference between the noisy "
            "and the exact number, over the weeks (and whole months) shown.",
            "",
            *lines,
            "",
        ]
    )


def run() -> str:
    return asyncio.run(_run())


if __name__ == "__main__":
    print(run())
