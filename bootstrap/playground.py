"""The playground: its own settings, its platform and its pages with time steps."""

from datetime import timedelta
from functools import partial
from typing import TYPE_CHECKING

from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap.jobs import CATCH_UP_JOBS
from bot.config.settings import Settings
from bot.ports.clock import Clock
from bot.process.scheduling import Scheduler
from bot.services import Services
from bot.storage.wipe import wipe_all
from handlers.playground import agency as playground_agency
from handlers.playground.local import is_loopback
from prompts import Catalog

if TYPE_CHECKING:
    from handlers.playground.platform import PlaygroundPlatform


def playground_settings(settings: Settings) -> Settings:
    """The playground's own database and its simulated agency's supervisor and admin."""
    return settings.model_copy(
        update={
            "database_url": settings.playground_database_url,
            "host": settings.playground_host,
            "supervisor_user_ids": playground_agency.SUPERVISORS,
            "debrief_coordinator_user_ids": playground_agency.SUPERVISORS,
            "admin_user_ids": playground_agency.ADMINS,
        }
    )


def playground_routes(
    playground: "PlaygroundPlatform",
    settings: Settings,
    services: Services,
    catalog: Catalog,
    scheduler: Scheduler,
    engine: AsyncEngine,
) -> list[web.RouteDef]:
    """The pages, with time steps that match this install's settings."""

    async def run_due() -> None:
        for job in CATCH_UP_JOBS:
            await scheduler.run_now(job)

    steps = {
        "hour": timedelta(hours=1),
        "close": timedelta(seconds=settings.checkin_window_seconds + 60),
        "offer": timedelta(seconds=settings.debrief_offer_timeout_seconds + 60),
        "followup": timedelta(hours=settings.debrief_followup_hours + 1),
    }
    wipe = partial(wipe_all, engine)
    return playground.routes(services, catalog, steps, run_due, wipe, is_loopback(settings.host))


def playground_platform(clock: Clock) -> "PlaygroundPlatform":
    """The playground, imported only when it runs: its pages bring in jinja2."""
    from handlers.playground.platform import create_playground

    return create_playground(clock)
