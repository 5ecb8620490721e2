"""The core's services, built on one engine, clock and set of platforms."""

from datetime import UTC, timedelta

from slack_sdk.oauth.state_store.sqlalchemy import AsyncSQLAlchemyOAuthStateStore
from sqlalchemy import Delete, MetaData
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.audit.admin_lines import ship_admin_action
from bot.audit.look_lines import AuditLines
from bot.config.allow_list import AllowList
from bot.config.settings import Settings
from bot.domain.noise import Privacy, Sampler
from bot.domain.retention import Limits
from bot.domain.roles import Role
from bot.keys.token_cipher import TokenCipher, derived_keys
from bot.ports.clock import Clock
from bot.ports.platform import Directory, Groups, Messenger
from bot.ports.pulse_records import ClickLedger
from bot.privacy.noise_sampler import opendp_laplace
from bot.process.scheduling import Scheduler
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
from bot.services.debrief_notes import NOTE_KEY_LABEL
from bot.services.dispatch_table import Feature
from bot.services.form_context import FormSeals
from bot.services.holidays import HolidayService
from bot.services.membership import ChannelMembers
from bot.services.roles import RoleBook
from bot.services.routes.admin import AdminRoutes
from bot.services.routes.assignments import AssignmentRoutes
from bot.services.routes.checkins import CheckinRoutes
from bot.services.routes.debriefs import DebriefRoutes
from bot.services.routes.holidays import HolidayRoutes
from bot.services.routes.personal_data import PersonalDataRoutes
from bot.services.routes.placements import PlacementRoutes
from bot.services.routes.pulses import PulseRoutes
from bot.services.routes.volunteers import VolunteerRoutes
from bot.services.schedule_rights import ScheduleRights
from bot.services.team_access import TeamAccess
from bot.storage.engine import create_session_factory
from bot.storage.erasure import SqlHistoryEraser
from bot.storage.retention import RETENTION, Kept
from bot.storage.unit_of_work import SqlUnitOfWork
from prompts import Catalog

OAUTH_STATE_MEMORY = timedelta(days=1)  # an install's OAuth state is deleted this after it expired


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


def create_services(
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
    """Every service, each unit of work on `engine`; the Dispatcher routes to them."""
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
    rights = ScheduleRights(roles, directory)
    admin = AdminService(
        uow, catalog, roles, directory, messenger, schedules, access, trail, trail_pages
    )
    # What each feature answers, one line each; App Home cards in this order.
    features: list[Feature] = [
        CheckinRoutes(cards, schedules, posting, rights, trail_pages, directory),
        PulseRoutes(pulses, summaries, placement_prompts, trail_pages),
        DebriefRoutes(debriefs, stats),
        VolunteerRoutes(volunteers, directory),
        PlacementRoutes(placements, help_service, directory),
        PersonalDataRoutes(personal_data, help_service),
        HolidayRoutes(HolidayService(uow, catalog, roles, trail)),
        AdminRoutes(admin),
        AssignmentRoutes(AssignmentService(uow, catalog, roles, messenger, access, trail)),
    ]
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
        # Keyed from the server's secret under a label of its own (see form_context).
        dispatch=Dispatcher(help_service, FormSeals(pulse_secrets, clock), features),
    )


def _noise(privacy: Privacy) -> Sampler | None:
    """PULSE_PRIVACY=dp: OpenDP's noise on the released numbers."""
    if privacy is not Privacy.DP:
        return None
    return opendp_laplace
