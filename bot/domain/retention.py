"""What the daily retention sweep measures "old" against."""

from dataclasses import dataclass
from datetime import datetime, timedelta


@dataclass(frozen=True)
class Limits:
    now: datetime
    pulses: timedelta  # PULSE_RETENTION_DAYS
    audit: timedelta  # AUDIT_RETENTION_DAYS
