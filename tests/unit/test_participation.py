"""Participation markers: one per person and check-in, stable across releases."""

import hashlib
import hmac

from bot.domain.participation import participation_markers


def test_a_marker_is_the_hmac_of_its_documented_message_so_it_stays_stable() -> None:
    # A window open across an upgrade must still count each person once: the message
    # (context, check-in, workspace, person, NUL-separated) may not drift between releases.
    message = b"wellspring participation marker v1\0c1\0slack:T1\0U1"
    expected = hmac.new(b"secret", message, hashlib.sha256).hexdigest()
    assert participation_markers([b"secret"], "c1", "slack:T1", "U1") == (expected,)


def test_each_secret_gives_its_own_marker_newest_first() -> None:
    new, old = participation_markers([b"new", b"old"], "c1", "slack:T1", "U1")
    assert new != old
    assert participation_markers([b"new"], "c1", "slack:T1", "U1") == (new,)
    assert participation_markers([b"new"], "c1", "slack:T1", "U2") != (new,)
