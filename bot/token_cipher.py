"""Seals stored platform tokens with Fernet: the first key seals, every listed key opens."""

from collections.abc import Sequence

from cryptography.fernet import Fernet, InvalidToken, MultiFernet


class TokenUnreadable(Exception):
    """A stored token that none of the configured keys opens (a key was dropped too soon)."""


class TokenCipher:
    """Fernet keys in order of preference; raises ValueError for none or a malformed one."""

    def __init__(self, keys: Sequence[str]) -> None:
        if not keys:
            raise ValueError("no key")
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
