"""Bot Framework-looking tokens signed by a key made in the test, never by Microsoft."""

from __future__ import annotations

import time
import uuid
from functools import cache
from typing import Any

import jwt
from cryptography.hazmat.primitives.asymmetric import rsa

BOT_FRAMEWORK_ISSUER = "https://api.botframework.com"


@cache
def forging_key() -> rsa.RSAPrivateKey:
    """One RSA key per test run (made once: generating it takes a moment)."""
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


def forged_token(app_id: str, service_url: str, **claims: Any) -> str:
    """An RS256 JWT with the claims the Bot Connector puts in its tokens, but a foreign signature.

    Everything except the signature would pass: issuer, audience, service URL (the claim is
    spelled `serviceurl` in Bot Framework tokens, and that is what the Teams SDK checks) and a
    current validity window. `claims` adds or overrides claims.
    """
    now = int(time.time())
    payload: dict[str, Any] = {
        "iss": BOT_FRAMEWORK_ISSUER,
        "aud": app_id,
        "serviceurl": service_url,
        "nbf": now - 60,
        "iat": now - 60,
        "exp": now + 3600,
    }
    payload.update(claims)
    kid = uuid.uuid4().hex  # a key id Microsoft's key set does not have
    return jwt.encode(payload, forging_key(), algorithm="RS256", headers={"kid": kid})
