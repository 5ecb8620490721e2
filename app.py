"""Wellspring's composition root: `python app.py` runs the bot."""

import asyncio
import errno
import logging
import signal
import sys
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from pydantic import ValidationError
from slack_bolt.async_app import AsyncApp
from slack_bolt.oauth.async_oauth_flow import AsyncOAuthFlow
from slack_sdk.oauth.installation_store.sqlalchemy import AsyncSQLAlchemyInstallationStore
from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import Delete, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from bot import log_format
from bot.admin_audit_lines import ship_admin_action
from bot.allow_list import AllowList
from bot.audit_log import AuditLines, send_audit_lines_to
from bot.clock import Clock, SystemClock
from bot.domain.noise import Privacy, Sampler
from bot.domain.retention import Limits
from bot.domain.roles import Role
from bot.http_server import (
    count_requests,
    create_operator_app,
    public_health_routes,
    start_listener,
)
from bot.lifecycle import InFlight
from bot.metrics import Metrics
from bot.noise_sampler import opendp_laplace
from bot.notice_facts import notice_facts
from bot.notice_pages import notice_routes
from bot.platforms import PlatformDirectory, PlatformGroups, PlatformMessenger
from bot.ports import ClickLedger, Directory, Groups, Messenger
from bot.scheduling import DEADLINE_JOB, Scheduler
from bot.secret_file import read_or_create_secret
from bot.services import (
    CheckinCards,
    DebriefCards,
    DebriefService,
    DebriefStatsService,
    DeliveryService,
    Dispatcher,
    HelpService,
    Housekeeping,
    PersonalDataService,
    PlacementCards,
    PlacementPrompts,
    PlacementService,
    PostingService,
    PulseService,
    ScheduleService,
    Services,
    SummaryService,
    VolunteerService,
)
from bot.services.admin import AdminService
from bot.services.admin_trail import AdminTrail, AdminTrailPages
from bot.services.assignments import AssignmentService
from bot.services.debriefs import NOTE_KEY_LABEL
from bot.services.form_context import FormSeals
from bot.services.holidays import HolidayService
from bot.services.membership import ChannelMembers
from bot.services.roles import RoleBook
from bot.services.schedule_rights import ScheduleRights
from bot.services.team_access import TeamAccess
from bot.settings import MIN_SECRET_LENGTH, Settings, SettingsProblem, SlackMode
from bot.storage.addresses import SqlAddressBook
from bot.storage.click_ledger import SqlClickLedger, click_engine
from bot.storage.engine import create_engine, create_session_factory
from bot.storage.erasure import SqlHistoryEraser
from bot.storage.installation_rows import SqlInstallationRows
from bot.storage.migrations import upgrade
from bot.storage.retention import RETENTION, Kept
from bot.storage.send_turns import SqlSendTurns
from bot.storage.unit_of_work import SqlUnitOfWork
from bot.storage.wipe import wipe_all
from bot.token_cipher import TokenCipher, derived_keys
from handlers import slack
from handlers.playground import agency as playground_agency
from handlers.playground.agency import PLATFORM as PLAYGROUND
from handlers.playground.local import is_loopback
from handlers.slack.bolt_app import create_bolt_app
from handlers.slack.clients import SlackClients
from handlers.slack.credentials import TokenRefused, check_tokens, count_unknown
from handlers.slack.directory import SlackDirectory, SlackGroups
from handlers.slack.http_route import create_events_route
from handlers.slack.installs import create_install_routes, create_oauth_flow
from handlers.slack.messenger import SlackMessenger
from handlers.slack.pacing import PostPacer
from handlers.slack.sealed_installations import SealedInstallationStore
from handlers.slack.socket_mode import create_socket_mode
from handlers.slack.web_client import InstrumentedWebClient, create_web_client
from prompts import Catalog, load_catalog

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

    from handlers.playground.platform import PlaygroundPlatform
    from handlers.teams.entra_groups import EntraGroups
    from handlers.teams.platform import TeamsPlatform

