"""Wellspring wired from its settings: `start_wellspring` builds every service, platform and job
and starts serving. app.py runs it as a process; the tests and benchmarks start it the same way."""

from bootstrap.jobs import DIGEST_PLAN_JOB, PLACEMENT_JOB, SWEEP_INTERVAL, SWEEP_JOB, WIPE_JOB
from bootstrap.services import retention_rules
from bootstrap.start import MIGRATIONS, Wellspring, start_wellspring

__all__ = [
    "DIGEST_PLAN_JOB",
    "MIGRATIONS",
    "PLACEMENT_JOB",
    "SWEEP_INTERVAL",
    "SWEEP_JOB",
    "WIPE_JOB",
    "Wellspring",
    "retention_rules",
    "start_wellspring",
]
