"""APScheduler used as a clock: it wakes jobs; our tables hold what must happen.

A job about someone ("digest:<person>") is known to APScheduler, which logs ids and names
when a run is missed or fails, by its kind and a keyed hash of the rest only."""

import hashlib
import hmac
import logging
import secrets
from collections.abc import Awaitable, Callable
from datetime import datetime, time, timedelta

from apscheduler.events import EVENT_JOB_SUBMITTED, JobSubmissionEvent
from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.base import BaseTrigger
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.domain.schedules import WEEKDAYS, Schedule
from bot.ports.clock import Clock
from bot.process.lifecycle import InFlight

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]
DeadlineJob = Callable[[], Awaitable[datetime | None]]
ScheduleRunner = Callable[[str], Awaitable[object]]
DEADLINE_JOB = "sweep-deadlines"


class Scheduler:
    """Owns the AsyncIOScheduler; every job runs tracked, so shutdown waits for it."""

    def __init__(
        self, inflight: InFlight, misfire_grace: timedelta, wall_clock: Clock, clock: Clock
    ) -> None:
        """`clock` is the services' clock; deadlines in its time are turned into wall time."""
        self._inflight = inflight
        self._wall_clock = wall_clock
        self._clock = clock
        self._run_schedule: ScheduleRunner | None = None
        # New at each start, so a job's id matches no one's id, in no other run either.
        self._id_key = secrets.token_bytes(32)
        self._scheduler = AsyncIOScheduler(
            timezone="UTC",
            job_defaults={
                "coalesce": True,
                "max_instances": 1,
                # APScheduler's default of one second drops runs on a busy event loop.
                "misfire_grace_time": int(misfire_grace.total_seconds()),
            },
        )

    @property
    def running(self) -> bool:
        return bool(self._scheduler.running)

    def every(self, job_id: str, interval: timedelta, job: Job) -> None:
        """Run `job` every `interval`, replacing a job with the same id."""
        self._add(job_id, job, IntervalTrigger(seconds=interval.total_seconds()))

    def deadlines(self, interval: timedelta, sweep: DeadlineJob) -> None:
        """Sweep deadlines every `interval`, and also exactly when the next one is due.

        `sweep` does what is due and returns when the next deadline falls.
        """

        async def run() -> None:
            if (upcoming := await sweep()) is not None:
                self.due_at(upcoming)

        self.every(DEADLINE_JOB, interval, run)

    def due_at(self, when: datetime) -> None:
        """Wake the deadline sweep at `when` unless it already wakes sooner."""
        job = self._scheduler.get_job(DEADLINE_JOB)
        if job is None or not self.running:
            return  # the start-up sweep finds it
        wall = self._wall_clock.now() + max(when - self._clock.now(), timedelta())
        if job.next_run_time is None or wall < job.next_run_time:
            job.modify(next_run_time=wall)

    def deadline_wake(self) -> datetime | None:
        job = self._scheduler.get_job(DEADLINE_JOB)
        return getattr(job, "next_run_time", None)

    def weekly(self, job_id: str, day: str, at: time, timezone: str, job: Job) -> None:
        """Run `job` once a week at a local time, e.g. Monday 09:00 in someone's time zone."""
        trigger = CronTrigger(day_of_week=day, hour=at.hour, minute=at.minute, timezone=timezone)
        self._add(job_id, job, trigger)

    def run_schedules_with(self, runner: ScheduleRunner) -> None:
        """What to call when a schedule's time comes (the posting service)."""
        self._run_schedule = runner

    def schedule_saved(self, schedule: Schedule) -> None:
        """Wake at the schedule's local time on its days; the runner decides what is due."""
        if schedule.paused or self._run_schedule is None:
            self.schedule_removed(schedule.id)
            return
        recurrence = schedule.recurrence
        trigger = CronTrigger(
            day_of_week=",".join(WEEKDAYS[day] for day in sorted(recurrence.days)),
            hour=recurrence.at.hour,
            minute=recurrence.at.minute,
            timezone=recurrence.timezone,
        )
        runner = self._run_schedule
        schedule_id = schedule.id

        async def run() -> None:
            await runner(schedule_id)

        self._add(_job_id(schedule_id), run, trigger)

    def _add(self, job_id: str, job: Job, trigger: BaseTrigger) -> None:
        kind = _kind(job_id)
        self._scheduler.add_job(
            self._inflight.track(_logged(kind, job)),
            trigger,
            id=self._hidden(job_id),
            name=kind,
            replace_existing=True,
        )

    def _hidden(self, job_id: str) -> str:
        """APScheduler's id for a job: "digest:<person>" as "digest:" and a keyed hash."""
        kind, _, subject = job_id.partition(":")
        if not subject:
            return kind
        return f"{kind}:{hmac.new(self._id_key, subject.encode(), hashlib.sha256).hexdigest()}"

    def schedule_removed(self, schedule_id: str) -> None:
        job_id = self._hidden(_job_id(schedule_id))
        if self._scheduler.get_job(job_id) is not None:
            self._scheduler.remove_job(job_id)

    def wake_now(self, job_id: str) -> None:
        """Run a job at the next loop turn (used after start and by tests)."""
        self._scheduler.modify_job(self._hidden(job_id), next_run_time=self._wall_clock.now())

    async def run_now(self, job_id: str) -> None:
        """Run a job's work here and now, as its next wake-up would (tests and catch-up)."""
        job = self._scheduler.get_job(self._hidden(job_id))
        if job is not None:
            await job.func()

    def next_wake(self, schedule_id: str) -> datetime | None:
        job = self._scheduler.get_job(self._hidden(_job_id(schedule_id)))
        return job.next_run_time if job is not None else None

    def report_lag_to(self, observe: Callable[[str, float], None]) -> None:
        """Tell `observe` how late each job started (actual minus planned fire time, seconds),
        by kind of job: a schedule's wake-up is "schedule", never its id."""

        def submitted(event: JobSubmissionEvent) -> None:
            planned = min(event.scheduled_run_times)
            late = (self._wall_clock.now() - planned).total_seconds()
            observe(_kind(str(event.job_id)), max(late, 0.0))

        self._scheduler.add_listener(submitted, EVENT_JOB_SUBMITTED)

    def start(self) -> None:
        self._scheduler.start()

    def pause(self) -> None:
        """Stop waking jobs; runs already started go on."""
        if self._scheduler.running:
            self._scheduler.pause()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)


def _job_id(schedule_id: str) -> str:
    return f"schedule:{schedule_id}"


def _kind(job_id: str) -> str:
    return job_id.partition(":")[0]


def _logged(kind: str, job: Job) -> Job:
    """The job, logged by its kind only: a line at DEBUG when it ran, at ERROR when it
    failed (APScheduler's own lines about each run are below WARNING, which the log leaves
    out). A failing job must not take the scheduler with it; the next tick tries again."""

    async def run() -> None:
        try:
            await job()
        except Exception:
            logger.exception("scheduled job %s failed", kind)
        else:
            logger.debug("scheduled job %s ran", kind)

    run.__qualname__ = run.__name__ = f"scheduled {kind}"
    return run
