"""APScheduler used as a clock: it wakes jobs; our tables hold what must happen."""

import logging
from collections.abc import Awaitable, Callable
from datetime import timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.lifecycle import InFlight

logger = logging.getLogger(__name__)

Job = Callable[[], Awaitable[object]]


class Scheduler:
    """Owns the AsyncIOScheduler; every job runs tracked, so shutdown waits for it."""

    def __init__(self, inflight: InFlight, misfire_grace: timedelta) -> None:
        self._inflight = inflight
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
        self._scheduler.add_job(
            self._inflight.track(_logged(job_id, job)),
            IntervalTrigger(seconds=interval.total_seconds()),
            id=job_id,
            replace_existing=True,
        )

    def start(self) -> None:
        self._scheduler.start()

    def pause(self) -> None:
        """Stop waking jobs; runs already started go on."""
        if self._scheduler.running:
            self._scheduler.pause()

    def shutdown(self) -> None:
        if self._scheduler.running:
            self._scheduler.shutdown(wait=False)


def _logged(job_id: str, job: Job) -> Job:
    # A failing job must not take the scheduler with it; the next tick tries again.
    async def run() -> None:
        try:
            await job()
        except Exception:
            logger.exception("scheduled job %s failed", job_id)

    return run