MIGRATIONS = Path(__file__).resolve().parent / "alembic"
SWEEP_JOB = "sweep-due-schedules"
SWEEP_INTERVAL = timedelta(seconds=60)
# Deadlines wake the sweep at their due time; this is only the safety net.
DEADLINE_INTERVAL = timedelta(seconds=30)
DIGEST_PLAN_JOB = "plan-weekly-digests"
PLACEMENT_JOB = "send-placement-prompts"
# Placement prompts go out within this of their local time (a student picks a time, not
# a minute), so one sweep covers every placement without a job each.
PLACEMENT_INTERVAL = timedelta(minutes=15)
# What runs at once at start (and after each of the playground's time steps): anything due.
CATCH_UP_JOBS = (SWEEP_JOB, DEADLINE_JOB, DIGEST_PLAN_JOB, PLACEMENT_JOB)
# A wipe that found the database busy (a backup reading it) is tried again this often.
WIPE_JOB = "retry-wipes"
WIPE_RETRY_INTERVAL = timedelta(seconds=30)
OAUTH_STATE_SECONDS = 600  # an install started and not finished within this is refused
OAUTH_STATE_MEMORY = timedelta(days=1)  # then the retention sweep deletes the state
EXIT_CONFIG = 2
logger = logging.getLogger("wellspring")


@dataclass
class Wellspring:
    """A running bot: its HTTP server, scheduler and connections."""

    settings: Settings
    engine: AsyncEngine
    scheduler: Scheduler
    inflight: InFlight
    http_session: aiohttp.ClientSession
    web_app: web.Application
    runner: web.AppRunner | None = None
    metrics_runner: web.AppRunner | None = None
    socket_mode: "AsyncSocketModeHandler | None" = None
    url: str = ""
    metrics_url: str = ""
    clicks: AsyncEngine | None = None  # the click ledger's own pool (click_engine)
    _closed: bool = field(default=False, repr=False)

    async def stop(self) -> None:
        """Stop taking work, let in-flight work finish (up to the grace period), close."""
        if self._closed:
            return
        self._closed = True
        if self.socket_mode is not None:
            await self.socket_mode.close_async()  # type: ignore[no-untyped-call]
        self.scheduler.pause()
        for runner in (self.runner, self.metrics_runner):
            if runner is not None:
                await runner.cleanup()
        await self.inflight.drain(self.settings.shutdown_grace_seconds)
        self.scheduler.shutdown()
        await self.http_session.close()
        await self.engine.dispose()
        if self.clicks is not None:
            await self.clicks.dispose()


