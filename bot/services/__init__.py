"""Use cases: what Wellspring does, in the core's words; adapters call these."""

from dataclasses import dataclass

from bot.services.checkins import CheckinCards
from bot.services.deliveries import DeliveryService
from bot.services.help import HelpService
from bot.services.posting import PostingService
from bot.services.schedules import ScheduleService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call; built once in app.py."""

    help: HelpService
    deliveries: DeliveryService
    cards: CheckinCards
    schedules: ScheduleService
    posting: PostingService


__all__ = [
    "CheckinCards",
    "DeliveryService",
    "HelpService",
    "PostingService",
    "ScheduleService",
    "Services",
]
