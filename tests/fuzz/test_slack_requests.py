"""Thousands of validly signed but generated Slack requests: never a 5xx, never a traceback,
always answered within Slack's 3 seconds, and the app healthy afterwards."""

from typing import Any

import aiohttp
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.fakes.slack_signer import FORM, JSON
from tests.fuzz.conftest import PROFILE, Target
from tests.fuzz.strategies import block_actions, events, slash_commands, view_submissions

pytestmark = pytest.mark.asyncio(loop_scope="module")
RESPONSE_URL = "@RESPONSE_URL@"


@PROFILE
@given(form=slash_commands(RESPONSE_URL))
async def test_generated_slash_commands_are_answered_cleanly(
    target: Target, form: dict[str, str]
) -> None:
    form["response_url"] = target.fake.new_response_url()
    await target.command(form)


@PROFILE
@given(payload=block_actions(RESPONSE_URL))
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


async def test_the_app_is_healthy_and_logged_no_traceback_after_the_fuzzing(target: Target) -> None:
    async with (
        aiohttp.ClientSession() as session,
        session.get(target.ws.url + "/healthz") as health,
    ):
        assert health.status == 200
    assert target.sent > 0
    assert not [line for _, line in target.log.lines if "Traceback" in line]
