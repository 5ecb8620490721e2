"""How often a supervisor of small teams sees a number, through the real services and storage.

Run with `python -m bench.small_teams` (or `make bench`). One migrated SQLite database holds
one simulated agency for a year: teams of 4 to 15 people, each person answering each
check-in at the team's rate (independently, a level drawn at random), check-ins on Monday,
Wednesday and Friday at 09:00 UTC. Check-ins are posted by the posting service, clicks go
through the pulse service's click path (membership, markers, counts), windows close through
its sweep, and every figure is read from what the summary service releases to a supervisor
on the Monday after each week (and after each month), exactly as `/pulse` would get it. No
rule is copied here: the bench only counts what the release path showed.
"""

import asyncio
import random
import tempfile
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bench.small_teams_world import Agency, BenchClock, Shown, Views
from bootstrap import MIGRATIONS
from bot.domain.checkins import PulseLevel
from bot.domain.workspaces import WorkspaceRef
from bot.storage.engine import create_engine
from bot.storage.migrations import upgrade

WEEKS = 52
START = datetime(2025, 12, 29, tzinfo=UTC)  # a Monday: ISO week 2026-W01
POSTED_AT = (0, 2, 4)  # Monday, Wednesday, Friday
POST_HOUR = 9
MINIMUM = 5
WORKSPACE = WorkspaceRef("slack", "T0BENCH")
LEVEL_WEIGHTS = (0.4, 0.3, 0.2, 0.1)
SEED = 19


@dataclass(frozen=True)
class Profile:
    """Teams of one size answering at one rate; `teams` of them, one supervisor for all."""

    name: str
    size: int
    rate: float
    teams: int = 1


# The table, its goals, and a grid over the sizes and rates it names.
HEADLINE = (
    Profile("6 people, 70%", 6, 0.7),
    Profile("8 people, 50% (five teams, one supervisor)", 8, 0.5, teams=5),
    Profile("8 people, 70%", 8, 0.7),
    Profile("10 people, 70%", 10, 0.7),
    Profile("12 people, 70%", 12, 0.7),
    Profile("6 people, 60%", 6, 0.6),
    Profile("4 people, 90%", 4, 0.9),
)
GRID = tuple(
    Profile(f"{size} people, {round(rate * 100)}%", size, rate)
    for size, rate in ((4, 0.4), *((s, r) for s in (5, 7, 9, 15) for r in (0.4, 0.9)))
)

# Figures measured by this module on main before issue 19 (commit 90436e0), same seed.
BEFORE: dict[str, dict[str, float]] = {
    "6 people, 70%": {"checkins": 0.147, "weeks": 0.0},
    "8 people, 50% (five teams, one supervisor)": {
        "checkins": 0.15,
        "weeks": 0.004,
        "all_teams": 0.0,
    },
    "8 people, 70%": {"checkins": 0.526, "weeks": 0.115},
    "10 people, 70%": {"checkins": 0.865, "weeks": 0.635},
    "12 people, 70%": {"checkins": 0.968, "weeks": 0.904},
    "6 people, 60%": {"checkins": 0.032, "weeks": 0.0},
    "4 people, 90%": {"checkins": 0.0, "weeks": 0.0},
    "4 people, 40%": {"checkins": 0.0, "weeks": 0.0},
    "5 people, 40%": {"checkins": 0.0, "weeks": 0.0},
    "5 people, 90%": {"checkins": 0.0, "weeks": 0.0},
    "7 people, 40%": {"checkins": 0.006, "weeks": 0.0},
    "7 people, 90%": {"checkins": 0.923, "weeks": 0.769},
    "9 people, 40%": {"checkins": 0.16, "weeks": 0.0},
    "9 people, 90%": {"checkins": 0.994, "weeks": 0.981},
    "15 people, 40%": {"checkins": 0.583, "weeks": 0.154},
    "15 people, 90%": {"checkins": 1.0, "weeks": 1.0},
}


@dataclass
class Figures:
    """Shown / looked-at counts per view for one profile."""

    checkins: list[int] = field(default_factory=lambda: [0, 0])
    weeks: list[int] = field(default_factory=lambda: [0, 0])
    months: list[int] = field(default_factory=lambda: [0, 0])
    month_lines: list[int] = field(default_factory=lambda: [0, 0])
    all_teams: list[int] = field(default_factory=lambda: [0, 0])
    all_teams_complete: list[int] = field(default_factory=lambda: [0, 0])

    def add(self, into: list[int], shown: Iterable[bool]) -> None:
        for one in shown:
            into[0] += int(one)
            into[1] += 1


def _share(pair: list[int]) -> float | None:
    return pair[0] / pair[1] if pair[1] else None


