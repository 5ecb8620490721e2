"""What Wellspring holds about one person, gathered for them to see or to erase."""

from dataclasses import dataclass

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

    @property
    def erasable(self) -> bool:
        """Anything that "Delete all of it" would remove (the audit looks stay)."""
        return bool(
            self.volunteer
            or self.reminders
            or self.placements
            or self.requests
            or self.open_offers
            or self.assigned_teams
        )
