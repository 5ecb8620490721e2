"""Supervisors' looks at the numbers, one JSON line each, for the agency's log system.

Off unless AUDIT_LOG_LINES is set. A line is about a supervisor (who looked, at which
team, how, when), which is its purpose; it never holds an answer, a count or a name.
"""

import json
import logging
import sys
from typing import TextIO

from bot.domain.reports import PulseView

AUDIT_LOGGER = "wellspring.audit"


def audit_line(view: PulseView) -> str:
    """One look as a JSON object on one line; "*" as the team means workspace-wide numbers."""
    return json.dumps(
        {
            "event": "pulse_view",
            "id": view.id,
            "workspace": view.workspace.key,
            "viewer": view.viewer,
            "team": view.team,
            "how": view.kind.value,
            "at": view.viewed_at.isoformat(),
        },
        separators=(",", ":"),
    )


class AuditLines:
    """Ships each committed look as one line on the `wellspring.audit` logger."""

    def __init__(self) -> None:
        self._logger = logging.getLogger(AUDIT_LOGGER)

    def ship(self, view: PulseView) -> None:
        self._logger.info("%s", audit_line(view))


def send_audit_lines_to(stream: TextIO = sys.stderr) -> None:
    """Give audit lines their own handler: bare JSON, whatever LOG_LEVEL says (once)."""
    audit = logging.getLogger(AUDIT_LOGGER)
    if any(getattr(h, "wellspring_audit", False) for h in audit.handlers):
        return
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logging.Formatter("%(message)s"))
    handler.wellspring_audit = True  # type: ignore[attr-defined]
    audit.addHandler(handler)
    audit.setLevel(logging.INFO)
    audit.propagate = False