async def start_wellspring(settings: Settings, clock: Clock | None = None) -> Wellspring:
    """Build everything from settings and start serving; the caller owns stop()."""
    if settings.playground_active:
        settings.check_playground()
        settings = _playground_settings(settings)
    else:
        settings.check_platforms()
    settings.check_pulse_secret()
    pulse_secrets = _pulse_secrets(settings)
    clock = clock or SystemClock()
    catalog = load_catalog(settings.prompts_language)
    metrics = Metrics()
    http_session = aiohttp.ClientSession()
    playground = _playground(clock) if settings.playground_active else None
    slack_client = (
        None
        if playground
        else await _checked_slack_client(settings, catalog, metrics, http_session)
    )
    if (directory := settings.sqlite_directory()) is not None:
        directory.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    if settings.auto_migrate:
        await upgrade(engine, MIGRATIONS, token_keys=settings.token_encryption_keys())
    clicks = click_engine(engine)
    eraser = SqlHistoryEraser(engine)
    await eraser.compact()  # when busy, the retry job finishes it
    inflight = InFlight()
    grace = timedelta(seconds=settings.checkin_misfire_grace_seconds)
    scheduler = Scheduler(inflight, misfire_grace=grace, wall_clock=SystemClock(), clock=clock)
    scheduler.report_lag_to(metrics.observe_lag)
    messengers: dict[str, Messenger] = {}
    directories: dict[str, Directory] = {}
    groups: dict[str, Groups] = {}
    clients, installs = None, None
    if slack_client is not None:
        clients, installs = await _workspace_clients(settings, catalog, slack_client, engine)
        turns = SqlSendTurns(engine, SystemClock())
        pacer = PostPacer(turns, settings.slack_posts_per_second)
        messengers["slack"] = SlackMessenger(clients, pacer)
        directories["slack"] = SlackDirectory(clients)
        groups["slack"] = SlackGroups(clients)
    teams = None
    if settings.teams_enabled and playground is None:
        teams = _teams(settings, catalog, metrics, engine)
    if teams is not None:
        messengers["teams"], directories["teams"] = teams.messenger, teams.directory
        if settings.entra_groups:
            groups["teams"] = _entra_groups(settings, teams, http_session, clock)
    if playground is not None:
        messengers[PLAYGROUND], directories[PLAYGROUND] = playground.messenger, playground.directory
        clock = playground.clock
    services = _create_services(
        settings,
        catalog,
        engine,
        clock,
        PlatformMessenger(messengers),
        PlatformDirectory(directories),
        PlatformGroups(
            groups, {"slack": settings.slack_usergroups, "teams": settings.entra_groups}
        ),
        scheduler,
        pulse_secrets,
        eraser,
        SqlClickLedger(clicks),
    )
    _plan_jobs(scheduler, services)
    scheduler.every(WIPE_JOB, WIPE_RETRY_INTERVAL, eraser.retry_pending)
    web_app = web.Application(middlewares=[count_requests(metrics)])
    web_app.add_routes(public_health_routes(engine, scheduler))
    web_app.add_routes(_notice_routes(settings, catalog))
    bolt = None
    if slack_client is not None and clients is not None:
        bolt = _serve_slack(settings, catalog, slack_client, clients, installs, web_app)
        slack.register(bolt, services, clients, inflight, metrics)
    if teams is not None:
        allowed_tenants = settings.teams_allowed_tenant_ids
        web_app.add_routes(await teams.serve(services, inflight, metrics, allowed_tenants))
    if playground is not None:
        routes = _playground_routes(playground, settings, services, catalog, scheduler, engine)
        web_app.add_routes(routes)
    ws = Wellspring(settings, engine, scheduler, inflight, http_session, web_app, clicks=clicks)
    try:
        for schedule in await services.schedules.active():
            scheduler.schedule_saved(schedule)
        scheduler.start()
        # Catch up at once on runs, closings, digests and prompts missed while down.
        for job in CATCH_UP_JOBS:
            scheduler.wake_now(job)
        drain = settings.shutdown_grace_seconds
        ports = settings.playground_ports if playground else [settings.port]
        ws.runner, ws.url = await _listen(web_app, settings.host, ports, drain, "PORT")
        if playground is None:  # the playground has no operator to scrape it
            ws.metrics_runner, ws.metrics_url = await _listen(
                create_operator_app(metrics, engine, scheduler),
                settings.metrics_host,
                [settings.metrics_port],
                drain,
                "METRICS_PORT",
            )
        app_token = settings.slack_app_token
        if bolt is not None and settings.slack_mode is SlackMode.SOCKET and app_token:
            ws.socket_mode = await create_socket_mode(bolt, app_token.get_secret_value())
    except BaseException:
        await ws.stop()
        raise
    port = ws.url.rsplit(":", 1)[1]
    logger.info("Wellspring is up on port %s (%s)", port, ", ".join(sorted(messengers)))
    return ws


async def _listen(
    app: web.Application, host: str, ports: Sequence[int], drain: float, setting: str
) -> tuple[web.AppRunner, str]:
    """Listen on the first of `ports` that is free; a port that can't be had is a setting
    problem naming `setting`, not a traceback."""
    *spare, last = ports
    for port in spare:
        try:
            return await start_listener(app, host, port, drain)
        except OSError as error:
            if error.errno != errno.EADDRINUSE:
                raise _port_problem(setting, port, error) from None
    try:
        return await start_listener(app, host, last, drain)
    except OSError as error:
        raise _port_problem(setting, last, error) from None


def _port_problem(setting: str, port: int, error: OSError) -> SettingsProblem:
    reason = "port_taken" if error.errno == errno.EADDRINUSE else "port_unavailable"
    return SettingsProblem(setting, reason, port=str(port), detail=error.strerror or "")


async def _checked_slack_client(
    settings: Settings, catalog: Catalog, metrics: Metrics, http_session: aiohttp.ClientSession
) -> InstrumentedWebClient | None:
    """The Slack Web API client, once Slack has accepted the tokens; None without Slack."""
    if not settings.slack_enabled:
        return None
    token = settings.slack_bot_token.get_secret_value() if settings.slack_bot_token else ""
    client = create_web_client(token, settings.slack_api_url, metrics, http_session)
    app_token = settings.slack_app_token.get_secret_value() if settings.slack_app_token else None
    try:
        await check_tokens(client, app_token)
    except TokenRefused as refused:
        await http_session.close()
        raise SettingsProblem(refused.setting, "token_refused", error=refused.error) from None
    await _report_unknown_people(settings, catalog, client)
    return client


