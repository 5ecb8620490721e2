"""The admin audit trail: each admin's or coordinator's action written with it, shown on the
admin page and sent as a CSV file to admins (`/pulse audit export`)."""

import uuid
from collections.abc import Sequence
from datetime import UTC

from bot.domain.admin_actions import AdminAction, AdminActionKind
from bot.domain.roles import Role
from bot.domain.schedules import Schedule
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.messages import Attachment, Card, Paragraph
from bot.outgoing.spreadsheet import csv_bytes
from bot.ports.clock import Clock
from bot.ports.platform import Messenger, Roles
from bot.ports.unit_of_work import UnitOfWork, UnitOfWorkFactory
from prompts import Catalog

PAGE_LINES = 10  # the admin page's "recent admin actions", newest first
EXPORT_LINES = 100_000  # AUDIT_RETENTION_DAYS keeps the trail far below this


class AdminTrail:
    """Writes one record per action, in the action's own transaction."""

    def __init__(self, clock: Clock) -> None:
        self._clock = clock

    async def note(
        self,
        uow: UnitOfWork,
        workspace: WorkspaceRef,
        actor: str,
        kind: AdminActionKind,
        team: str | None = None,
        person: str | None = None,
    ) -> None:
        """Record the action in `uow` (committed with the change it records)."""
        action = AdminAction(
            str(uuid.uuid4()), workspace, actor, kind, self._clock.now(), team, person
        )
        await uow.admin_actions.record(action)


class AdminTrailPages:
    """The trail as admins read it: a few lines on the admin page, all of it as a CSV file."""

    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        catalog: Catalog,
        roles: Roles,
        messenger: Messenger,
    ) -> None:
        self._uow, self._clock, self._catalog = uow, clock, catalog
        self._roles, self._messenger = roles, messenger
        self._trail = AdminTrail(clock)

    async def recent_card(self, workspace: WorkspaceRef) -> Card:
        """The admin page's section (the caller checked the person is an admin)."""
        async with self._uow() as uow:
            actions = await uow.admin_actions.recent(workspace, PAGE_LINES)
        t = self._catalog.text
        title = t("admin.trail.title")
        lines = [f"• {self._line(action)}" for action in actions] or [t("admin.trail.empty")]
        text = "\n".join([title, *lines])
        return Card(text=text, parts=(Paragraph(title), Paragraph("\n".join(lines))))

    async def is_admin(self, workspace: WorkspaceRef, person: str) -> bool:
        return await self._roles.holds(workspace, person, Role.ADMIN)

    async def note_schedules(
        self,
        workspace: WorkspaceRef,
        person: str,
        kind: AdminActionKind,
        schedules: Sequence[Schedule],
    ) -> None:
        """Team schedules changed (paused, resumed, deleted): one record when an admin changed
        one that someone else set up, which their admin right allows."""
        others = [s for s in schedules if s.owner != person and s.conversation]
        if others and await self.is_admin(workspace, person):
            async with self._uow() as uow:
                await self._trail.note(uow, workspace, person, kind, team=others[0].conversation)
                await uow.commit()

    async def export(self, workspace: WorkspaceRef, person: str) -> Card:
        """Every kept record as a CSV file, sent privately (the caller checked `is_admin`).

        Ids as the platform gives them, through bot/outgoing/spreadsheet.py: no cell runs as a
        formula.
        """
        async with self._uow() as uow:
            actions = await uow.admin_actions.recent(workspace, EXPORT_LINES)
        rows = [["acted_at_utc", "actor", "action", "team", "person"]]
        for action in actions:
            when = action.at.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
            rows.append(
                [when, action.actor, action.kind.value, action.team or "", action.person or ""]
            )
        today = self._clock.now().date().isoformat()
        t = self._catalog.text
        await self._messenger.send_file(
            workspace,
            person,
            Attachment(
                filename=f"wellspring-admin-actions-{today}.csv",
                content=csv_bytes(rows),
                title=t("admin.trail.csv_title"),
                comment=t("admin.trail.csv_comment"),
            ),
        )
        return Card.plain(t("admin.trail.export_sent"))

    def _line(self, action: AdminAction) -> str:
        workspace = action.workspace
        who = {
            "when": action.at.astimezone(UTC).strftime("%a %d %b %H:%M UTC"),
            "actor": self._messenger.mention_person(workspace, action.actor),
            "team": self._messenger.mention(workspace, action.team) if action.team else "",
            "person": (
                self._messenger.mention_person(workspace, action.person)
                if action.person
                else self._catalog.text("admin.trail.someone")
            ),
        }
        return self._catalog.text(f"admin.trail.line.{action.kind.value}", **who)
