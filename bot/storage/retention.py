"""How long each table's rows are kept, and the daily sweep that deletes what is past it.

Every table has an entry: either the sweep's own delete, or the words saying what else
deletes its rows (another job, the person, their erasure). docs/data-inventory.md says the
same; a table without an entry fails tests/integration/test_retention_sweep.py.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import Delete, delete
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.debriefs import month_of
from bot.domain.pulses import IsoWeek
from bot.domain.retention import Limits
from bot.domain.schedules import RunStatus
from bot.storage.inserts import affected
from bot.storage.tables import (
    admin_actions,
    agency_holidays,
    debrief_months,
    digest_runs,
    rotations,
    schedule_runs,
)

# Finished runs, past the posting sweep's look-back (bot/services/posting.py, 8 days).
RUN_MEMORY = timedelta(days=30)
# A weekly digest's claim, well past the week it was sent for.
DIGEST_MEMORY = timedelta(weeks=8)
# An audience's place in its decks of wording (a team, or a person's reminders), unused:
# the deck starts a new shuffle.
ROTATION_MEMORY = timedelta(days=180)
# The agency's days off, past: last year's list helps set this year's.
HOLIDAY_MEMORY = timedelta(days=366)
# Window tables of open check-ins (PostgreSQL): dropped when the check-in closes.
WINDOW_TABLE_PREFIX = "pulse_window_"


Sweep = Callable[[Limits], Delete]


@dataclass(frozen=True)
class Kept:
    """A table's retention: in words, and the daily sweep's delete where the sweep does it."""

    rule: str
    sweep: Sweep | None = None


def _finished_runs(limits: Limits) -> Delete:
    finished = [RunStatus.POSTED.value, RunStatus.SKIPPED.value, RunStatus.FAILED.value]
    return (
        delete(schedule_runs)
        .where(schedule_runs.c.fire_at < limits.now - RUN_MEMORY)
        .where(schedule_runs.c.status.in_(finished))
    )


def _old_digests(limits: Limits) -> Delete:
    week = IsoWeek.of(limits.now - DIGEST_MEMORY).label  # "2026-W41" sorts as it reads
    return delete(digest_runs).where(digest_runs.c.week < week)


def _unused_rotations(limits: Limits) -> Delete:
    return delete(rotations).where(rotations.c.used_on < _day(limits.now - ROTATION_MEMORY))


def _old_months(limits: Limits) -> Delete:
    oldest = month_of(limits.now - limits.pulses)  # "2024-12" sorts as it reads
    return delete(debrief_months).where(debrief_months.c.month < oldest)


def _past_holidays(limits: Limits) -> Delete:
    return delete(agency_holidays).where(agency_holidays.c.day < _day(limits.now - HOLIDAY_MEMORY))


def _old_admin_actions(limits: Limits) -> Delete:
    return delete(admin_actions).where(admin_actions.c.acted_at < limits.now - limits.audit)


def _day(moment: datetime) -> date:
    return moment.astimezone(UTC).date()


RETENTION: Mapping[str, Kept] = {
    "alembic_version": Kept("one row: the schema's version"),
    "processed_deliveries": Kept("a day (forget-old-deliveries, hourly)"),
    "schedules": Kept("until deleted; a person's reminders go with their data"),
    "schedule_runs": Kept("finished runs 30 days; all go with their schedule", _finished_runs),
    "send_turns": Kept("one row per post budget (a workspace), overwritten at each post"),
    "rotations": Kept("180 days after the deck was last drawn from", _unused_rotations),
    "checkins": Kept("PULSE_RETENTION_DAYS, whole months (forget-old-pulses, daily)"),
    "pulse_counts": Kept("with their check-in"),
    "pulse_participants": Kept("until the check-in closes (SQLite)"),
    "pulse_views": Kept("PULSE_RETENTION_DAYS (forget-old-pulses, daily), then wiped"),
    "pulse_period_markers": Kept("until the team's month settles (deadline sweep)"),
    "pulse_team_weeks": Kept("with the check-ins: PULSE_RETENTION_DAYS, whole months"),
    "pulse_month_rests": Kept("with the check-ins: PULSE_RETENTION_DAYS, whole months"),
    "pulse_noisy_weeks": Kept("with the check-ins: PULSE_RETENTION_DAYS, whole months"),
    "digest_runs": Kept("8 weeks after the digest's week", _old_digests),
    "volunteers": Kept("while the person volunteers; goes with their data"),
    "debrief_requests": Kept("DEBRIEF_RETENTION_DAYS after closing (forget-old-debriefs)"),
    "debrief_offers": Kept("with their request"),
    "debrief_months": Kept("PULSE_RETENTION_DAYS after the month", _old_months),
    "platform_addresses": Kept("while reachable; a person's go with their data"),
    "placements": Kept("until stopped, or 14 days after the end (forget-ended-placements)"),
    "placement_prompts": Kept("with their placement"),
    "agency_holidays": Kept("a year after the day", _past_holidays),
    "supervisor_teams": Kept("until unassigned, the supervisor leaves the team, or erasure"),
    "admin_actions": Kept("AUDIT_RETENTION_DAYS", _old_admin_actions),
}


class SqlRetentionSweep:
    """Runs each table's sweep in one transaction (the caller commits)."""

    def __init__(self, session: AsyncSession, rules: Mapping[str, Kept]) -> None:
        self._session, self._rules = session, rules

    async def sweep(self, limits: Limits) -> dict[str, int]:
        """Rows deleted per table, for the tables that lost any."""
        deleted: dict[str, int] = {}
        for table, kept in sorted(self._rules.items()):
            if kept.sweep is not None:
                count = affected(await self._session.execute(kept.sweep(limits)))
                if count:
                    deleted[table] = count
        return deleted
