"""Cost of releasing a supervisor's report (suppression included) against plain summing.

Run with `make bench`. Both work on the same closed check-ins in the same run: the baseline
adds up every team's weeks with no privacy rules; the measured side builds the released
report the way /pulse does. The ratio is what the suppression rules cost.
"""

import random
import statistics
import sys
import time
from datetime import UTC, datetime, timedelta

from bot.domain.pulses import IsoWeek, Tally, last_weeks, total
from bot.domain.reports import ClosedCheckin, build_report

TEAMS, CHECKINS_PER_WEEK, WEEKS, ROUNDS = 40, 3, 8, 30
NOW = datetime(2026, 11, 30, 12, tzinfo=UTC)


def _checkins() -> list[ClosedCheckin]:
    rng = random.Random(7)
    found = []
    for week in last_weeks(NOW, WEEKS):
        monday = datetime.combine(week.monday, datetime.min.time(), tzinfo=UTC)
        for team in range(TEAMS):
            for n in range(CHECKINS_PER_WEEK):
                counts = tuple(rng.randint(0, 4) for _ in range(4))
                posted = monday + timedelta(days=2 * n, hours=9)
                name = f"{team}-{week.label}-{n}"
                found.append(ClosedCheckin(name, f"C{team:04d}", posted, Tally(counts)))
    return found


def _plain_sums(checkins: list[ClosedCheckin]) -> dict[tuple[str, IsoWeek], Tally]:
    groups: dict[tuple[str, IsoWeek], list[Tally]] = {}
    for c in checkins:
        groups.setdefault((c.team, IsoWeek.of(c.posted_at)), []).append(c.tally)
    return {key: total(tallies) for key, tallies in groups.items()}


def _timed(work: object) -> list[float]:
    samples = []
    for _ in range(ROUNDS):
        start = time.perf_counter()
        work()  # type: ignore[operator]
        samples.append(time.perf_counter() - start)
    return samples


def main() -> None:
    checkins = _checkins()
    teams = sorted({c.team for c in checkins})
    weeks = last_weeks(NOW, WEEKS)
    baseline = _timed(lambda: _plain_sums(checkins))
    measured = _timed(lambda: build_report(checkins, teams, 5, weeks, NOW))
    base, cost = statistics.median(baseline), statistics.median(measured)
    print(f"command: {' '.join(sys.argv)} (python -m bench.aggregation), {ROUNDS} rounds each")
    print(f"{len(checkins)} closed check-ins: {TEAMS} teams x {WEEKS} weeks x {CHECKINS_PER_WEEK}")
    print(f"plain sums p50 {base * 1000:.2f} ms (baseline)")
    print(f"released report p50 {cost * 1000:.2f} ms")
    print(f"ratio released/plain: {cost / base:.2f}")


if __name__ == "__main__":
    main()
