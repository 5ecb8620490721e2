"""SqlPulseViewLog: the audit of looks at the numbers, and digests (answers: click_ledger)."""

from collections.abc import Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.reports import PulseView, ViewKind
from bot.domain.workspaces import WorkspaceRef
from bot.storage.inserts import affected, aware, insert_once
from bot.storage.tables import digest_runs, pulse_views


class SqlPulseViewLog:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session
        self._postgres = session.get_bind().dialect.name == "postgresql"
        self.recorded: list[PulseView] = []  # this transaction's looks, shipped on commit

    async def record(self, *views: PulseView) -> None:
        """Each look, unless the same viewer already looked at the same team the same way
        that day (UTC): the log keeps one line per viewer, team, kind of look and day, so a
        home page opened twenty times does not bury the looks that matter."""
        views = tuple(await self._new_today(views))
        if not views:
            return
        self.recorded.extend(views)
        # One statement for a look at many teams (executemany: a single round trip).
        statement = (postgresql if self._postgres else sqlite).insert(pulse_views)
        await self._session.execute(
            statement.on_conflict_do_nothing(),
            [
                {
                    "id": view.id,
                    "workspace": view.workspace.key,
                    "viewer": view.viewer,
                    "team": view.team,
                    "kind": view.kind.value,
                    "viewed_at": view.viewed_at,
                    "day": view.viewed_at.astimezone(UTC).date(),
                }
                for view in views
            ],
        )

    async def _new_today(self, views: Sequence[PulseView]) -> list[PulseView]:
        """The views of one look (one viewer, one moment) not yet logged that day. (Two looks
        at once may both pass; the unique key then keeps one row of them.)"""
        if not views:
            return []
        look = views[0]
        seen = await self._session.execute(
            select(pulse_views.c.team, pulse_views.c.kind)
            .where(pulse_views.c.workspace == look.workspace.key)
            .where(pulse_views.c.viewer == look.viewer)
            .where(pulse_views.c.team.in_({view.team for view in views}))
            .where(pulse_views.c.day == look.viewed_at.astimezone(UTC).date())
        )
        known = {(team, kind) for team, kind in seen.all()}
        fresh = []
        for view in views:
            if (view.team, view.kind.value) not in known:
                known.add((view.team, view.kind.value))
                fresh.append(view)
        return fresh

    async def recent(
        self, workspace: WorkspaceRef, teams: list[str], limit: int
    ) -> list[PulseView]:
        query = (
            select(pulse_views)
            .where(pulse_views.c.workspace == workspace.key)
            .where(pulse_views.c.team.in_(teams))
            .order_by(pulse_views.c.viewed_at.desc(), pulse_views.c.id)
            .limit(limit)
        )
        return [
            PulseView(
                row.id,
                WorkspaceRef.from_key(row.workspace),
                row.viewer,
                row.team,
                ViewKind(row.kind),
                aware(row.viewed_at),
            )
            for row in await self._session.execute(query)
        ]

    async def forget_before(self, cutoff: datetime) -> int:
        statement = delete(pulse_views).where(pulse_views.c.viewed_at < cutoff)
        return affected(await self._session.execute(statement))

    async def claim_digest(self, workspace: WorkspaceRef, supervisor: str, week: str) -> bool:
        return await insert_once(
            self._session, digest_runs, workspace=workspace.key, supervisor=supervisor, week=week
        )