async def _report_unknown_people(
    settings: Settings, catalog: Catalog, client: InstrumentedWebClient
) -> None:
    """One clear line per setting that names someone Slack doesn't know (one workspace)."""
    if not client.token:
        return
    named = {
        "SUPERVISOR_USER_IDS": settings.supervisor_user_ids,
        "DEBRIEF_COORDINATOR_USER_IDS": settings.debrief_coordinator_user_ids,
        "PEER_USER_IDS": settings.peer_user_ids,
        "ADMIN_USER_IDS": settings.admin_user_ids,
    }
    for setting, ids in named.items():
        # Entra object ids (with hyphens) name Teams people: Slack can't check those.
        listed = sorted(i for i in ids if "-" not in i)
        if unknown := await count_unknown(client, listed):
            line = catalog.text(
                "operator.unknown_ids", setting=setting, count=str(unknown), total=str(len(listed))
            )
            logger.warning("%s", line)


def _serve_slack(
    settings: Settings,
    catalog: Catalog,
    client: InstrumentedWebClient,
    clients: SlackClients,
    installs: AsyncOAuthFlow | None,
    web_app: web.Application,
) -> AsyncApp:
    """The Bolt app, with /slack/events in HTTP mode and the install pages with OAuth."""
    secret = settings.slack_signing_secret
    http_mode = settings.slack_mode is SlackMode.HTTP
    bolt = create_bolt_app(
        client,
        secret.get_secret_value() if secret and http_mode else None,
        installs,
        catalog.text("errors.not_installed"),
        settings.slack_allowed_team_ids,
        catalog.text("errors.workspace_not_allowed"),
    )
    if http_mode and secret is not None:
        web_app.add_routes([create_events_route(bolt, secret.get_secret_value())])
    if installs is not None:
        web_app.add_routes(create_install_routes(installs))
    return bolt


def _notice_routes(settings: Settings, catalog: Catalog) -> list[web.RouteDef]:
    """/privacy and /terms; in production, one warning when the agency's details are missing."""
    facts = notice_facts(settings)
    if facts.unfilled and settings.environment == "production":
        missing = ", ".join(facts.unfilled)
        logger.warning("%s", catalog.text("notice.operator_unfilled", settings=missing))
    return notice_routes(catalog, facts)


def _playground_settings(settings: Settings) -> Settings:
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


def _playground_banner(settings: Settings, ws: Wellspring) -> str:
    """Where the playground is, and plainly whether other computers can reach it."""
    catalog = load_catalog(settings.prompts_language)
    bound = str(ws.runner.addresses[0][0]) if ws.runner else ""
    if is_loopback(bound):
        return catalog.text("playground.started", url=ws.url + "/")
    host = settings.playground_host
    return catalog.text("playground.started_on_network", url=ws.url + "/", host=host)


