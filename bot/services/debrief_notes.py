"""A debrief's note: sealed before it is stored, opened only for the peer who accepts, and
wiped from the database files once it is cleared."""

import logging
from typing import Protocol

from bot.keys.token_cipher import TokenCipher, TokenUnreadable

logger = logging.getLogger(__name__)

# Labels the note key derived from each pulse secret (bot.keys.token_cipher.derived_keys).
NOTE_KEY_LABEL = b"wellspring/debrief-note/v1"
# What every Fernet token starts with; a stored note without it predates sealed notes.
_SEALED_PREFIX = "gAAAAA"


class NoteWiper(Protocol):
    """Wipes cleared notes from the database files: pages, dead row versions, the WAL."""

    async def wipe_notes(self) -> bool:
        """True when no cleared note is left readable; False when busy (retried by itself)."""
        ...


def open_note(notes: TokenCipher, sealed: str | None) -> str | None:
    """The note's words; None when no configured pulse secret opens it any more."""
    if sealed is None:
        return None
    try:
        return notes.open(sealed)
    except TokenUnreadable:
        if not sealed.startswith(_SEALED_PREFIX):
            return sealed  # stored before notes were sealed (0.2.0 and older)
        logger.warning("a debrief note could not be opened (its pulse secret was dropped)")
        return None
