"""Form contexts sealed so the client that carries them can't change or reuse them.

A form's context (the team a schedule is for, the schedule to copy) goes out inside a Slack
modal, a Teams dialog or a playground page and comes back on submit through the person's
client, which can edit it. So it goes out sealed: HMAC-SHA256, with a key derived from the
server's secret under a label of its own, over the form's kind, the workspace, the person it
was opened for, the conversation it was opened in, the context and an expiry. Anything else
comes back refused: another person's form, another kind of form, an edited or empty value, or
one older than FORM_LIFETIME.
"""

import base64
import hashlib
import hmac
import json
from dataclasses import dataclass
from datetime import timedelta

from bot.domain.workspaces import WorkspaceRef
from bot.ports.clock import Clock
from bot.services.errors import BotError

# Long enough to write a debrief request without hurry; short enough that a copied value is
# soon worthless. Teams and the playground seal again each time they show the form.
FORM_LIFETIME = timedelta(hours=1)
_LABEL = b"wellspring form context v1"


@dataclass(frozen=True)
class Opened:
    """What a form was opened with: its context, and the team conversation it was opened
    in (None in a private chat)."""

    context: str
    team: str | None


class FormSeals:
    """Seals and opens form contexts; `secrets` newest first (a rotation: all open)."""

    def __init__(self, secrets: tuple[bytes, ...], clock: Clock) -> None:
        if not secrets:
            raise ValueError("form contexts need at least one secret")
        self._keys = tuple(hmac.new(s, _LABEL, hashlib.sha256).digest() for s in secrets)
        self._clock = clock

    def seal(self, form_id: str, workspace: WorkspaceRef, person: str, opened: Opened) -> str:
        expires = int((self._clock.now() + FORM_LIFETIME).timestamp())
        body = _encode(json.dumps([opened.context, opened.team, expires]).encode())
        mac = self._mac(self._keys[0], form_id, workspace, person, body)
        return f"{body}.{_encode(mac)}"

    def open(self, form_id: str, workspace: WorkspaceRef, person: str, sealed: str) -> Opened:
        """The context as sealed; BotError("forms.refused") unless it was sealed for this
        form, workspace and person and is unchanged, BotError("forms.expired") when late."""
        body, _, mac = sealed.partition(".")
        given = mac.encode(errors="replace")
        if not any(
            hmac.compare_digest(
                given, _encode(self._mac(key, form_id, workspace, person, body)).encode()
            )
            for key in self._keys
        ):
            raise BotError("forms.refused")
        context, team, expires = json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))
        if self._clock.now().timestamp() > expires:
            raise BotError("forms.expired")
        return Opened(context, team)

    @staticmethod
    def _mac(key: bytes, form_id: str, workspace: WorkspaceRef, person: str, body: str) -> bytes:
        message = json.dumps([form_id, workspace.key, person, body]).encode()
        return hmac.new(key, message, hashlib.sha256).digest()


def _encode(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")
