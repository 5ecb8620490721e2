"""Keys derived from the pulse secrets: one per use, and a rotation still opens older notes."""

import pytest

from bot.keys.token_cipher import TokenCipher, TokenUnreadable, derived_keys

OLD, NEW = b"an old pulse secret of some length", b"a new pulse secret of some length"
NOTES, OTHER = b"wellspring/debrief-note/v1", b"wellspring/another-use/v1"


def test_a_note_sealed_under_the_old_secret_opens_after_a_rotation() -> None:
    sealed = TokenCipher(derived_keys([OLD], NOTES)).seal("the home visit")
    assert TokenCipher(derived_keys([NEW, OLD], NOTES)).open(sealed) == "the home visit"


def test_another_label_or_a_dropped_secret_does_not_open_it() -> None:
    sealed = TokenCipher(derived_keys([OLD], NOTES)).seal("the home visit")
    for keys in (derived_keys([OLD], OTHER), derived_keys([NEW], NOTES)):
        with pytest.raises(TokenUnreadable):
            TokenCipher(keys).open(sealed)
