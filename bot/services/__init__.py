"""Use cases: what Wellspring does, in the core's words; adapters call these."""

from dataclasses import dataclass

from bot.services.deliveries import DeliveryService
from bot.services.help import HelpService


@dataclass(frozen=True)
class Services:
    """Everything an adapter may call; built once in app.py."""

    help: HelpService
    deliveries: DeliveryService


__all__ = ["DeliveryService", "HelpService", "Services"]
