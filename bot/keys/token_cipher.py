"""Seals stored secrets with Fernet: the first key seals, every listed key opens."""

import base64
import hashlib
import hmac
from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenUnreadable(Exception):
    """A stored token that none of the configured keys opens (a key was dropped too soon)."""


class TokenCipher:
    """Fernet keys in order of preference; raises ValueError for none or a malformed one."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("no key")  # pragma: no mutate (never shown: settings say why)
        fernets = [Fernet(key.encode()) for key in keys]
        self._first = fernets[0]
        self._all = MultiFernet(fernets)

    def seal(self, token: str) -> str:
        return self._first.encrypt(token.encode()).decode()

    def open(self, sealed: str) -> str:
        try:
            return self._all.decrypt(sealed.encode()).decode()
        except InvalidToken:
            raise TokenUnreadable from None

    def reseal(self, sealed: str) -> str | None:
        """The token sealed with the first key; None when it already is."""
        try:
            self._first.decrypt(sealed.encode())
            return None
        except InvalidToken:
            pass
        try:
            return self._all.rotate(sealed.encode()).decode()
        except InvalidToken:
            raise TokenUnreadable from None


def derived_keys(secrets: Sequence[bytes], label: bytes) -> list[str]:
    """One Fernet key per server secret (newest first), for the use that `label` names.

    Keys for different uses never coincide, and none of them gives the secret back.
    """
    return [
        base64.urlsafe_b64encode(hmac.new(secret, label, hashlib.sha256).digest()).decode()
        for secret in secrets
    ]
