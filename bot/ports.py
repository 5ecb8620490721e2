"""Protocols the core needs from the outside world; storage and adapters implement them."""

from collections.abc import Awaitable, Callable, Sequence
from datetime import date, datetime, time
from types import TracebackType
from typing import Protocol, Self

from bot.domain.admin_actions import AdminAction
from bot.domain.checkins import Checkin
from bot.domain.clicks import Answer, Outcome
from bot.domain.debriefs import (
    DebriefRequest,
    MonthCount,
    Offer,
    OfferStatus,
    RequestStatus,
    Volunteer,
)
from bot.domain.periods import Month
from bot.domain.personal_data import PersonalRecords
from bot.domain.placements import Placement
from bot.domain.pulses import IsoWeek, Tally
from bot.domain.reports import MonthRest, PulseView, WeekPeople, WeekSums
from bot.domain.retention import Limits
from bot.domain.roles import Role
from bot.domain.rotation import DeckPosition
from bot.domain.schedules import ClaimedRun, RunStatus, Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.messages import Attachment, Card, Sent


class DeliveryLog(Protocol):
    """Remembers which inbound deliveries (events) already took effect."""

    async def claim(self, workspace: WorkspaceRef, delivery_id: str, at: datetime) -> bool:
        """True the first time a delivery id is seen for a workspace, False after that."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class ScheduleRepository(Protocol):
    async def add(self, schedule: Schedule) -> None: ...
    async def get(self, schedule_id: str) -> Schedule | None: ...
    async def for_conversation(
        self, workspace: WorkspaceRef, conversation: str
    ) -> list[Schedule]: ...
    async def personal_for(self, workspace: WorkspaceRef, owner: str) -> list[Schedule]: ...
    async def conversations(self, workspace: WorkspaceRef) -> list[str]: ...
    async def active(self) -> list[Schedule]: ...
    async def set_paused(self, schedule_id: str, paused: bool) -> bool: ...
    async def remove(self, schedule_id: str) -> bool: ...
    async def last_fire_at(self, schedule_id: str) -> datetime | None: ...
    async def claim_run(
        self, schedule_id: str, fire_at: datetime, status: RunStatus, at: datetime
    ) -> bool:
        """Record a run once; False if it was already recorded (by any replica)."""
        ...

    async def mark_sending(
        self, schedule_id: str, fire_at: datetime, checkin_id: str | None
    ) -> None: ...
    async def stale_claims(self, claimed_before: datetime) -> list[ClaimedRun]: ...
    async def take_over(self, run: ClaimedRun, at: datetime) -> bool:
        """Claim a stale run anew; False if another replica took it over first."""
        ...

    async def finish_run(self, schedule_id: str, fire_at: datetime, status: RunStatus) -> None: ...
    async def runs(self, schedule_id: str) -> list[tuple[datetime, RunStatus]]: ...


class RotationStore(Protocol):
    async def position(self, workspace: WorkspaceRef, audience: str, deck: str) -> DeckPosition: ...
    async def save(
        self, workspace: WorkspaceRef, audience: str, deck: str, at: DeckPosition
    ) -> None: ...


class CheckinRepository(Protocol):
    async def add(self, checkin: Checkin) -> None:
        """Store a check-in, with room for its markers and zero counts for every level."""
        ...

    async def set_message(self, checkin_id: str, message_id: str) -> None: ...
    async def discard_unposted(self, checkin_id: str) -> None: ...
    async def get(self, checkin_id: str) -> Checkin | None: ...
    async def due_to_close(self, now: datetime) -> list[Checkin]: ...
    async def next_closing(self) -> datetime | None: ...
    async def close(self, checkin_id: str) -> bool:
        """Mark it closed, keep its final counts and remove its markers and everything else
        of its window; False if already closed."""
        ...

    async def teams(self, workspace: WorkspaceRef) -> list[str]:
        """Conversations that have had check-ins."""
        ...

    async def workspaces(self) -> list[WorkspaceRef]: ...
    async def week_sums(
        self, workspace: WorkspaceRef, teams: list[str], weeks: list[IsoWeek], at_least: int
    ) -> list[WeekSums]:
        """Closed check-ins added up per team and week (for teams and weeks that have any):
        those with at least `at_least` answers apart from the others."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class ClickLedger(Protocol):
    """Counts a click in one go, committed before it answers (no unit of work around it)."""

    async def count_answer(self, answer: Answer) -> Outcome:
        """COUNTED: all of the answer's markers recorded, its level counted and its period
        marker written, together; ALREADY if any marker was there; CLOSED if the window
        is closed or closing. Raises if the database fails (nothing was counted then)."""
        ...


