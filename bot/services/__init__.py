"""Use cases: what Wellspring does, in the core's words; adapters call these."""

from dataclasses import dataclass

from bot.services.checkins import CheckinCards
from bot.services.debrief_cards import DebriefCards
from bot.services.debrief_stats import DebriefStatsService
from bot.services.debriefs import DebriefService
from bot.services.deliveries import DeliveryService
from bot.services.dispatch import Dispatcher
from bot.services.dispatch_table import Notice, Outcome, Where
from bot.services.help import HelpService
from bot.services.housekeeping import Housekeeping
from bot.services.personal_data import PersonalDataService
from bot.services.placement_cards import PlacementCards
from bot.services.placement_prompts import PlacementPrompts
from bot.services.placements import PlacementService
from bot.services.posting import PostingService
from bot.services.pulses import PulseService
from bot.services.roles import RoleBook
from bot.services.schedules import ScheduleService
from bot.services.summaries import SummaryService
from bot.services.volunteers import VolunteerService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call; built once by the bootstrap (bootstrap/services.py)."""

    help: HelpService
    deliveries: DeliveryService
    cards: CheckinCards
    schedules: ScheduleService
    posting: PostingService
    pulses: PulseService
    summaries: SummaryService
    debriefs: DebriefService
    volunteers: VolunteerService
    debrief_stats: DebriefStatsService
    dispatch: Dispatcher
    placements: PlacementService
    placement_prompts: PlacementPrompts
    personal_data: PersonalDataService
    roles: RoleBook
    housekeeping: Housekeeping


__all__ = [
    "CheckinCards",
    "DebriefCards",
    "DebriefService",
    "DebriefStatsService",
    "DeliveryService",
    "Dispatcher",
    "HelpService",
    "Housekeeping",
    "Notice",
    "Outcome",
    "PersonalDataService",
    "PlacementCards",
    "PlacementPrompts",
    "PlacementService",
    "PostingService",
    "PulseService",
    "ScheduleService",
    "Services",
    "SummaryService",
    "VolunteerService",
    "Where",
]
