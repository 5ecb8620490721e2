"""SqlPersonalData: every row that names one person, gathered or erased in one transaction."""

from collections.abc import Awaitable, Callable
from datetime import datetime

from sqlalchemy import ColumnElement, Executable, Select, Table, delete, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.debriefs import OfferStatus, RequestStatus
from bot.domain.personal_data import PersonalRecords
from bot.domain.reports import PulseView, ViewKind
from bot.domain.workspaces import WorkspaceRef
from bot.ports.platform import person_address_key
from bot.storage.admin_actions import admin_action
from bot.storage.assignments import SqlSupervisorTeams
from bot.storage.debriefs import _offer, _request
from bot.storage.inserts import affected, aware
from bot.storage.placements import SqlPlacementRepository
from bot.storage.schedules import SqlScheduleRepository
from bot.storage.tables import (
    admin_actions,
    debrief_offers,
    debrief_requests,
    digest_runs,
    placement_prompts,
    placements,
    platform_addresses,
    pulse_views,
    rotations,
    schedule_runs,
    schedules,
    supervisor_teams,
    volunteers,
)
from bot.storage.volunteers import SqlVolunteerRepository


class SqlPersonalData:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def gather(self, workspace: WorkspaceRef, person: str) -> PersonalRecords:
        requests = (
            select(debrief_requests)
            .where(debrief_requests.c.workspace == workspace.key)
            .where(debrief_requests.c.requester == person)
            .order_by(debrief_requests.c.created_at)
        )
        offers = (
            select(debrief_offers)
            .where(debrief_offers.c.request_id.in_(self._requests_in(workspace)))
            .where(debrief_offers.c.peer == person)
            .where(debrief_offers.c.status == OfferStatus.OPEN.value)
        )
        looks = (
            select(pulse_views)
            .where(pulse_views.c.workspace == workspace.key)
            .where(pulse_views.c.viewer == person)
            .order_by(pulse_views.c.viewed_at.desc(), pulse_views.c.id)
        )
        taken = (
            select(admin_actions)
            .where(_named(admin_actions, "actor", workspace.key, person))
            .order_by(admin_actions.c.acted_at.desc(), admin_actions.c.id)
        )
        about = select(admin_actions.c.id).where(
            _named(admin_actions, "person", workspace.key, person)
        )
        run = self._session.execute
        return PersonalRecords(
            volunteer=await SqlVolunteerRepository(self._session).get(workspace, person),
            reminders=tuple(
                await SqlScheduleRepository(self._session).personal_for(workspace, person)
            ),
            placements=tuple(
                await SqlPlacementRepository(self._session).involving(workspace, person)
            ),
            requests=tuple(_request(row._mapping) for row in await run(requests)),
            open_offers=tuple(_offer(row._mapping) for row in await run(offers)),
            looks=tuple(
                PulseView(
                    row.id,
                    workspace,
                    row.viewer,
                    row.team,
                    ViewKind(row.kind),
                    aware(row.viewed_at),
                )
                for row in await run(looks)
            ),
            assigned_teams=tuple(
                sorted(await SqlSupervisorTeams(self._session).teams_of(workspace, person))
            ),
            actions_taken=tuple(admin_action(row._mapping, workspace) for row in await run(taken)),
            actions_about=len((await run(about)).all()),
        )

    async def forget(self, workspace: WorkspaceRef, person: str, at: datetime) -> int:
        """Delete what is the person's alone; take their id out of what others share.

        Their audit looks (pulse_views) stay: they record a supervisor's access to other
        people's numbers, and go with the audit log's own retention. So do the admin actions
        they took (admin_actions.actor); where an admin action was about them, it is kept as
        about "someone".
        """
        ws = workspace.key
        changed = 0

        async def run(statement: Executable) -> None:
            nonlocal changed
            changed += affected(await self._session.execute(statement))

        mine = select(schedules.c.id).where(
            (schedules.c.workspace == ws)
            & (schedules.c.owner == person)
            & schedules.c.conversation.is_(None)
        )
        await run(delete(schedule_runs).where(schedule_runs.c.schedule_id.in_(mine)))
        await run(delete(schedules).where(schedules.c.id.in_(mine)))
        # A team's schedule outlives the person who set it up; it no longer names them.
        await run(
            update(schedules)
            .where((schedules.c.workspace == ws) & (schedules.c.owner == person))
            .values(owner="")
        )
        await run(delete(rotations).where(_named(rotations, "audience", ws, person)))
        await run(delete(volunteers).where(_named(volunteers, "person", ws, person)))
        theirs = select(placements.c.id).where(
            (placements.c.workspace == ws)
            & or_(placements.c.student == person, placements.c.instructor == person)
        )
        await run(delete(placement_prompts).where(placement_prompts.c.placement_id.in_(theirs)))
        await run(delete(placements).where(placements.c.id.in_(theirs)))
        await run(
            delete(debrief_offers)
            .where(debrief_offers.c.request_id.in_(self._requests_in(workspace)))
            .where(debrief_offers.c.peer == person)
        )
        await self._anonymise_requests(ws, person, at, run)
        await run(delete(digest_runs).where(_named(digest_runs, "supervisor", ws, person)))
        await run(
            delete(supervisor_teams).where(_named(supervisor_teams, "supervisor", ws, person))
        )
        await run(
            update(admin_actions)
            .where(_named(admin_actions, "person", ws, person))
            .values(person=None)
        )
        address = person_address_key(person)
        await run(delete(platform_addresses).where(_named(platform_addresses, "key", ws, address)))
        return changed

    async def _anonymise_requests(
        self, ws: str, person: str, at: datetime, run: Callable[[Executable], Awaitable[None]]
    ) -> None:
        """Their requests still count in the monthly totals, as nobody's; open ones close."""
        asked = (debrief_requests.c.workspace == ws) & (debrief_requests.c.requester == person)
        for was, now in (
            (RequestStatus.SEARCHING, RequestStatus.CANCELLED),
            (RequestStatus.MATCHED, RequestStatus.CLOSED),
        ):
            await run(
                update(debrief_requests)
                .where(asked & (debrief_requests.c.status == was.value))
                .values(status=now.value)
            )
        await run(
            update(debrief_requests)
            .where(asked & debrief_requests.c.closed_at.is_(None))
            .values(closed_at=at)
        )
        await run(
            update(debrief_requests)
            .where(asked)
            .values(
                requester=None,
                note=None,
                status_conversation=None,
                status_message=None,
                followup_due_at=None,
            )
        )
        peered = (debrief_requests.c.workspace == ws) & (debrief_requests.c.peer == person)
        await run(update(debrief_requests).where(peered).values(peer=None))

    @staticmethod
    def _requests_in(workspace: WorkspaceRef) -> Select[tuple[str]]:
        return select(debrief_requests.c.id).where(debrief_requests.c.workspace == workspace.key)


def _named(table: Table, column: str, workspace: str, value: str) -> ColumnElement[bool]:
    """Rows of `table` in the workspace whose `column` is `value`."""
    return (table.c.workspace == workspace) & (table.c[column] == value)