class HistoryEraser(Protocol):
    """Wipes what deleted rows leave behind in the database files (freed pages, the WAL)."""

    async def erase(self) -> bool:
        """After rows naming people were deleted: True when nothing of them is left
        readable; False when the database was busy (the eraser retries it by itself)."""
        ...

    async def wipe_windows(self) -> bool:
        """After check-ins closed: True when none of their markers, nor the order their
        counters grew in, is left readable; False when busy (retried by itself)."""
        ...

    async def wipe_periods(self) -> bool:
        """After a month's period markers were deleted: True when none is left readable;
        False when busy (retried by itself)."""
        ...


class PulsePeriods(Protocol):
    """The distinct people of each team's weeks, counted with keyed period markers."""

    async def open(self, checkin: Checkin) -> None: ...
    async def settle(self, now: datetime, minimum: int, keys: Sequence[str]) -> bool:
        """Settle what is due; True if a month's markers were deleted (wipe them)."""
        ...

    async def people(
        self, workspace: WorkspaceRef, teams: list[str], weeks: Sequence[IsoWeek]
    ) -> list[WeekPeople]: ...
    async def rests(
        self, workspace: WorkspaceRef, teams: list[str], months: Sequence[Month]
    ) -> list[MonthRest]: ...
    async def forget_before(self, cutoff: datetime) -> None: ...


class PulseViewLog(Protocol):
    """The audit log of who looked at which team's numbers."""

    async def record(self, *views: PulseView) -> None:
        """One look, written as one line per team it showed."""
        ...

    async def recent(
        self, workspace: WorkspaceRef, teams: list[str], limit: int
    ) -> list[PulseView]: ...
    async def forget_before(self, cutoff: datetime) -> int: ...
    async def claim_digest(self, workspace: WorkspaceRef, supervisor: str, week: str) -> bool:
        """True once per supervisor and week, across replicas."""
        ...


class AdminActionLog(Protocol):
    """The admin audit trail: what admins and coordinators did (bot/domain/admin_actions.py)."""

    async def record(self, action: AdminAction) -> None: ...
    async def recent(self, workspace: WorkspaceRef, limit: int) -> list[AdminAction]:
        """Newest first."""
        ...

    async def forget_before(self, cutoff: datetime) -> int: ...


class RetentionSweep(Protocol):
    """Deletes, table by table, the rows kept past their time (bot/storage/retention.py)."""

    async def sweep(self, limits: Limits) -> dict[str, int]:
        """Rows deleted per table, for the tables that lost any."""
        ...


class VolunteerRepository(Protocol):
    async def save(self, volunteer: Volunteer) -> None: ...
    async def get(self, workspace: WorkspaceRef, person: str) -> Volunteer | None: ...
    async def all(self, workspace: WorkspaceRef) -> list[Volunteer]: ...
    async def set_away(
        self, workspace: WorkspaceRef, person: str, away: bool, until: date | None
    ) -> bool: ...
    async def set_approved(self, workspace: WorkspaceRef, person: str) -> bool: ...
    async def remove(self, workspace: WorkspaceRef, person: str) -> bool: ...
    async def offered(self, workspace: WorkspaceRef, person: str, at: datetime) -> None: ...
    async def load(self, workspace: WorkspaceRef, since: datetime) -> dict[str, int]:
        """Debriefs each peer accepted since `since`."""
        ...


class DebriefRepository(Protocol):
    async def add(self, request: DebriefRequest) -> None: ...
    async def get(self, request_id: str) -> DebriefRequest | None: ...
    async def searching(self) -> list[DebriefRequest]: ...
    async def set_status_message(
        self, request_id: str, conversation: str, message: str
    ) -> None: ...
    async def match(
        self, request_id: str, peer: str, at: datetime, followup_at: datetime
    ) -> bool: ...
    async def take_note(self, request_id: str) -> str | None: ...
    async def finish(
        self, request_id: str, from_status: RequestStatus, to: RequestStatus, at: datetime
    ) -> bool: ...
    async def due_followups(self, now: datetime) -> list[DebriefRequest]: ...
    async def followed_up(self, request_id: str, at: datetime) -> bool: ...
    async def add_offer(self, offer: Offer, at: datetime) -> bool: ...
    async def offers(self, request_id: str) -> list[Offer]: ...
    async def offer(self, request_id: str, peer: str) -> Offer | None: ...
    async def set_offer_message(
        self, request_id: str, peer: str, conversation: str, message_id: str
    ) -> None: ...
    async def settle_offer(self, request_id: str, peer: str, to: OfferStatus) -> bool: ...
    async def expired_offers(self, now: datetime) -> list[Offer]: ...
    async def next_due(self) -> datetime | None: ...
    async def forget_before(self, cutoff: datetime) -> int:
        """Keep only month, matched or not, and wait band of requests closed before `cutoff`."""
        ...

    async def months(
        self, workspace: WorkspaceRef, since: datetime, before: datetime
    ) -> list[MonthCount]: ...


