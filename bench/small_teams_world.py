"""The small-teams bench's agency: the real services on one database, the platform faked at
its ports (a directory that knows who is in each channel, a messenger that keeps nothing)."""

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from bot.domain.checkins import PulseLevel
from bot.domain.noise import Sampler
from bot.domain.reports import State, ViewKind
from bot.domain.roles import Role
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, ButtonRow, Card, Sent
from bot.services.checkins import CheckinCards
from bot.services.membership import ChannelMembers
from bot.services.posting import PostingService
from bot.services.pulses import PulseService
from bot.services.roles import RoleBook
from bot.services.summaries import SummaryService
from bot.services.team_access import TeamAccess
from bot.storage.click_ledger import SqlClickLedger
from bot.storage.engine import create_session_factory
from bot.storage.erasure import SqlHistoryEraser
from bot.storage.unit_of_work import SqlUnitOfWork
from prompts import load_catalog

SUPERVISOR = "U0BENCHSUPER"
SECRET = b"bench-small-teams-pulse-secret-0123456789"
WINDOW = timedelta(hours=8)


class BenchClock:
    def __init__(self, start: datetime) -> None:
        self._now = start

    def now(self) -> datetime:
        return self._now

    def set(self, moment: datetime) -> None:
        self._now = moment


@dataclass
class BenchDirectory:
    """Who is in each channel (the supervisor is in all of them)."""

    people: dict[str, frozenset[str]] = field(default_factory=dict)

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        return self.people.get(conversation, frozenset()) | {SUPERVISOR}

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        return "UTC"

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        return f"#{conversation}"


class Quiet:
    """A messenger that keeps only each channel's latest check-in id (from its buttons)."""

    def __init__(self) -> None:
        self._ids = 0
        self.checkins: dict[str, str] = {}

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        self._ids += 1
        for part in card.parts:
            if isinstance(part, ButtonRow) and "|" in part.buttons[0].value:
                self.checkins[conversation] = part.buttons[0].value.split("|")[0]
        return f"m{self._ids}"

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        return None

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        return None

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        self._ids += 1
        return Sent(f"D{person}", f"m{self._ids}")

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        return None

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        return f"<@{person}>"

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        return f"<#{conversation}>"


class NoWakeups:
    """The bench moves the clock and runs the sweeps itself."""

    def due_at(self, when: datetime) -> None:
        return None


class NoGroups:
    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        return frozenset()


class Agency:
    """Posting, clicking and closing through the real services."""

    def __init__(
        self,
        engine: AsyncEngine,
        clock: BenchClock,
        workspace: WorkspaceRef,
        minimum: int,
        noise: Sampler | None = None,
    ) -> None:
        sessions = create_session_factory(engine)

        def uow() -> SqlUnitOfWork:
            return SqlUnitOfWork(sessions)

        catalog = load_catalog()
        self.window = WINDOW
        self.workspace = workspace
        self.directory = BenchDirectory()
        directory, messenger = self.directory, Quiet()
        self._messenger = messenger
        cards = CheckinCards(catalog, WINDOW, minimum)
        self._posting = PostingService(
            uow, clock, catalog, cards, messenger, NoWakeups(),  # type: ignore[arg-type]
            timedelta(minutes=5), timedelta(minutes=5),
        )  # fmt: skip
        self.pulses = PulseService(
            uow,
            SqlClickLedger(engine),
            clock,
            catalog,
            messenger,
            ChannelMembers(directory, clock),
            SqlHistoryEraser(engine),
            (SECRET,),
            None,
            timedelta(days=730),
            minimum=minimum,
        )
        roles = RoleBook({Role.SUPERVISOR: frozenset({SUPERVISOR})}, {}, NoGroups(), clock)
        access = TeamAccess(uow, directory, messenger, assigned_only=False)
        self.summaries = SummaryService(
            uow, clock, catalog, directory, messenger, roles, access, minimum, WINDOW
        )
        # PULSE_PRIVACY=dp on the same data, when `noise` is given (bench/small_teams_dp.py).
        self.noisy_summaries = SummaryService(
            uow, clock, catalog, directory, messenger, roles, access, minimum, WINDOW, None, noise
        )

    async def post_all(self, teams: list[str]) -> dict[str, str]:
        """A check-in in every team; each team's check-in id."""
        for team in teams:
            await self._posting.post_checkin_now(self.workspace, team)
        return {team: self._messenger.checkins[team] for team in teams}

    async def click(self, checkin: str, person: str, level: PulseLevel) -> None:
        await self.pulses.record(self.workspace, checkin, person, level.value)

    async def close_due(self) -> None:
        await self.pulses.close_due()


@dataclass
class Shown:
    """What the supervisor was shown on one Monday, for the week just over."""

    checkins: dict[str, list[bool]]  # per team, each of the week's check-ins
    week: dict[str, bool]
    months: dict[str, dict[str, str]]  # per team, each settled month in view: its state
    all_teams: dict[tuple[str, ...], int | None]  # teams covered by the line; None: hidden


class Views:
    """Reads the numbers through the summary service's release path."""

    def __init__(self, agency: Agency) -> None:
        self._agency = agency

    async def last_week(self, teams: list[str], groups: list[tuple[str, ...]]) -> Shown:
        service, workspace = self._agency.summaries, self._agency.workspace
        report = await service.report(workspace, SUPERVISOR, teams, ViewKind.SUMMARY)
        last = [row for row in report.weeks if row.settled][-1]
        # No check-in is ever shown on its own now.
        checkins = {cell.team: [False] * _checkins(cell.state) for cell in last.teams}
        week = {cell.team: cell.tally is not None for cell in last.teams}
        months: dict[str, dict[str, bool]] = {}
        for row in report.months:
            for cell in row.teams:
                if cell.state in (State.SHOWN, State.PART, State.HIDDEN):
                    months.setdefault(cell.team, {})[row.month.label] = cell.state.value
        all_teams: dict[tuple[str, ...], int | None] = {}
        for group in groups:
            overview = await service.report(workspace, SUPERVISOR, list(group), ViewKind.DIGEST)
            line = next(r for r in overview.weeks if r.week == last.week).together
            all_teams[group] = line.shown if line.tally is not None else None
        return Shown(checkins, week, months, all_teams)


def _checkins(state: State) -> int:
    return 3 if state in (State.SHOWN, State.HIDDEN) else 0