def _playground_routes(
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


def _playground(clock: Clock) -> "PlaygroundPlatform":
    """The playground, imported only when it runs: its pages bring in jinja2."""
    from handlers.playground.platform import create_playground

    return create_playground(clock)


def _teams(
    settings: Settings, catalog: Catalog, metrics: Metrics, engine: AsyncEngine
) -> "TeamsPlatform":
    """Teams, imported only when configured: the SDK is large and warns on import."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from handlers.teams.platform import create_teams_platform
    secret = settings.teams_client_secret
    return create_teams_platform(
        settings.teams_client_id or "",
        secret.get_secret_value() if secret else None,
        settings.teams_tenant_id,
        settings.teams_allow_unauthenticated,
        metrics,
        SqlAddressBook(create_session_factory(engine)),
        catalog,
        SqlSendTurns(engine, SystemClock()),
        settings.teams_calls_per_second,
        targeted_messages=settings.teams_targeted_messages,
    )


def _entra_groups(
    settings: Settings,
    teams: "TeamsPlatform",
    session: aiohttp.ClientSession,
    clock: Clock,
) -> "EntraGroups":
    """Roles from Entra groups, read from Microsoft Graph with the bot's own credentials
    (the local testing mode sends its locally made token instead)."""
    from handlers.teams.entra_groups import EntraGroups
    from handlers.teams.entra_tokens import ClientCredentialTokens, GraphTokens, LocalTokens

    secret = settings.teams_client_secret
    tokens: GraphTokens
    if settings.teams_allow_unauthenticated or secret is None:
        tokens = LocalTokens(teams.app.token_provider)
    else:
        client_id, login = settings.teams_client_id or "", settings.entra_login_url
        tokens = ClientCredentialTokens(session, login, client_id, secret.get_secret_value(), clock)
    return EntraGroups(session, settings.graph_url, tokens, clock, settings.teams_tenant_id)


def _pulse_secrets(settings: Settings) -> tuple[bytes, ...]:
    """PULSE_SECRET (newest first); or, with SQLite and none given, the generated file's."""
    if settings.pulse_secret:
        return tuple(secret.get_secret_value().encode() for secret in settings.pulse_secret)
    path = settings.pulse_secret_file
    try:
        secret = read_or_create_secret(path)
    except OSError as error:
        detail = error.strerror or type(error).__name__
        raise SettingsProblem("PULSE_SECRET_FILE", "pulse_secret_file", detail=detail) from None
    if len(secret) < MIN_SECRET_LENGTH:
        detail = f"shorter than {MIN_SECRET_LENGTH} characters"
        raise SettingsProblem("PULSE_SECRET_FILE", "pulse_secret_file", detail=detail)
    return (secret.encode(),)


async def _workspace_clients(
    settings: Settings, catalog: Catalog, client: InstrumentedWebClient, engine: AsyncEngine
) -> tuple[SlackClients, AsyncOAuthFlow | None]:
    """The one bot token; or, for several workspaces, slack_sdk's stores on our database.

    Their tokens are sealed with TOKEN_ENCRYPTION_KEY; at each start, any sealed with an
    older key are sealed again with the first (the rotation step).
    """
    if not (settings.slack_client_id and settings.slack_client_secret):
        return SlackClients(client), None
    cipher = TokenCipher(settings.token_encryption_keys())
    store = AsyncSQLAlchemyInstallationStore(settings.slack_client_id, engine)
    rows = SqlInstallationRows(engine, (store.bots, store.installations))
    await rows.reseal(cipher)
    installations = SealedInstallationStore(store, cipher, rows.forget_superseded)
    states = AsyncSQLAlchemyOAuthStateStore(OAUTH_STATE_SECONDS, engine)
    flow = create_oauth_flow(
        client,
        settings.slack_client_id,
        settings.slack_client_secret.get_secret_value(),
        installations,
        states,
        settings.slack_allowed_team_ids,
        catalog.text("errors.install_not_allowed"),
    )
    return SlackClients(client, installations), flow


def retention_rules() -> dict[str, Kept]:
    """Every table's retention: the core's, and slack_sdk's tables (made whatever the platform,
    by the migrations). An abandoned install's OAuth state goes a day after it expired."""
    states = AsyncSQLAlchemyOAuthStateStore.build_oauth_states_table(
        MetaData(), AsyncSQLAlchemyOAuthStateStore.default_table_name
    )

    def expired_states(limits: Limits) -> Delete:
        cutoff = (limits.now - OAUTH_STATE_MEMORY).astimezone(UTC).replace(tzinfo=None)
        return states.delete().where(states.c.expire_at < cutoff)  # slack_sdk writes naive UTC

    installed = "one row per workspace, older ones deleted at each install; all at uninstall"
    return {
        **RETENTION,
        "slack_installations": Kept(installed),
        "slack_bots": Kept(installed),
        states.name: Kept("a day after it expired (abandoned installs)", expired_states),
    }


def _create_services(
    settings: Settings,
    catalog: Catalog,
    engine: AsyncEngine,
    clock: Clock,
    messenger: Messenger,
    directory: Directory,
    groups: Groups,
    scheduler: Scheduler,
    pulse_secrets: tuple[bytes, ...],
    eraser: SqlHistoryEraser,
    ledger: ClickLedger,
) -> Services:
    sessions = create_session_factory(engine)

    ship_look = AuditLines().ship if settings.audit_log_lines else None
    ship_action = ship_admin_action if settings.audit_log_lines else None

    rules = retention_rules()

    def uow() -> SqlUnitOfWork:
        return SqlUnitOfWork(sessions, ship_look, rules, ship_action)

    window = timedelta(seconds=settings.checkin_window_seconds)
    grace = timedelta(seconds=settings.checkin_misfire_grace_seconds)
    minimum = settings.pulse_min_responses
    roles = RoleBook(
        {
            Role.SUPERVISOR: settings.supervisor_user_ids,
            Role.COORDINATOR: settings.debrief_coordinator_user_ids,
            Role.PEER: settings.peer_user_ids,
            Role.ADMIN: settings.admin_user_ids,
        },
        {  # each platform is asked only about its own (PlatformGroups)
            Role.SUPERVISOR: settings.supervisor_usergroup | settings.supervisor_group_id,
            Role.COORDINATOR: settings.coordinator_usergroup | settings.coordinator_group_id,
            Role.PEER: settings.peer_usergroup | settings.peer_group_id,
            Role.ADMIN: settings.admin_usergroup | settings.admin_group_id,
        },
        groups,
        clock,
    )
    offer_timeout = timedelta(seconds=settings.debrief_offer_timeout_seconds)
    retention = timedelta(days=settings.debrief_retention_days)
    cards = CheckinCards(catalog, window, minimum)
    # The agency's own texts; the services put the fixed crisis line before them.
    support, crisis = settings.support_resources_text, settings.crisis_resources_text
    help_service = HelpService(catalog, crisis)
    schedules = ScheduleService(uow, clock, catalog, scheduler)
    lease = timedelta(seconds=settings.schedule_claim_lease_seconds)
    allowed = AllowList(
        {"slack": settings.slack_allowed_team_ids, "teams": settings.teams_allowed_tenant_ids}
    )
    posting = PostingService(
        uow, clock, catalog, cards, messenger, scheduler, grace, lease, allowed
    )
    members = ChannelMembers(directory, clock)
    pulses = PulseService(
        uow,
        ledger,
        clock,
        catalog,
        messenger,
        members,
        eraser,
        pulse_secrets,
        support,
        timedelta(days=settings.pulse_retention_days),
        crisis,
        allowed,
        minimum,
    )
    access = TeamAccess(uow, directory, messenger, settings.supervisor_assignments)
    summaries = SummaryService(
        uow,
        clock,
        catalog,
        directory,
        messenger,
        roles,
        access,
        minimum,
        window,
        allowed,
        _noise(settings.pulse_privacy),
    )
    debriefs = DebriefService(
        uow,
        clock,
        DebriefCards(catalog, offer_timeout, support, crisis, retention),
        messenger,
        directory,
        scheduler,
        roles,
        offer_timeout,
        timedelta(hours=settings.debrief_followup_hours),
        TokenCipher(derived_keys(pulse_secrets, NOTE_KEY_LABEL)),
        eraser,
        allowed,
    )
    volunteers = VolunteerService(
        uow, clock, catalog, roles, debriefs.cards.safety, messenger, settings.peer_approval
    )
    stats = DebriefStatsService(uow, clock, catalog, roles, minimum, retention, eraser)
    student_support = settings.student_support_text or catalog.text("placements.support_default")
    placement_cards = PlacementCards(catalog, student_support)
    placements = PlacementService(uow, clock, placement_cards, messenger, eraser)
    placement_prompts = PlacementPrompts(
        uow, clock, placement_cards, messenger, eraser, roles, minimum, allowed
    )
    personal_data = PersonalDataService(
        uow,
        clock,
        catalog,
        messenger,
        scheduler,
        eraser,
        (schedules, volunteers, placement_cards),
        debriefs,
        roles,
        members,
    )
    trail = AdminTrail(clock)
    trail_pages = AdminTrailPages(uow, clock, catalog, roles, messenger)
    return Services(
        help=help_service,
        deliveries=DeliveryService(uow, clock),
        cards=cards,
        schedules=schedules,
        posting=posting,
        pulses=pulses,
        summaries=summaries,
        debriefs=debriefs,
        volunteers=volunteers,
        debrief_stats=stats,
        placements=placements,
        placement_prompts=placement_prompts,
        personal_data=personal_data,
        roles=roles,
        housekeeping=Housekeeping(
            uow,
            clock,
            timedelta(days=settings.pulse_retention_days),
            timedelta(days=settings.audit_retention_days),
            eraser,
        ),
        dispatch=Dispatcher(
            help_service,
            cards,
            schedules,
            posting,
            pulses,
            summaries,
            debriefs,
            volunteers,
            stats,
            directory,
            placements,
            placement_prompts,
            personal_data,
            ScheduleRights(roles, directory),
            HolidayService(uow, catalog, roles, trail),
            AdminService(
                uow, catalog, roles, directory, messenger, schedules, access, trail, trail_pages
            ),
            AssignmentService(uow, catalog, roles, messenger, access, trail),
            trail_pages,
            # Keyed from the server's secret under a label of its own (see form_context).
            FormSeals(pulse_secrets, clock),
        ),
    )


def _plan_jobs(scheduler: Scheduler, services: Services) -> None:
    """Punctual wake-ups per schedule and deadline, sweeps for anything missed, housekeeping."""
    scheduler.run_schedules_with(services.posting.run_due)
    scheduler.every(SWEEP_JOB, SWEEP_INTERVAL, services.posting.run_all_due)
    scheduler.deadlines(DEADLINE_INTERVAL, partial(_sweep_deadlines, services))
    scheduler.every(
        DIGEST_PLAN_JOB, timedelta(days=1), partial(services.summaries.plan_digests, scheduler)
    )
    scheduler.every(PLACEMENT_JOB, PLACEMENT_INTERVAL, services.placement_prompts.send_due)
    scheduler.every(
        "forget-ended-placements", timedelta(days=1), services.placement_prompts.forget_ended
    )
    scheduler.every("forget-old-pulses", timedelta(days=1), services.pulses.forget_old_pulses)
    scheduler.every("retention-sweep", timedelta(days=1), services.housekeeping.sweep)
    scheduler.every("forget-old-debriefs", timedelta(hours=1), services.debrief_stats.forget_old)
    scheduler.every(
        "forget-old-deliveries", timedelta(hours=1), services.deliveries.forget_old_deliveries
    )


async def _sweep_deadlines(services: Services) -> datetime | None:
    """Close check-ins and move debriefs along; when the next of either falls due."""
    upcoming = [await services.pulses.close_due(), await services.debriefs.run_due()]
    return min((when for when in upcoming if when is not None), default=None)


async def serve(settings: Settings) -> None:
    """Run until SIGTERM or SIGINT, then drain and stop."""
    stopping = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stopping.set)
    ws = await start_wellspring(settings)
    if settings.playground_active:
        sys.stdout.write(_playground_banner(settings, ws) + "\n")
        sys.stdout.flush()
    try:
        await stopping.wait()
        logger.info("stopping: finishing in-flight work")
    finally:
        await ws.stop()
    logger.info("stopped")


