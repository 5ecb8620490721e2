"""Tests for the Slack fakes, driven through the real slack_sdk and slack_bolt clients."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl

import pytest
from aiohttp import web
from slack_bolt.async_app import AsyncApp
from slack_sdk.errors import SlackApiError
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.models.blocks import (
    ActionsBlock,
    ButtonElement,
    ContextBlock,
    DividerBlock,
    HeaderBlock,
    InputBlock,
    MarkdownTextObject,
    PlainTextInputElement,
    SectionBlock,
)
from slack_sdk.models.views import View
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.webhook.async_client import AsyncWebhookClient

from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient, sign

# Posting blocks without fallback text is deliberate in several tests.
pytestmark = pytest.mark.filterwarnings("ignore:The top-level `text` argument:UserWarning")
SECRET = "8f742231b10e8888abcd99yyyzzz85a5"
# Slack's slash-command form fields, in the order Slack sends them.
COMMAND_FIELDS = [
    "token",
    "team_id",
    "team_domain",
    "channel_id",
    "channel_name",
    "user_id",
    "user_name",
    "command",
    "text",
    "api_app_id",
    "is_enterprise_install",
    "response_url",
    "trigger_id",
]
Echo = tuple[str, list[tuple[bytes, dict[str, str]]]]
SECTION = {"type": "section", "text": {"type": "mrkdwn", "text": "hi"}}


@pytest.fixture
async def fake() -> AsyncIterator[FakeSlack]:
    fake = FakeSlack()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
def client(fake: FakeSlack) -> AsyncWebClient:
    return AsyncWebClient(token="xoxb-test", base_url=fake.api_url)


async def error_of(call: Any) -> str:
    with pytest.raises(SlackApiError) as caught:
        await call
    return str(caught.value.response["error"])


async def test_post_message_answers_like_slack_with_increasing_ts(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    replies = [await client.chat_postMessage(channel="C1", text=f"m{i}") for i in range(3)]
    stamps = [r["ts"] for r in replies]
    assert stamps[0] == "1700000000.000100"
    assert stamps == sorted(stamps, key=float) and len(set(stamps)) == 3
    assert replies[1]["message"]["text"] == "m1" and replies[1]["message"]["bot_id"] == "B0BOT"
    assert replies[0].headers["X-Slack-Req-Id"]
    assert replies[0].headers["Content-Type"].startswith("application/json")
    calls = fake.calls_to("chat.postMessage")
    assert [c.params["text"] for c in calls] == ["m0", "m1", "m2"] and all(c.ok for c in calls)
    assert calls[0].headers["Authorization"] == "Bearer xoxb-test"
    assert (await client.auth_test())["user_id"] == "U0BOT"
    assert fake.protocol_errors == []


async def test_unknown_method_and_missing_token_are_protocol_errors(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    assert await error_of(client.api_call("chat.postMessages")) == "unknown_method"
    anonymous = AsyncWebClient(token=None, base_url=fake.api_url)
    assert await error_of(anonymous.chat_postMessage(channel="C1", text="x")) == "not_authed"
    assert len(fake.protocol_errors) == 2
    assert "chat.postMessages" in fake.protocol_errors[0]


async def test_spec_required_parameters_are_enforced_without_false_alarms(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    call = client.api_call("chat.postEphemeral", json={"channel": "C1", "text": "x"})
    assert await error_of(call) == "invalid_arguments"
    assert fake.protocol_errors == ["chat.postEphemeral: missing required field: user"]
    # Blocks without text are legitimate, and slack_sdk sends conversations.info as a GET.
    await client.chat_postMessage(channel="C1", blocks=[SECTION])
    assert (await client.conversations_info(channel="C1"))["channel"]["id"] == "C1"
    assert len(fake.protocol_errors) == 1


@pytest.mark.parametrize(
    "blocks",
    [
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x" * 3001}}],
        [{"type": "carousel", "text": "no such block"}],
        [{"type": "actions", "elements": [{"type": "hologram", "action_id": "a"}]}],
        [{"type": "section", "text": {"type": "mrkdwn", "text": "x"}, "acessory": {}}],
        [{"type": "section", "text": "bare strings are not text objects"}],
        [{"type": "header", "text": {"type": "mrkdwn", "text": "headers are plain_text"}}],
        [SECTION] * 51,
    ],
    ids=["too-long", "unknown-block", "unknown-element", "typo", "bare-text", "mrkdwn", "51"],
)
async def test_invalid_blocks_are_rejected(
    fake: FakeSlack, client: AsyncWebClient, blocks: list[dict[str, Any]]
) -> None:
    assert await error_of(client.chat_postMessage(channel="C1", blocks=blocks)) == "invalid_blocks"
    assert fake.protocol_errors and fake.protocol_errors[0].startswith("chat.postMessage: /blocks")


async def test_blocks_and_views_built_with_slack_sdk_models_are_accepted(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    button = ButtonElement(text="Check in", action_id="checkin", value="1", style="primary")
    blocks = [
        HeaderBlock(text="Weekly pulse"),
        SectionBlock(text=MarkdownTextObject(text="*How are you?*"), accessory=button),
        DividerBlock(),
        ContextBlock(elements=[MarkdownTextObject(text="anonymous")]),
        ActionsBlock(elements=[button]),
    ]
    posted = await client.chat_postMessage(channel="C1", text="pulse", blocks=blocks)
    await client.chat_update(channel="C1", ts=posted["ts"], text="done", blocks=blocks[:2])
    field = InputBlock(label="Mood", element=PlainTextInputElement(action_id="v"), block_id="m")
    view = View(type="modal", callback_id="pulse", title="Pulse", submit="Send", blocks=[field])
    opened = await client.views_open(trigger_id="1.2.abc", view=view)
    assert opened["view"]["id"].startswith("V") and opened["view"]["hash"]
    assert opened["view"]["callback_id"] == "pulse" and fake.views[opened["view"]["id"]]
    assert fake.protocol_errors == []
    long_title = {**view.to_dict(), "title": {"type": "plain_text", "text": "x" * 25}}
    assert await error_of(client.views_open(trigger_id="t", view=long_title)) == "invalid_blocks"


async def test_overlong_text_is_rejected(fake: FakeSlack, client: AsyncWebClient) -> None:
    assert await error_of(client.chat_postMessage(channel="C1", text="x" * 40_001)) == (
        "msg_too_long"
    )


async def test_rate_limit_is_retried_by_slack_sdk(
    fake: FakeSlack, client: AsyncWebClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The handler sleeps Retry-After plus random() seconds; pin the jitter to zero.
    monkeypatch.setattr(random, "random", lambda: 0.0)
    client.retry_handlers.append(AsyncRateLimitErrorRetryHandler(max_retry_count=1))
    fake.fail_next("chat.postMessage", status=429, retry_after=0)
    reply = await client.chat_postMessage(channel="C1", text="hello")
    assert reply["ok"] is True
    calls = fake.calls_to("chat.postMessage")
    assert [c.status for c in calls] == [429, 200]
    assert calls[0].response == {"ok": False, "error": "ratelimited"}
    assert sum(c.ok for c in calls) == 1


async def test_faults_surface_as_slack_api_errors(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.fail_next("chat.postMessage", error="channel_not_found", times=2)
    fake.fail_next("users.info", status=500)
    fake.fail_next("auth.test", status=429, retry_after=7)
    for _ in range(2):
        assert await error_of(client.chat_postMessage(channel="C1", text="x")) == (
            "channel_not_found"
        )
    assert (await client.chat_postMessage(channel="C1", text="x"))["ok"] is True
    with pytest.raises(SlackApiError) as caught:
        await client.users_info(user="U1")
    assert caught.value.response.status_code == 500
    with pytest.raises(SlackApiError) as limited:
        await client.auth_test()
    assert limited.value.response.headers["Retry-After"] == "7"
    with pytest.raises(ValueError, match="error="):
        fake.fail_next("chat.postMessage")


async def test_users_and_conversations(fake: FakeSlack, client: AsyncWebClient) -> None:
    fake.add_user("U1", tz="Europe/Berlin", name="ana")
    user = (await client.users_info(user="U1"))["user"]
    assert (user["name"], user["tz"], user["deleted"]) == ("ana", "Europe/Berlin", False)
    assert user["tz_offset"] in (3600, 7200)
    assert await error_of(client.users_info(user="U404")) == "user_not_found"
    group = (await client.conversations_open(users=["U2", "U1"]))["channel"]["id"]
    assert group.startswith("G")
    assert (await client.conversations_open(users="U1,U2"))["channel"]["id"] == group
    direct = (await client.conversations_open(users=["U1"]))["channel"]["id"]
    assert direct.startswith("D") and direct != group
    assert fake.protocol_errors == []


async def test_conversation_members_page_by_cursor_like_slack(
    fake: FakeSlack, client: AsyncWebClient
) -> None:
    everyone = [f"U{n:04d}" for n in range(250)]
    fake.members["C1"] = everyone
    first = await client.conversations_members(channel="C1", limit=100)
    pages = [page["members"] async for page in first]  # slack_sdk follows next_cursor
    assert [len(page) for page in pages] == [100, 100, 50]
    assert [user for page in pages for user in page] == everyone
    calls = fake.calls_to("conversations.members")
    assert [(c.params["limit"], bool(c.params.get("cursor"))) for c in calls] == [
        ("100", False),
        ("100", True),
        ("100", True),
    ]
    assert first["response_metadata"]["next_cursor"] == ""  # iterating moved it to the last page
    default = await client.conversations_members(channel="C1")
    assert default["members"] == everyone[:100]
    assert await error_of(client.conversations_members(channel="C404")) == "channel_not_found"
    assert await error_of(client.conversations_members(channel="C1", cursor="junk")) == (
        "invalid_cursor"
    )
    assert fake.protocol_errors == []


async def test_files_upload_v2_end_to_end(fake: FakeSlack, client: AsyncWebClient) -> None:
    reply = await client.files_upload_v2(content=b"png", filename="x.png", channel="C1")
    assert reply["file"]["title"] == "x.png"
    assert fake.uploads == {reply["file"]["id"]: b"png"}
    completed = fake.calls_to("files.completeUploadExternal")[0]
    assert completed.params["channel_id"] == "C1"
    assert completed.params["files"][0]["id"] == reply["file"]["id"]
    assert fake.protocol_errors == []


async def test_response_urls_record_and_validate_posts(fake: FakeSlack) -> None:
    url = fake.new_response_url()
    sent = await AsyncWebhookClient(url).send(text="thanks", response_type="ephemeral")
    assert sent.status_code == 200
    bad = await AsyncWebhookClient(url).send(blocks=[{"type": "nope"}])
    assert bad.status_code == 400
    posts = await fake.wait_for_response_posts(2)
    assert posts[0].body == {"text": "thanks", "response_type": "ephemeral"}
    assert [p.status for p in posts] == [200, 400]
    stray = await AsyncWebhookClient(url.rsplit("/", 1)[0] + "/forged").send(text="x")
    assert stray.status_code == 404
    assert len(fake.protocol_errors) == 2 and "forged" in fake.protocol_errors[1]


def test_a_missing_spec_file_is_a_loud_error_not_a_silent_skip() -> None:
    with pytest.raises(FileNotFoundError):
        FakeSlack(spec_path=Path("/nonexistent/slack_web_api_methods.json"))


async def test_wait_for_reports_what_happened(fake: FakeSlack, client: AsyncWebClient) -> None:
    await client.auth_test()
    with pytest.raises(AssertionError, match=r"chat\.postMessage.*auth\.test"):
        await fake.wait_for("chat.postMessage", timeout=0.01)


async def test_without_spec_only_method_checking_is_off() -> None:
    fake = FakeSlack(spec_path=None)
    await fake.start()
    try:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.api_url)
        assert (await client.api_call("brand.newMethod"))["ok"] is True
        assert await error_of(client.chat_postMessage(channel="C", blocks=[{}])) == (
            "invalid_blocks"
        )
    finally:
        await fake.stop()


@pytest.fixture
async def echo() -> AsyncIterator[Echo]:
    """A stand-in app that records each raw request and answers 200."""
    seen: list[tuple[bytes, dict[str, str]]] = []

    async def record(request: web.Request) -> web.Response:
        seen.append((await request.read(), dict(request.headers)))
        return web.json_response({"echo": len(seen)})

    app = web.Application()
    app.router.add_post("/slack/events", record)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    yield f"http://127.0.0.1:{runner.addresses[0][1]}", seen
    await runner.cleanup()


async def test_signer_signs_like_slack(fake: FakeSlack, echo: Echo) -> None:
    url, seen = echo
    signer = SignedSlackClient(url, SECRET, fake)
    try:
        reply = await signer.command("/wellspring", "pulse now", user_id="U7")
        await signer.command("/wellspring", secret="not-the-secret")
        await signer.raw(b"{}", "application/json", signed=False)
        await signer.command("/wellspring", timestamp=1_000)
    finally:
        await signer.close()
    assert reply.status == 200 and reply.json() == {"echo": 1}
    verifier = SignatureVerifier(SECRET)
    valid = [
        verifier.is_valid(body, h.get("X-Slack-Request-Timestamp"), h.get("X-Slack-Signature"))
        for body, h in seen
    ]
    assert valid == [True, False, False, False]
    assert "X-Slack-Signature" not in seen[2][1]
    assert sign(b"a=1", SECRET, 1_000)["X-Slack-Signature"] == verifier.generate_signature(
        timestamp="1000", body=b"a=1"
    )
    body, headers = seen[0]
    assert headers["Content-Type"] == "application/x-www-form-urlencoded"
    form = parse_qsl(body.decode())
    assert [k for k, _ in form] == COMMAND_FIELDS
    fields = dict(form)
    assert [fields[k] for k in ("command", "text", "user_id")] == ["/wellspring", "pulse now", "U7"]
    assert fields["response_url"] == reply.response_url and fields["trigger_id"]
    assert fields["response_url"].startswith(fake.base_url + "/response/")


async def test_signer_event_envelope_and_retries(fake: FakeSlack, echo: Echo) -> None:
    url, seen = echo
    signer = SignedSlackClient(url, SECRET, fake)
    event = {"type": "app_mention", "user": "U7", "text": "<@U0BOT> hi", "channel": "C0TEAM"}
    try:
        await signer.event(event, event_id="Ev1")
        await signer.event(event, event_id="Ev1", retry_num=1)
        await signer.url_verification("challenge-me")
    finally:
        await signer.close()
    envelope = json.loads(seen[1][0])
    assert envelope["type"] == "event_callback" and envelope["event"] == event
    assert envelope["event_id"] == "Ev1" and envelope["team_id"] == "T0AGENCY"
    assert envelope["authorizations"][0]["user_id"] == "U0BOT"
    assert "X-Slack-Retry-Num" not in seen[0][1]
    assert seen[1][1]["X-Slack-Retry-Num"] == "1"
    assert seen[1][1]["X-Slack-Retry-Reason"] == "http_timeout"
    assert json.loads(seen[2][0])["challenge"] == "challenge-me"


async def test_signer_payloads_are_understood_by_bolt(fake: FakeSlack) -> None:
    app = AsyncApp(signing_secret=SECRET, client=AsyncWebClient("xoxb-test", fake.api_url))
    seen: dict[str, Any] = {}

    @app.command("/wellspring")
    async def on_command(ack: Any, respond: Any, body: dict[str, Any], client: Any) -> None:
        await ack()
        await respond(text=f"got {body['text']}")
        modal = {
            "type": "modal",
            "callback_id": "pulse",
            "private_metadata": "C0TEAM",
            "title": {"type": "plain_text", "text": "Pulse"},
            "blocks": [SECTION],
        }
        await client.views_open(trigger_id=body["trigger_id"], view=modal)
        await client.chat_postMessage(channel=body["channel_id"], text="Rate", blocks=[SECTION])

    @app.action("rate")
    async def on_action(ack: Any, action: dict[str, Any], body: dict[str, Any]) -> None:
        await ack()
        message = body["message"]
        seen["action"] = (action["value"], body["channel"]["id"], message["ts"], message["text"])

    @app.view("pulse")
    async def on_submit(ack: Any, view: dict[str, Any]) -> None:
        await ack()
        seen["view"] = (view["private_metadata"], view["state"]["values"])

    runner = web.AppRunner(app.web_app())
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    signer = SignedSlackClient(f"http://127.0.0.1:{runner.addresses[0][1]}", SECRET, fake)
    try:
        assert (await signer.command("/wellspring", "now")).status == 200
        assert (await fake.wait_for_response_posts())[0].body["text"] == "got now"
        ts = (await fake.wait_for("chat.postMessage"))[0].response["ts"]
        assert (await signer.block_action("rate", "4", message_ts=ts)).status == 200
        values = {"m": {"v": {"type": "plain_text_input", "value": "ok"}}}
        assert (await signer.view_submission("pulse", values)).status == 200
        assert (await signer.command("/wellspring", secret="forged")).status == 401
    finally:
        await signer.close()
        await runner.cleanup()
    assert seen == {"action": ("4", "C0TEAM", ts, "Rate"), "view": ("C0TEAM", values)}
    assert fake.protocol_errors == []
