"""The scheduler's lines, as production writes them: one at DEBUG per run naming the job's
kind, nothing at INFO, and a failure at ERROR naming the kind."""

import io
from collections.abc import Iterator

import pytest
from sqlalchemy import text

from bootstrap import SWEEP_JOB, Wellspring
from bot.process.scheduling import DEADLINE_JOB
from tests.support.log_capture import every_logger_at_debug, production_log


@pytest.fixture
def log() -> Iterator[io.StringIO]:
    """Requested first, so the app's start-up is in it too."""
    with production_log() as written:
        yield written


def scheduler_lines(log: io.StringIO) -> list[str]:
    return [line for line in log.getvalue().splitlines() if "sched" in line.lower()]


async def test_each_run_is_one_debug_line_naming_its_kind(
    log: io.StringIO, wellspring: Wellspring
) -> None:
    every_logger_at_debug()
    # The start-up catch-up runs these through APScheduler itself; wait for them here too.
    await wellspring.scheduler.run_now(SWEEP_JOB)
    await wellspring.scheduler.run_now(DEADLINE_JOB)
    assert await wellspring.inflight.drain(5)
    lines = scheduler_lines(log)
    assert f"DEBUG bot.process.scheduling scheduled job {SWEEP_JOB} ran" in "\n".join(lines)
    assert f"DEBUG bot.process.scheduling scheduled job {DEADLINE_JOB} ran" in "\n".join(lines)
    assert not [line for line in lines if " DEBUG " not in line], "nothing above DEBUG"
    assert "<locals>" not in log.getvalue()


async def test_a_failing_run_is_an_error_naming_its_kind(
    log: io.StringIO, wellspring: Wellspring
) -> None:
    every_logger_at_debug()
    assert await wellspring.inflight.drain(5)  # the start-up catch-up
    ran = f"scheduled job {SWEEP_JOB} ran"
    before = log.getvalue().count(ran)
    async with wellspring.engine.begin() as conn:
        await conn.execute(text("ALTER TABLE schedules RENAME TO schedules_away"))
    try:
        await wellspring.scheduler.run_now(SWEEP_JOB)
    finally:
        async with wellspring.engine.begin() as conn:
            await conn.execute(text("ALTER TABLE schedules_away RENAME TO schedules"))
    [failed] = [line for line in scheduler_lines(log) if " ERROR " in line]
    assert failed.endswith(f"ERROR bot.process.scheduling scheduled job {SWEEP_JOB} failed")
    assert log.getvalue().count(ran) == before