def main() -> int:
    log_format.configure()
    try:
        settings = Settings()
        if settings.playground_active:
            settings.check_playground()
        else:
            settings.check_platforms()
            settings.check_pulse_secret()
    except ValidationError as error:
        first = error.errors()[0]
        name = str(first["loc"][0]).upper() if first["loc"] else "settings"
        return _refuse(SettingsProblem(name, "invalid", detail=first["msg"]))
    except SettingsProblem as problem:
        return _refuse(problem)
    log_format.configure(settings.log_format)
    logging.getLogger().setLevel(settings.log_level)
    if settings.audit_log_lines:
        send_audit_lines_to(sys.stderr)
    try:
        asyncio.run(serve(settings))
    except SettingsProblem as problem:  # a token Slack refused, a port already taken
        return _refuse(problem)
    return 0


def _refuse(problem: SettingsProblem) -> int:
    catalog = load_catalog()  # only now: a start that goes well reads the wording once
    reason = catalog.text(f"operator.reasons.{problem.reason}", **problem.details)
    line = catalog.text("operator.setting_problem", setting=problem.setting, reason=reason)
    sys.stderr.write(line + "\n")
    return EXIT_CONFIG


def _noise(privacy: Privacy) -> Sampler | None:
    """PULSE_PRIVACY=dp: OpenDP's noise on the released numbers."""
    if privacy is not Privacy.DP:
        return None
    return opendp_laplace


if __name__ == "__main__":
    sys.exit(main())