class PlacementRepository(Protocol):
    """Students' placements (one per student and workspace) and their weekly claims."""

    async def save(self, placement: Placement) -> None: ...
    async def get(self, placement_id: str) -> Placement | None: ...
    async def of_student(self, workspace: WorkspaceRef, student: str) -> Placement | None: ...
    async def involving(self, workspace: WorkspaceRef, person: str) -> list[Placement]: ...
    async def confirmed_running(self, on: date) -> list[Placement]: ...
    async def count_active(self, workspace: WorkspaceRef, on: date) -> int: ...
    async def confirm(self, placement_id: str) -> bool: ...
    async def remove(self, placement_id: str) -> bool: ...
    async def claim_week(self, placement_id: str, week: str) -> bool:
        """True the first time a placement's week is claimed, by any replica."""
        ...

    async def forget_ended_before(self, cutoff: date) -> int: ...


class HolidayCalendar(Protocol):
    """The agency's own days off: every schedule of the workspace skips them."""

    async def days(self, workspace: WorkspaceRef) -> frozenset[date]: ...
    async def replace(self, workspace: WorkspaceRef, days: frozenset[date]) -> None: ...


class SupervisorTeams(Protocol):
    """The teams an admin has let each supervisor see (SUPERVISOR_ASSIGNMENTS)."""

    async def assign(self, workspace: WorkspaceRef, supervisor: str, team: str) -> bool: ...
    async def unassign(self, workspace: WorkspaceRef, supervisor: str, team: str) -> bool: ...
    async def teams_of(self, workspace: WorkspaceRef, supervisor: str) -> frozenset[str]: ...
    async def supervisors_of(self, workspace: WorkspaceRef, team: str) -> frozenset[str]: ...


class PersonalDataRepository(Protocol):
    """Every row that names one person, to show them or to erase (people leave, or ask)."""

    async def gather(self, workspace: WorkspaceRef, person: str) -> PersonalRecords: ...
    async def forget(self, workspace: WorkspaceRef, person: str, at: datetime) -> int:
        """Delete or anonymise every row naming the person, except their audit looks and the
        admin actions they took (the admin audit trail names them as the one who acted).

        Open offers must have been moved on first; their own open requests are closed.
        Returns how many rows changed.
        """
        ...


def person_address_key(person: str) -> str:
    """The AddressBook key under which an adapter keeps how to reach a person."""
    return f"person:{person}"


class NoisyWeeks(Protocol):
    """Each settled team week's noisy release (PULSE_PRIVACY=dp), kept once."""

    async def releases(
        self, workspace: WorkspaceRef, teams: Sequence[str], weeks: Sequence[IsoWeek]
    ) -> dict[tuple[str, IsoWeek], Tally]: ...
    async def checkins_in(self, workspace: WorkspaceRef, team: str, week: IsoWeek) -> int: ...
    async def keep(
        self, workspace: WorkspaceRef, team: str, week: IsoWeek, release: Tally
    ) -> None: ...


class UnitOfWork(Protocol):
    """One transaction per event, activity or job."""

    @property
    def deliveries(self) -> DeliveryLog: ...
    @property
    def schedules(self) -> ScheduleRepository: ...
    @property
    def rotations(self) -> RotationStore: ...
    @property
    def checkins(self) -> CheckinRepository: ...
    @property
    def periods(self) -> PulsePeriods: ...
    @property
    def noisy_weeks(self) -> NoisyWeeks: ...
    @property
    def views(self) -> PulseViewLog: ...
    @property
    def volunteers(self) -> VolunteerRepository: ...
    @property
    def debriefs(self) -> DebriefRepository: ...
    @property
    def placements(self) -> PlacementRepository: ...
    @property
    def personal(self) -> PersonalDataRepository: ...
    @property
    def holidays(self) -> HolidayCalendar: ...
    @property
    def assignments(self) -> SupervisorTeams: ...
    @property
    def admin_actions(self) -> AdminActionLog: ...
    @property
    def retention(self) -> RetentionSweep: ...

    async def __aenter__(self) -> Self: ...

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...

    async def commit(self) -> None: ...


