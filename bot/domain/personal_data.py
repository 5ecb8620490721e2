"""What Wellspring holds about one person, gathered for them to see or to erase."""

from dataclasses import dataclass

from bot.domain.admin_actions import AdminAction
from bot.domain.debriefs import DebriefRequest, Offer, Volunteer
from bot.domain.placements import Placement
from bot.domain.reports import PulseView
from bot.domain.schedules import Schedule


@dataclass(frozen=True)
class PersonalRecords:
    """Every row that names the person. Pulse answers are counts and name nobody."""

    volunteer: Volunteer | None
    reminders: tuple[Schedule, ...]
    placements: tuple[Placement, ...]
    requests: tuple[DebriefRequest, ...]  # debriefs they asked for, still kept
    open_offers: tuple[Offer, ...]  # requests offered to them, not yet answered
    looks: tuple[PulseView, ...]  # their own looks at teams' numbers (the audit log)
    assigned_teams: tuple[str, ...] = ()  # teams an admin let them see, as a supervisor
    actions_taken: tuple[AdminAction, ...] = ()  # what they did as an admin (the admin record)
    actions_about: int = 0  # admin records about them (erasure makes them "someone")

    @property
    def erasable(self) -> bool:
        """Anything that "Delete all of it" would remove or anonymise (the audit looks, and
        the admin actions they took, stay)."""
        return bool(
            self.volunteer
            or self.reminders
            or self.placements
            or self.requests
            or self.open_offers
            or self.assigned_teams
            or self.actions_about
        )
