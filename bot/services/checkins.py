"""The check-in message, its private replies, and wording that rotates per audience."""

import uuid
from datetime import datetime, timedelta

from bot.domain.checkins import Checkin, PulseLevel
from bot.domain.rotation import draw
from bot.domain.suppression import threshold
from bot.domain.workspaces import WorkspaceRef
from bot.outgoing.actions import Action
from bot.outgoing.messages import Button, ButtonRow, Card, Note, Paragraph
from bot.ports.unit_of_work import UnitOfWork
from prompts import Catalog


class CheckinCards:
    """Composes check-ins and reminders; knows which variant each audience saw last."""

    def __init__(self, catalog: Catalog, window: timedelta, minimum: int) -> None:
        self._catalog = catalog
        self._window = window
        self._minimum = minimum

    async def new_checkin(
        self, uow: UnitOfWork, workspace: WorkspaceRef, conversation: str, now: datetime
    ) -> tuple[Checkin, Card]:
        """Record a check-in and compose its message: a question and one button per level."""
        checkin = Checkin(str(uuid.uuid4()), workspace, conversation, now, now + self._window)
        await uow.checkins.add(checkin)
        question = await self.next_variant(uow, workspace, conversation, "checkin.questions")
        levels = tuple(
            Button(
                self._catalog.text(f"checkin.levels.{level.value}.label"),
                Action.PULSE,
                f"{checkin.id}|{level.value}",
            )
            for level in PulseLevel
        )
        explain = Button(self._catalog.text("checkin.anonymous_button"), Action.EXPLAIN_ANONYMITY)
        return checkin, Card(
            text=question,
            parts=(
                Paragraph(f"*{question}*"),
                ButtonRow(levels),
                Note(self._catalog.text("checkin.anonymous_line")),
                ButtonRow((explain,)),
            ),
        )

    async def new_reminder(
        self, uow: UnitOfWork, workspace: WorkspaceRef, audience: str, header: str
    ) -> Card:
        reminder = await self.next_variant(uow, workspace, audience, "reminders.reminders")
        return Card(text=reminder, parts=(Note(header), Paragraph(reminder)))

    async def next_variant(
        self, uow: UnitOfWork, workspace: WorkspaceRef, audience: str, key: str
    ) -> str:
        """The next variant in this audience's shuffled deck for `key`."""
        variants = self._catalog.variants(key)
        at = await uow.rotations.position(workspace, audience, key)
        index, after = draw(len(variants), f"{workspace.key}/{audience}/{key}", at)
        await uow.rotations.save(workspace, audience, key, after)
        return variants[index]

    def explain_anonymity(self) -> Card:
        shown_from = threshold(self._minimum, viewer_could_have_answered=True)
        minimum = self._catalog.text("checkin.minimum_line", minimum=str(shown_from))
        paragraphs = (*self._catalog.variants("checkin.anonymous_explained"), minimum)
        return Card(text=paragraphs[0], parts=tuple(map(Paragraph, paragraphs)))
