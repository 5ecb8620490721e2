"""The admin audit trail: what an admin or a coordinator did, to which team or person, when.

A record names the one who acted (the agency's legitimate interest in accountability, kept
for AUDIT_RETENTION_DAYS) and never what was typed or answered. An erasure names no one: it
only says that someone's data was erased.
"""

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.workspaces import WorkspaceRef


class AdminActionKind(StrEnum):
    ERASE = "erase"
    ASSIGN = "assign"
    UNASSIGN = "unassign"
    HOLIDAYS_SET = "holidays_set"
    HOLIDAYS_CLEAR = "holidays_clear"
    PEER_APPROVE = "peer_approve"
    PEER_DECLINE = "peer_decline"
    PEER_REMOVE = "peer_remove"
    SCHEDULE_COPY = "schedule_copy"
    # An admin changing a schedule someone else set up (their admin right to any schedule).
    SCHEDULE_PAUSE = "schedule_pause"
    SCHEDULE_RESUME = "schedule_resume"
    SCHEDULE_DELETE = "schedule_delete"


@dataclass(frozen=True)
class AdminAction:
    """One action: `team` and `person` are what it was about (None where it names none)."""

    id: str
    workspace: WorkspaceRef
    actor: str
    kind: AdminActionKind
    at: datetime
    team: str | None = None
    person: str | None = None

    def __post_init__(self) -> None:
        if self.kind is AdminActionKind.ERASE and self.person is not None:
            raise ValueError("an erasure's record names no one")
