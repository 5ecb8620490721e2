"""Thousands of validly signed but generated Slack requests: never a 5xx, never a traceback,
no generated value in the log, no call to a host that is not Slack's, always answered within
Slack's 3 seconds, and the app healthy afterwards."""

from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.slack_signer import FORM, JSON
from tests.fuzz.conftest import PROFILE, Target, is_live
from tests.fuzz.strategies import block_actions, events, slash_commands, view_submissions

pytestmark = pytest.mark.asyncio(loop_scope="module")


@PROFILE
@given(form=slash_commands())
async def test_generated_slash_commands_are_answered_cleanly(
    target: Target, form: dict[str, str]
) -> None:
    await target.command(form)


@PROFILE
@given(payload=block_actions())
async def test_generated_button_clicks_are_answered_cleanly(
    target: Target, payload: dict[str, Any]
) -> None:
    await target.interaction(payload)


@PROFILE
@given(payload=view_submissions())
async def test_generated_form_submissions_are_answered_cleanly(
    target: Target, payload: dict[str, Any]
) -> None:
    await target.interaction(payload)


@PROFILE
@given(envelope=events("U0BOT"))
async def test_generated_events_are_answered_cleanly(
    target: Target, envelope: dict[str, Any]
) -> None:
    await target.event(envelope)


@PROFILE
@given(
    body=st.one_of(st.just(b""), st.binary(max_size=300), st.text(max_size=300).map(str.encode)),
    kind=st.sampled_from([FORM, JSON, "text/plain"]),
)
async def test_signed_bodies_that_are_no_slack_payload_are_refused_cleanly(
    target: Target, body: bytes, kind: str
) -> None:
    await target.exchange(body, kind)


async def test_the_app_is_live_and_called_no_stranger_after_the_fuzzing(target: Target) -> None:
    assert await is_live(target.ws)
    assert target.sent > 0
    assert target.watched.stranger.requests == []
    assert not [line for _, line in target.watched.log.lines if "Traceback" in line]
