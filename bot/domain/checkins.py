"""Check-ins and the fatigue levels a pulse answer can take."""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.workspaces import WorkspaceRef


class PulseLevel(StrEnum):
    """The fatigue stages, from a small ache to past the limit; order matters."""

    EARLY = "early"
    MIDDLE = "middle"
    LATE = "late"
    BEYOND = "beyond"


@dataclass(frozen=True)
class Checkin:
    """One posted check-in; answers to it are counted, never tied to who gave them."""

    id: str
    workspace: WorkspaceRef
    conversation: str
    posted_at: datetime
    closes_at: datetime
    message_id: str | None = None
    closed: bool = False

    def is_open(self, now: datetime) -> bool:
        return not self.closed and now < self.closes_at
