"""Sealed form contexts: only the same form, workspace and person, unchanged, within the hour."""

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.domain.workspaces import WorkspaceRef
from bot.services.errors import BotError
from bot.services.form_context import FORM_LIFETIME, FormSeals, Opened

SECRET, OLD_SECRET = b"form-test-secret-0123456789abcdef", b"old-test-secret-0123456789abcdef"
WORKSPACE = WorkspaceRef("teams", "tenant-1")
START = datetime(2026, 11, 26, 8, 0, tzinfo=UTC)
OPENED = Opened("19:team@thread.tacv2", "19:team@thread.tacv2")


class Clock:
    def __init__(self) -> None:
        self.current = START

    def now(self) -> datetime:
        return self.current


def refusal(seals: FormSeals, *args: object) -> str:
    with pytest.raises(BotError) as refused:
        seals.open(*args)  # type: ignore[arg-type]
    return refused.value.prompt


def test_a_sealed_context_opens_for_the_same_form_workspace_and_person() -> None:
    seals = FormSeals((SECRET,), Clock())
    sealed = seals.seal("schedule_form", WORKSPACE, "ana", OPENED)
    assert seals.open("schedule_form", WORKSPACE, "ana", sealed) == OPENED


def test_another_person_form_or_workspace_is_refused() -> None:
    seals = FormSeals((SECRET,), Clock())
    sealed = seals.seal("schedule_form", WORKSPACE, "ana", OPENED)
    assert refusal(seals, "schedule_form", WORKSPACE, "sam", sealed) == "forms.refused"
    assert refusal(seals, "volunteer_form", WORKSPACE, "ana", sealed) == "forms.refused"
    other = WorkspaceRef("teams", "tenant-2")
    assert refusal(seals, "schedule_form", other, "ana", sealed) == "forms.refused"


def test_an_empty_or_unsealed_context_is_refused() -> None:
    seals = FormSeals((SECRET,), Clock())
    for given_context in ("", "19:team@thread.tacv2", ".", "a.b", "\x00.\udcff"):
        assert refusal(seals, "schedule_form", WORKSPACE, "ana", given_context) == "forms.refused"


def test_a_context_past_its_hour_is_refused_as_expired() -> None:
    clock = Clock()
    seals = FormSeals((SECRET,), clock)
    sealed = seals.seal("schedule_form", WORKSPACE, "ana", OPENED)
    clock.current = START + FORM_LIFETIME
    assert seals.open("schedule_form", WORKSPACE, "ana", sealed) == OPENED
    clock.current = START + FORM_LIFETIME + timedelta(seconds=1)
    assert refusal(seals, "schedule_form", WORKSPACE, "ana", sealed) == "forms.expired"


def test_a_context_sealed_before_a_rotation_still_opens_and_another_secret_s_does_not() -> None:
    clock = Clock()
    sealed = FormSeals((OLD_SECRET,), clock).seal("schedule_form", WORKSPACE, "ana", OPENED)
    assert (
        FormSeals((SECRET, OLD_SECRET), clock).open("schedule_form", WORKSPACE, "ana", sealed)
        == OPENED
    )
    assert refusal(FormSeals((SECRET,), clock), "schedule_form", WORKSPACE, "ana", sealed) == (
        "forms.refused"
    )


@given(
    context=st.text(max_size=60),
    team=st.one_of(st.none(), st.text(max_size=40)),
    position=st.integers(min_value=0),
    bit=st.integers(min_value=0, max_value=7),
)
def test_any_bit_flip_in_a_sealed_context_is_refused(
    context: str, team: str | None, position: int, bit: int
) -> None:
    seals = FormSeals((SECRET,), Clock())
    sealed = seals.seal("schedule_form", WORKSPACE, "ana", Opened(context, team)).encode()
    at = position % len(sealed)
    flipped = bytearray(sealed)
    flipped[at] ^= 1 << bit
    changed = flipped.decode("utf-8", errors="surrogateescape")
    assert refusal(seals, "schedule_form", WORKSPACE, "ana", changed) == "forms.refused"
