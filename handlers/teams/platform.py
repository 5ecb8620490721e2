"""Everything Teams needs in one process, built from plain values (bootstrap reads settings)."""

from dataclasses import dataclass

from aiohttp import web
from microsoft_teams.apps import App

from bot.ports.platform import AddressBook
from bot.ports.timing import SendTurns
from bot.process.lifecycle import InFlight
from bot.process.metrics import Metrics
from bot.services import Services
from handlers.teams.addresses import TeamsAddresses
from handlers.teams.click_notes import ClickNotes
from handlers.teams.directory import TeamsDirectory
from handlers.teams.http_adapter import AiohttpTeamsAdapter
from handlers.teams.messenger import PairWords, TeamsMessenger
from handlers.teams.pacing import ConnectorPacer
from handlers.teams.people import TeamsPeople
from handlers.teams.register import register
from handlers.teams.setup import create_teams_app
from prompts import Catalog


@dataclass(frozen=True)
class TeamsPlatform:
    app: App
    adapter: AiohttpTeamsAdapter
    addresses: TeamsAddresses
    messenger: TeamsMessenger
    directory: TeamsDirectory
    people: TeamsPeople
    notes: ClickNotes
    targeted_messages: bool = False
    local: bool = False  # TEAMS_ALLOW_UNAUTHENTICATED: serviceUrls on this computer are allowed

    async def serve(
        self,
        services: Services,
        inflight: InFlight,
        metrics: Metrics,
        allowed_tenants: frozenset[str] = frozenset(),
    ) -> list[web.RouteDef]:
        """Initialise the SDK (not start it), attach the listeners; `/api/messages` to mount.

        With `allowed_tenants`, activities from any other tenant are refused (403)."""
        await self.app.initialize()
        register(
            self.app,
            services,
            self.addresses,
            self.directory,
            self.people,
            inflight,
            metrics,
            self.notes,
            allowed_tenants,
            self.targeted_messages,
            allow_loopback=self.local,
        )
        return self.adapter.routes()


def create_teams_platform(
    client_id: str,
    client_secret: str | None,
    tenant_id: str | None,
    allow_unauthenticated: bool,
    metrics: Metrics,
    book: AddressBook,
    catalog: Catalog,
    turns: SendTurns,
    calls_per_second: float,
    targeted_messages: bool = False,
) -> TeamsPlatform:
    """The Teams SDK's App on our server, and the Messenger and Directory over it.

    Calls to the Bot Connector keep to `calls_per_second` per tenant, with every replica
    taking its turns from `turns`. `targeted_messages`: private answers in shared
    conversations as targeted messages (a Microsoft preview) rather than in the person's 1:1
    chat with the bot."""
    adapter = AiohttpTeamsAdapter()
    pacer = ConnectorPacer(turns, calls_per_second, tenant_id or "")
    app = create_teams_app(
        client_id, client_secret, tenant_id, allow_unauthenticated, adapter, metrics, pacer
    )
    addresses = TeamsAddresses(book)
    people = TeamsPeople(app, addresses, catalog.text("debriefs.teams.someone"))
    messenger = TeamsMessenger(app, addresses, people, PairWords.from_catalog(catalog))
    directory = TeamsDirectory(app, addresses)
    notes = ClickNotes(catalog)
    return TeamsPlatform(
        app,
        adapter,
        addresses,
        messenger,
        directory,
        people,
        notes,
        targeted_messages,
        local=allow_unauthenticated,
    )
