"""Participation markers: who answered a check-in, as an HMAC under the server's secret.

A marker lets Wellspring count a person once per check-in without storing who they
are. It is keyed with a secret that never reaches the database, so a copy of the
database, even with every user id beside it, cannot be turned back into names.
Several secrets are accepted so that the secret can be rotated while windows are
open: a click records the person's marker under every configured secret, unless any of
them is already there. So two processes count a person once as long as they share one
secret, in whatever order a rotation reaches them (the README's *The pulse secret*).
"""

import hashlib
import hmac
from collections.abc import Sequence

_CONTEXT = b"wellspring participation marker v1"


def participation_markers(
    secrets: Sequence[bytes], checkin_id: str, workspace: str, person: str
) -> tuple[str, ...]:
    """The person's marker for this check-in under each secret, newest secret first."""
    # NUL cannot occur in any of the ids, so the message is unambiguous.
    message = b"\0".join((_CONTEXT, checkin_id.encode(), workspace.encode(), person.encode()))
    return tuple(hmac.new(secret, message, hashlib.sha256).hexdigest() for secret in secrets)
