"""The scheduler's standing jobs: punctual wake-ups, the sweeps behind them, housekeeping."""

from datetime import datetime, timedelta
from functools import partial

from bot.process.scheduling import DEADLINE_JOB, Scheduler
from bot.services import Services

SWEEP_JOB = "sweep-due-schedules"
SWEEP_INTERVAL = timedelta(seconds=60)
# Deadlines wake the sweep at their due time; this is only the safety net.
DEADLINE_INTERVAL = timedelta(seconds=30)
DIGEST_PLAN_JOB = "plan-weekly-digests"
PLACEMENT_JOB = "send-placement-prompts"
# Placement prompts go out within this of their local time (a student picks a time, not
# a minute), so one sweep covers every placement without a job each.
PLACEMENT_INTERVAL = timedelta(minutes=15)
# What runs at once at start (and after each of the playground's time steps): anything due.
CATCH_UP_JOBS = (SWEEP_JOB, DEADLINE_JOB, DIGEST_PLAN_JOB, PLACEMENT_JOB)
# A wipe that found the database busy (a backup reading it) is tried again this often.
WIPE_JOB = "retry-wipes"
WIPE_RETRY_INTERVAL = timedelta(seconds=30)


def plan_jobs(scheduler: Scheduler, services: Services) -> None:
    """Punctual wake-ups per schedule and deadline, sweeps for anything missed, housekeeping."""
    scheduler.run_schedules_with(services.posting.run_due)
    scheduler.every(SWEEP_JOB, SWEEP_INTERVAL, services.posting.run_all_due)
    scheduler.deadlines(DEADLINE_INTERVAL, partial(_sweep_deadlines, services))
    scheduler.every(
        DIGEST_PLAN_JOB, timedelta(days=1), partial(services.summaries.plan_digests, scheduler)
    )
    scheduler.every(PLACEMENT_JOB, PLACEMENT_INTERVAL, services.placement_prompts.send_due)
    scheduler.every(
        "forget-ended-placements", timedelta(days=1), services.placement_prompts.forget_ended
    )
    scheduler.every("forget-old-pulses", timedelta(days=1), services.pulses.forget_old_pulses)
    scheduler.every("retention-sweep", timedelta(days=1), services.housekeeping.sweep)
    scheduler.every("forget-old-debriefs", timedelta(hours=1), services.debrief_stats.forget_old)
    scheduler.every(
        "forget-old-deliveries", timedelta(hours=1), services.deliveries.forget_old_deliveries
    )


async def _sweep_deadlines(services: Services) -> datetime | None:
    """Close check-ins and move debriefs along; when the next of either falls due."""
    upcoming = [await services.pulses.close_due(), await services.debriefs.run_due()]
    return min((when for when in upcoming if when is not None), default=None)
