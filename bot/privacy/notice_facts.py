"""What the privacy notice and terms state, read from the settings in force and the core's rules.

Every number on those pages comes from here, so they say what this copy of Wellspring does,
not what its defaults would do.
"""

from dataclasses import dataclass
from datetime import timedelta

from bot.config.settings import Settings
from bot.domain.reports import report_threshold
from bot.services.deliveries import DELIVERY_MEMORY
from bot.services.placement_prompts import PLACEMENT_RETENTION


@dataclass(frozen=True)
class NoticeFacts:
    """Who runs this copy, and how long and to whom it keeps what."""

    agency_name: str | None
    privacy_contact: str | None  # an e-mail address or an https:// link
    checkin_window: timedelta  # markers of who answered live this long, at most
    shown_from: int  # the fewest answers a supervisor ever sees a number for
    pulse_kept: timedelta  # check-in counts and the supervisors' audit log
    debrief_kept: timedelta  # a debrief request, after it closes
    placement_kept: timedelta  # a placement, after its last day
    delivery_kept: timedelta  # ids of deliveries already handled
    audit_kept: timedelta  # the admin audit trail

    @property
    def unfilled(self) -> tuple[str, ...]:
        """The agency settings left empty, by name."""
        given = {"AGENCY_NAME": self.agency_name, "AGENCY_PRIVACY_CONTACT": self.privacy_contact}
        return tuple(name for name, value in given.items() if not value)


def notice_facts(settings: Settings) -> NoticeFacts:
    return NoticeFacts(
        agency_name=settings.agency_name,
        privacy_contact=settings.agency_privacy_contact,
        checkin_window=timedelta(seconds=settings.checkin_window_seconds),
        shown_from=report_threshold(settings.pulse_min_responses),
        pulse_kept=timedelta(days=settings.pulse_retention_days),
        debrief_kept=timedelta(days=settings.debrief_retention_days),
        placement_kept=PLACEMENT_RETENTION,
        delivery_kept=DELIVERY_MEMORY,
        audit_kept=timedelta(days=settings.audit_retention_days),
    )
