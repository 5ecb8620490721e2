"""Everything the playground needs: its clock, its simulated chat, and the core's ports over it."""

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import web

from bot.ports.clock import Clock
from bot.services import Services
from handlers.playground.clock import MovableClock
from handlers.playground.messenger import PlaygroundDirectory, PlaygroundMessenger
from handlers.playground.pages import Playground
from handlers.playground.world import World
from prompts import Catalog


@dataclass(frozen=True)
class PlaygroundPlatform:
    clock: MovableClock = field(default_factory=MovableClock)
    world: World = field(default_factory=World)

    @property
    def messenger(self) -> PlaygroundMessenger:
        return PlaygroundMessenger(self.world)

    @property
    def directory(self) -> PlaygroundDirectory:
        return PlaygroundDirectory()

    def routes(
        self,
        services: Services,
        catalog: Catalog,
        steps: dict[str, timedelta],
        run_due: Callable[[], Awaitable[None]],
        wipe: Callable[[], Awaitable[None]],
        local_only: bool,
    ) -> list[web.RouteDef]:
        """The pages; `local_only` while the playground listens on this computer only."""
        pages = Playground(
            services, catalog, self.world, self.clock, steps, run_due, wipe, local_only
        )
        return pages.routes()


def create_playground(clock: Clock | None) -> PlaygroundPlatform:
    """A test may hand in its own MovableClock; otherwise the playground makes one."""
    return PlaygroundPlatform(clock) if isinstance(clock, MovableClock) else PlaygroundPlatform()