UnitOfWorkFactory = Callable[[], UnitOfWork]
Job = Callable[[], Awaitable[object]]


class ConversationUnavailable(Exception):
    """The platform will not take posts there (bot removed, archived, not found)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class Messenger(Protocol):
    """Sends cards on one platform."""

    async def post(self, workspace: WorkspaceRef, conversation: str, card: Card) -> str:
        """Post to a team conversation and return the message's id.

        Raises ConversationUnavailable when the conversation is gone.
        """
        ...

    async def update(
        self, workspace: WorkspaceRef, conversation: str, message_id: str, card: Card
    ) -> None:
        """Replace a message this bot posted."""
        ...

    async def send_file(self, workspace: WorkspaceRef, person: str, attachment: Attachment) -> None:
        """Send a file to one person, privately."""
        ...

    async def send_direct(self, workspace: WorkspaceRef, person: str, card: Card) -> Sent:
        """A private message to one person; raises ConversationUnavailable if they are gone."""
        ...

    async def connect(self, workspace: WorkspaceRef, people: list[str], card: Card) -> None:
        """Put these people in touch privately, each seeing `card`.

        Where the platform lets a bot open a conversation with exactly them, it does; where
        it does not, each gets `card` privately with a way to start that conversation.
        """
        ...

    def mention_person(self, workspace: WorkspaceRef, person: str) -> str:
        """How to name a person inside a message's text."""
        ...

    def mention(self, workspace: WorkspaceRef, conversation: str) -> str:
        """How to name a conversation inside a message's text."""
        ...

    async def find_posted(self, workspace: WorkspaceRef, conversation: str, tag: str) -> str | None:
        """The id of a recent post made with `card.tag == tag`, if the platform can tell.

        Asked when a replica takes over a run another left mid-send; None when not found
        (or when the platform keeps no such tag: then the run is posted again).
        """
        ...


class Directory(Protocol):
    """What the platform says about people and conversations."""

    async def members(self, workspace: WorkspaceRef, conversation: str) -> frozenset[str]:
        """Everyone in a conversation; raises ConversationUnavailable if it is gone."""
        ...

    async def timezone_of(self, workspace: WorkspaceRef, person: str) -> str:
        """The person's IANA time zone; UTC when the platform can't say."""
        ...

    async def name_of(self, workspace: WorkspaceRef, conversation: str) -> str:
        """A conversation's name as people know it; its id when the platform can't say."""
        ...


class AddressBook(Protocol):
    """Where a platform can reach a conversation or a person later, proactively.

    Addresses are the adapter's own opaque text (a Teams conversation reference, say);
    the core only keeps them. `key` names what is addressed within the workspace.
    """

    async def save(self, workspace: WorkspaceRef, key: str, address: str) -> None: ...
    async def find(self, workspace: WorkspaceRef, key: str) -> str | None: ...
    async def forget(self, workspace: WorkspaceRef, key: str) -> None: ...


class Groups(Protocol):
    """The organisation's own groups (a Slack user group, say), as the platform lists them."""

    async def members(self, workspace: WorkspaceRef, group: str) -> frozenset[str]:
        """The group's members; empty when the platform doesn't know the group here."""
        ...


class Roles(Protocol):
    """Who holds a role now: named in the settings, or in a group the role follows."""

    async def holders(self, workspace: WorkspaceRef, role: Role) -> frozenset[str]: ...
    async def holds(self, workspace: WorkspaceRef, person: str, role: Role) -> bool: ...
    def given(self, role: Role) -> bool:
        """False when nobody was named for the role at all (an open peer roster)."""
        ...


class Wakeups(Protocol):
    """Keeps the scheduler's wake-up times in step with the tables."""

    def schedule_saved(self, schedule: Schedule) -> None: ...
    def schedule_removed(self, schedule_id: str) -> None: ...
    def due_at(self, when: datetime) -> None:
        """Something (a check-in closing) is due at `when`: sweep the deadlines then."""
        ...

    def weekly(self, job_id: str, day: str, at: time, timezone: str, job: Job) -> None:
        """Run `job` every week on `day` ("mon") at a local time."""
        ...


class SendTurns(Protocol):
    """Turns to send, reserved where every replica sees them, so together they keep a rate."""

    async def take(self, key: str, interval: float) -> float:
        """Reserve the next turn under `key`, `interval` seconds after the last one reserved;
        return how many seconds from now it starts (0 when it is free now)."""
        ...
