"""Start Wellspring: build what the settings ask for, listen, and hand back the running bot."""

import errno
import logging
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import TYPE_CHECKING

import aiohttp
from aiohttp import web
from sqlalchemy.ext.asyncio import AsyncEngine

from bootstrap.jobs import CATCH_UP_JOBS, WIPE_JOB, WIPE_RETRY_INTERVAL, plan_jobs
from bootstrap.playground import playground_platform, playground_routes, playground_settings
from bootstrap.services import create_services
from bootstrap.slack import checked_slack_client, serve_slack, workspace_clients
from bootstrap.teams import entra_groups, teams_platform
from bot.config.settings import MIN_SECRET_LENGTH, Settings, SettingsProblem, SlackMode
from bot.keys.pulse_secret_file import read_or_create_secret
from bot.ports.clock import Clock, SystemClock
from bot.ports.platform import Directory, Groups, Messenger
from bot.privacy.notice_facts import notice_facts
from bot.privacy.notice_pages import notice_routes
from bot.process.http_server import (
    count_requests,
    create_operator_app,
    public_health_routes,
    start_listener,
)
from bot.process.lifecycle import InFlight
from bot.process.metrics import Metrics
from bot.process.platforms import PlatformDirectory, PlatformGroups, PlatformMessenger
from bot.process.scheduling import Scheduler
from bot.storage.click_ledger import SqlClickLedger, click_engine
from bot.storage.engine import create_engine
from bot.storage.erasure import SqlHistoryEraser
from bot.storage.migrations import upgrade
from bot.storage.send_turns import SqlSendTurns
from bot.storage.server_logs import settings_logging_parameters
from handlers import slack
from handlers.playground.agency import PLATFORM as PLAYGROUND
from handlers.slack.directory import SlackDirectory, SlackGroups
from handlers.slack.messenger import SlackMessenger
from handlers.slack.pacing import PostPacer
from handlers.slack.socket_mode import create_socket_mode
from prompts import Catalog, load_catalog

if TYPE_CHECKING:
    from slack_bolt.adapter.socket_mode.async_handler import AsyncSocketModeHandler

MIGRATIONS = Path(__file__).resolve().parents[1] / "alembic"
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
        settings = playground_settings(settings)
    else:
        settings.check_platforms()
    settings.check_pulse_secret()
    pulse_secrets = _pulse_secrets(settings)
    clock = clock or SystemClock()
    catalog = load_catalog(settings.prompts_language)
    metrics = Metrics()
    http_session = aiohttp.ClientSession()
    playground = playground_platform(clock) if settings.playground_active else None
    slack_client = (
        None if playground else await checked_slack_client(settings, catalog, metrics, http_session)
    )
    if (directory := settings.sqlite_directory()) is not None:
        directory.mkdir(parents=True, exist_ok=True)
    engine = create_engine(settings.database_url)
    if logged := await settings_logging_parameters(engine):
        await engine.dispose()
        await http_session.close()
        raise SettingsProblem("DATABASE_URL", "server_logs_parameters", settings=", ".join(logged))
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
        clients, installs = await workspace_clients(settings, catalog, slack_client, engine)
        turns = SqlSendTurns(engine, SystemClock())
        pacer = PostPacer(turns, settings.slack_posts_per_second)
        messengers["slack"] = SlackMessenger(clients, pacer)
        directories["slack"] = SlackDirectory(clients)
        groups["slack"] = SlackGroups(clients)
    teams = None
    if settings.teams_enabled and playground is None:
        teams = teams_platform(settings, catalog, metrics, engine)
    if teams is not None:
        messengers["teams"], directories["teams"] = teams.messenger, teams.directory
        if settings.entra_groups:
            groups["teams"] = entra_groups(settings, teams, http_session, clock)
    if playground is not None:
        messengers[PLAYGROUND], directories[PLAYGROUND] = playground.messenger, playground.directory
        clock = playground.clock
    services = create_services(
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
    plan_jobs(scheduler, services)
    scheduler.every(WIPE_JOB, WIPE_RETRY_INTERVAL, eraser.retry_pending)
    web_app = web.Application(middlewares=[count_requests(metrics)])
    web_app.add_routes(public_health_routes(engine, scheduler))
    web_app.add_routes(_notice_routes(settings, catalog))
    bolt = None
    if slack_client is not None and clients is not None:
        bolt = serve_slack(settings, catalog, slack_client, clients, installs, web_app)
        slack.register(bolt, services, clients, inflight, metrics)
    if teams is not None:
        allowed_tenants = settings.teams_allowed_tenant_ids
        web_app.add_routes(await teams.serve(services, inflight, metrics, allowed_tenants))
    if playground is not None:
        routes = playground_routes(playground, settings, services, catalog, scheduler, engine)
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


def _notice_routes(settings: Settings, catalog: Catalog) -> list[web.RouteDef]:
    """/privacy and /terms; in production, one warning when the agency's details are missing."""
    facts = notice_facts(settings)
    if facts.unfilled and settings.environment == "production":
        missing = ", ".join(facts.unfilled)
        logger.warning("%s", catalog.text("notice.operator_unfilled", settings=missing))
    return notice_routes(catalog, facts)


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
