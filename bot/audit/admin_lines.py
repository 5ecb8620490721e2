"""Admin actions as JSON lines on the `wellspring.audit` logger, beside the supervisors' looks.

Off unless AUDIT_LOG_LINES is set. A line says who acted, what kind of action, on which team or
person, and when; never what was typed. An erasure's line names no one.
"""

import json
import logging

from bot.audit.look_lines import AUDIT_LOGGER
from bot.domain.admin_actions import AdminAction


def admin_action_line(action: AdminAction) -> str:
    """One action as a JSON object on one line (null where it names no team or person)."""
    return json.dumps(
        {
            "event": "admin_action",
            "id": action.id,
            "workspace": action.workspace.key,
            "actor": action.actor,
            "action": action.kind.value,
            "team": action.team,
            "person": action.person,
            "at": action.at.isoformat(),
        },
        separators=(",", ":"),
    )


def ship_admin_action(action: AdminAction) -> None:
    """Log one committed action (send_audit_lines_to gives the logger its own handler)."""
    logging.getLogger(AUDIT_LOGGER).info("%s", admin_action_line(action))