async def simulate(profiles: tuple[Profile, ...], folder: Path) -> dict[str, Figures]:
    """A year of check-ins for every team of `profiles`; what the supervisor was shown."""
    engine = create_engine(f"sqlite+aiosqlite:///{folder / 'small-teams.db'}")
    try:
        await upgrade(engine, MIGRATIONS)
        clock = BenchClock(START)
        agency = Agency(engine, clock, WORKSPACE, MINIMUM)
        rng = random.Random(SEED)
        teams: dict[str, tuple[Profile, list[str]]] = {}
        for number, profile in enumerate(profiles):
            for copy in range(profile.teams):
                team = f"C{number:02d}{copy}"
                people = [f"U{team}P{n:02d}" for n in range(profile.size)]
                agency.directory.people[team] = frozenset(people)
                teams[team] = (profile, people)
        figures = {profile.name: Figures() for profile in profiles}
        views = Views(agency)
        months_seen: set[str] = set()
        for week in range(WEEKS):
            monday = START + timedelta(weeks=week)
            for day in POSTED_AT:
                clock.set(monday + timedelta(days=day, hours=POST_HOUR))
                checkins = await agency.post_all(list(teams))
                for team, checkin in checkins.items():
                    profile, people = teams[team]
                    for person in people:
                        if rng.random() < profile.rate:
                            level = rng.choices(list(PulseLevel), LEVEL_WEIGHTS)[0]
                            await agency.click(checkin, person, level)
                clock.set(clock.now() + agency.window + timedelta(minutes=1))
                await agency.close_due()
            clock.set(monday + timedelta(weeks=1, hours=8))  # the next Monday's digest time
            await agency.close_due()
            shown = await views.last_week(list(teams), _groups(teams))
            _count(figures, teams, shown, months_seen)
        # The months that settle after the year's last week.
        clock.set(START + timedelta(weeks=WEEKS + 5, hours=8))
        await agency.close_due()
        shown = await views.last_week(list(teams), _groups(teams))
        _count(figures, teams, shown, months_seen, weeks=False)
        return figures
    finally:
        await engine.dispose()


def _groups(teams: dict[str, tuple[Profile, list[str]]]) -> list[tuple[str, ...]]:
    """The teams of each profile with several: one supervisor's all-teams line."""
    by_profile: dict[str, list[str]] = defaultdict(list)
    for team, (profile, _) in teams.items():
        by_profile[profile.name].append(team)
    return [tuple(members) for members in by_profile.values() if len(members) > 1]


def _count(
    figures: dict[str, Figures],
    teams: dict[str, tuple[Profile, list[str]]],
    shown: Shown,
    months_seen: set[str],
    weeks: bool = True,
) -> None:
    by_profile: dict[str, list[str]] = defaultdict(list)
    for team, (profile, _) in teams.items():
        by_profile[profile.name].append(team)
    for name, members in by_profile.items():
        numbers = figures[name]
        if weeks:
            numbers.add(numbers.checkins, (s for t in members for s in shown.checkins[t]))
            numbers.add(numbers.weeks, (shown.week[t] for t in members))
            if len(members) > 1:
                line = shown.all_teams[tuple(members)]
                numbers.add(numbers.all_teams, [line is not None and line > 0])
                numbers.add(numbers.all_teams_complete, [line == len(members)])
        for team in members:
            for month, state in shown.months.get(team, {}).items():
                if f"{team}|{month}" not in months_seen:
                    months_seen.add(f"{team}|{month}")
                    numbers.add(numbers.months, [state == "shown"])
                    numbers.add(numbers.month_lines, [state in ("shown", "part")])


def _cell(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.0%}"


def _table(figures: dict[str, Figures], profiles: tuple[Profile, ...]) -> list[str]:
    lines = [
        "| team | check-ins shown: before / now | weeks shown: before / now "
        "| months now: whole / with a line | all-teams weekly line of five teams: before / "
        "now with every team / now over the teams shown |",
        "| --- | --- | --- | --- | --- |",
    ]
    for profile in profiles:
        now = figures[profile.name]
        before = BEFORE.get(profile.name, {})
        all_teams = (
            f"{_cell(before.get('all_teams'))} / {_cell(_share(now.all_teams_complete))} / "
            f"{_cell(_share(now.all_teams))}"
            if profile.teams > 1
            else ""
        )
        lines.append(
            f"| {profile.name} | {_cell(before.get('checkins'))} / {_cell(_share(now.checkins))} "
            f"| {_cell(before.get('weeks'))} / {_cell(_share(now.weeks))} "
            f"| {_cell(_share(now.months))} / {_cell(_share(now.month_lines))} | {all_teams} |"
        )
    return lines


async def _run() -> str:
    profiles = HEADLINE + GRID
    with tempfile.TemporaryDirectory() as folder:
        figures = await simulate(profiles, Path(folder))
    return "\n".join(
        [
            "## Small teams: how often a supervisor sees a number",
            "",
            f"One simulated year ({WEEKS} weeks, check-ins Monday, Wednesday and Friday) through "
            "the real posting, click, closing and summary services on a migrated SQLite "
            f"database, `PULSE_MIN_RESPONSES={MINIMUM}`. Each person answers each check-in at "
            "the team's rate, independently. A view counts as shown when the summary service "
            "released a number for it to the supervisor on the Monday after the period. "
            "*Before* is this module run against main before issue 19 (commit 90436e0): a "
            "number per check-in with 6 answers, and a week only when none of its check-ins "
            "was hidden; main had no month view.",
            "",
            *_table(figures, HEADLINE),
            "",
            "The grid over the other sizes and rates the issue names:",
            "",
            *_table(figures, GRID),
            "",
        ]
    )


def run() -> str:
    return asyncio.run(_run())


if __name__ == "__main__":
    print(run())
