"""The Teams fakes answer like the Bot Connector and build activities the Teams SDK accepts."""

from __future__ import annotations

import asyncio
import sys
import types
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import jwt
import pytest
from aiohttp import web
from microsoft_teams.api import ActivityTypeAdapter, ApiClient, MessageActivityInput
from microsoft_teams.api.clients.conversation import CreateConversationParams
from microsoft_teams.api.models import Account

from tests.fakes.teams_activities import (
    APP_ID,
    TENANT_ID,
    Person,
    Place,
    Team,
    TeamsActivities,
    TeamsClient,
)
from tests.fakes.teams_connector import ADAPTIVE_CARD, FakeBotConnector, personal_conversation_id
from tests.fakes.teams_tokens import BOT_FRAMEWORK_ISSUER, forged_token

ANA, BEN = Person.named("Ana Ruiz"), Person.named("Ben Okafor", timezone="Europe/Dublin")
TEAM = Team.named("Child Protection East")
CHANNEL = TEAM.channel_id()


@pytest.fixture
async def fake() -> AsyncIterator[FakeBotConnector]:
    fake = FakeBotConnector()
    await fake.start()
    yield fake
    await fake.stop()


@pytest.fixture
async def http() -> AsyncIterator[aiohttp.ClientSession]:
    async with aiohttp.ClientSession() as session:
        yield session


async def call(
    http: aiohttp.ClientSession,
    fake: FakeBotConnector,
    method: str,
    path: str,
    body: Any = None,
    **params: str,
) -> tuple[int, Any, dict[str, str]]:
    url = fake.service_url + path.lstrip("/")
    async with http.request(method, url, json=body, params=params) as response:
        payload = await response.json() if response.content_length else None
        return response.status, payload, dict(response.headers)


def message(text: str = "hello", **extra: Any) -> dict[str, Any]:
    return {"type": "message", "text": text, **extra}


async def test_a_personal_conversation_is_created_once_per_person(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    body = {"members": [{"id": ANA.id}], "tenantId": TENANT_ID, "isGroup": False}
    first = await call(http, fake, "POST", "/v3/conversations", body)
    again = await call(http, fake, "POST", "/v3/conversations", body)
    assert first[0] == 201 and first[1] == again[1] == {"id": personal_conversation_id(ANA.id)}
    assert first[1]["id"] == Place.personal(ANA).conversation_id
    assert fake.protocol_errors == []


async def test_a_conversation_without_a_tenant_or_a_group_chat_is_refused(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    no_tenant = await call(http, fake, "POST", "/v3/conversations", {"members": [{"id": ANA.id}]})
    group = {"members": [{"id": ANA.id}, {"id": BEN.id}], "isGroup": True}
    group["channelData"] = {"tenant": {"id": TENANT_ID}}
    refused = await call(http, fake, "POST", "/v3/conversations", group)
    assert no_tenant[0] == refused[0] == 400
    assert refused[1]["error"]["code"] == "BadArgument"
    assert len(fake.protocol_errors) == 2 and "group chat" in fake.protocol_errors[1]


async def test_a_new_channel_thread_starts_with_its_first_message(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    body = {"isGroup": True, "activity": message("Check-in"), "tenantId": TENANT_ID}
    body["channelData"] = {"channel": {"id": CHANNEL}, "tenant": {"id": TENANT_ID}}
    status, answer, _ = await call(http, fake, "POST", "/v3/conversations", body)
    assert status == 201
    assert answer["id"] == f"{CHANNEL};messageid={answer['activityId']}"
    assert [p.text for p in fake.sent(CHANNEL)] == ["Check-in"]


async def test_a_post_then_an_update_are_recorded_and_the_activity_changes(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    status, sent, _ = await call(
        http, fake, "POST", f"/v3/conversations/{CHANNEL}/activities", message()
    )
    path = f"/v3/conversations/{CHANNEL}/activities/{sent['id']}"
    updated = await call(http, fake, "PUT", path, message("closed"))
    assert status == 200 and updated[:2] == (200, {"id": sent["id"]})
    assert [(p.id, p.text, p.targeted) for p in fake.sent()] == [(sent["id"], "hello", False)]
    assert [(p.id, p.text) for p in fake.updates(CHANNEL)] == [(sent["id"], "closed")]
    assert (fake.activity(CHANNEL, sent["id"]) or {})["text"] == "closed"
    assert fake.calls[0].method == "POST" and fake.calls[0].body == message()


async def test_an_update_or_delete_of_an_unknown_activity_is_not_found(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    path = f"/v3/conversations/{CHANNEL}/activities/1234"
    assert (await call(http, fake, "PUT", path, message()))[0] == 404
    status, body, _ = await call(http, fake, "DELETE", path)
    assert status == 404 and body["error"]["code"] == "ActivityNotFound"


async def test_replies_and_deletes_are_recorded(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    conversation = Place.personal(ANA).conversation_id
    base = f"/v3/conversations/{conversation}/activities"
    _, root, _ = await call(http, fake, "POST", base, message("root"))
    _, reply, _ = await call(http, fake, "POST", f"{base}/{root['id']}", message("reply"))
    status, body, _ = await call(http, fake, "DELETE", f"{base}/{reply['id']}")
    assert (status, body) == (200, None)
    assert [(p.kind, p.reply_to_id) for p in fake.sent()] == [("send", None), ("reply", root["id"])]
    assert [p.id for p in fake.deleted()] == [reply["id"]]
    assert fake.activity(conversation, reply["id"]) is None


async def test_a_targeted_post_is_flagged_and_needs_a_recipient(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    path = f"/v3/conversations/{CHANNEL}/activities"
    only_ana = message("only you", recipient={"id": ANA.id})
    ok = await call(http, fake, "POST", path, only_ana, isTargetedActivity="true")
    refused = await call(http, fake, "POST", path, message(), isTargetedActivity="true")
    assert ok[0] == 200 and refused[0] == 400
    assert [(p.text, p.targeted, p.recipient) for p in fake.sent()] == [("only you", True, ANA.id)]
    assert fake.protocol_errors == [f"send {CHANNEL}: a targeted activity needs recipient.id"]


async def test_members_come_from_the_roster_in_pages(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    people = [Person.named(f"Worker {n}") for n in range(5)]
    fake.rosters[CHANNEL] = [p.account() for p in people]
    base = f"/v3/conversations/{CHANNEL}"
    seen, token, pages = [], None, 0
    while True:
        params = {"pageSize": "2"} | ({"continuationToken": token} if token else {})
        status, page, _ = await call(http, fake, "GET", f"{base}/pagedmembers", **params)
        assert status == 200
        seen += [m["id"] for m in page["members"]]
        pages, token = pages + 1, page.get("continuationToken")
        if not token:
            break
    assert pages == 3 and seen == [p.id for p in people]
    everyone = await call(http, fake, "GET", f"{base}/members")
    by_aad = await call(http, fake, "GET", f"{base}/members/{people[3].aad_object_id}")
    assert len(everyone[1]) == 5 and by_aad[1]["userPrincipalName"] == people[3].upn
    assert (await call(http, fake, "GET", f"{base}/members/29:nobody"))[0] == 404
    assert len(fake.calls_to("paged_members")) == 3 and fake.protocol_errors == []


async def test_an_unknown_conversation_is_a_bot_framework_404(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    status, body, _ = await call(http, fake, "GET", "/v3/conversations/19:gone@thread.v2/members")
    assert status == 404 and body["error"]["code"] == "ConversationNotFound"
    assert body["error"]["message"]


async def test_a_removed_bot_is_forbidden_everywhere_in_that_conversation(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    fake.remove_bot(CHANNEL)
    path = f"/v3/conversations/{CHANNEL};messageid=1764000000001/activities"
    status, body, _ = await call(http, fake, "POST", path, message())
    assert status == 403 and body["error"]["code"] == "BotNotInConversationRoster"
    assert fake.sent() == []


async def test_faults_answer_429_with_retry_after_then_the_next_call_succeeds(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    fake.fail_next("send", 429, retry_after=3)
    fake.fail_next("send", 502)
    path = f"/v3/conversations/{CHANNEL}/activities"
    throttled = await call(http, fake, "POST", path, message())
    gateway = await call(http, fake, "POST", path, message())
    delivered = await call(http, fake, "POST", path, message())
    assert throttled[0] == 429 and throttled[2]["Retry-After"] == "3"
    assert throttled[1]["error"]["code"] == "TooManyRequests"
    assert gateway[0] == 502 and "Retry-After" not in gateway[2]
    assert delivered[0] == 200 and len(fake.sent()) == 1
    assert [c.status for c in fake.calls_to("send")] == [429, 502, 200]


async def test_wait_for_wakes_when_the_call_arrives(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    waiter = asyncio.create_task(fake.wait_for("send", 2))
    path = f"/v3/conversations/{CHANNEL}/activities"
    for _ in range(2):
        await call(http, fake, "POST", path, message())
    calls = await waiter
    assert [c.status for c in calls] == [200, 200]
    assert len(await fake.wait_for_sent(2, CHANNEL)) == 2


async def test_protocol_mistakes_are_recorded(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    path = f"/v3/conversations/{CHANNEL}/activities"
    untyped = await call(http, fake, "POST", path, {"text": "no type"})
    empty = await call(http, fake, "POST", path, {"type": "message", "text": ""})
    huge = await call(http, fake, "POST", path, message("x" * 60_000))
    lost = await call(http, fake, "GET", "/v3/conversation/typo")
    assert [untyped[0], empty[0], huge[0], lost[0]] == [400, 400, 413, 404]
    assert huge[1]["error"]["code"] == "MessageSizeTooBig"
    assert [e.rpartition(": ")[2] for e in fake.protocol_errors] == [
        "activity without a type",
        "message activity with neither text nor attachments",
        "message of 120062 bytes, Teams takes at most 102400",
        "no Bot Connector endpoint GET /v3/conversation/typo",
    ]
    assert fake.sent() == []


async def test_base64_images_do_not_count_towards_the_size_limit(
    fake: FakeBotConnector, http: aiohttp.ClientSession
) -> None:
    image = {"contentType": "image/png", "contentUrl": "data:image/png;base64," + "A" * 200_000}
    path = f"/v3/conversations/{CHANNEL}/activities"
    status, _, _ = await call(http, fake, "POST", path, message("chart", attachments=[image]))
    assert status == 200 and fake.protocol_errors == []


async def test_adaptive_cards_are_judged_by_the_card_checker(
    fake: FakeBotConnector, http: aiohttp.ClientSession, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A stand-in checker: this test is about the wiring, not about what makes a card valid.
    checker = types.ModuleType("tests.support.adaptive_cards")
    checker.card_problems = lambda card: [] if card.get("version") else ["/version: missing"]  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "tests.support.adaptive_cards", checker)
    good = {"type": "AdaptiveCard", "version": "1.5", "body": []}
    path = f"/v3/conversations/{CHANNEL}/activities"
    for card in (good, {"type": "AdaptiveCard", "body": []}):
        attachment = {"contentType": ADAPTIVE_CARD, "content": card}
        status, _, _ = await call(http, fake, "POST", path, message(attachments=[attachment]))
        assert status == 200  # Teams shows most such cards; the test fails on the record
    assert fake.sent()[0].cards == [good]
    assert fake.protocol_errors == [f"send {CHANNEL}: attachments/0: /version: missing"]


@pytest.mark.filterwarnings("ignore::DeprecationWarning:microsoft_teams")
@pytest.mark.filterwarnings("ignore:.*ExperimentalTeamsTargeted")
async def test_the_teams_sdk_client_understands_the_fake(fake: FakeBotConnector) -> None:
    fake.rosters[CHANNEL] = [ANA.account(), BEN.account()]
    api = ApiClient(fake.service_url)
    params = CreateConversationParams(members=[Account(id=BEN.id)], tenant_id=TENANT_ID)
    created = await api.conversations.create(params)
    sent = await api.conversations.create_activity(created.id, MessageActivityInput(text="hi"))
    await api.conversations.update_activity(created.id, sent.id, MessageActivityInput(text="bye"))
    targeted = MessageActivityInput(text="yours").with_recipient(Account(id=ANA.id), True)
    await api.conversations.create_targeted_activity(CHANNEL, targeted)
    page = await api.conversations.get_paged_members(CHANNEL, page_size=1)
    member = await api.conversations.get_member_by_id(CHANNEL, BEN.id)
    assert created.id == personal_conversation_id(BEN.id)
    assert [(p.text, p.targeted) for p in fake.sent()] == [("hi", False), ("yours", True)]
    assert [p.text for p in fake.updates()] == ["bye"]
    assert [m.id for m in page.members] == [ANA.id] and page.continuation_token
    assert member.aad_object_id == BEN.aad_object_id
    assert fake.protocol_errors == []


BUILDER = TeamsActivities("http://127.0.0.1:9/")
ACTIVITIES = {
    "channel message": BUILDER.channel_message(ANA, "checkin now", TEAM),
    "personal message": BUILDER.personal_message(BEN, "debrief"),
    "group message": BUILDER.group_message(ANA, "pulse"),
    "card action": BUILDER.card_action(
        ANA, Place.channel(TEAM), "pulse", {"level": 3}, reply_to_id="1764000000001"
    ),
    "task fetch": BUILDER.task_fetch(BEN, Place.personal(BEN), {"dialog": "request"}),
    "task submit": BUILDER.task_submit(BEN, Place.personal(BEN), {"dialog": "request"}),
    "team install": BUILDER.team_installed(ANA, TEAM),
    "team uninstall": BUILDER.team_uninstalled(ANA, TEAM),
    "personal install": BUILDER.personal_installed(BEN),
    "personal uninstall": BUILDER.personal_uninstalled(BEN),
    "group install": BUILDER.group_installed(ANA),
    "group uninstall": BUILDER.group_uninstalled(ANA),
}


@pytest.mark.parametrize("name", list(ACTIVITIES))
def test_every_built_activity_is_one_the_teams_sdk_accepts(name: str) -> None:
    activity = ACTIVITIES[name]
    parsed = ActivityTypeAdapter.validate_python(activity)
    assert parsed.type == activity["type"] and activity["channelId"] == "msteams"
    assert activity["recipient"]["id"] == f"28:{APP_ID}"
    assert activity["from"]["id"].startswith("29:") and activity["from"]["aadObjectId"]
    assert activity["channelData"]["tenant"]["id"] == activity["conversation"]["tenantId"]
    client_info = next(e for e in activity["entities"] if e["type"] == "clientInfo")
    assert client_info["timezone"] in ("America/Chicago", "Europe/Dublin")


def test_a_channel_message_mentions_the_bot_and_names_team_and_channel() -> None:
    activity = ACTIVITIES["channel message"]
    mention = next(e for e in activity["entities"] if e["type"] == "mention")
    assert activity["text"] == "<at>Wellspring</at> checkin now"
    assert mention["mentioned"]["id"] == f"28:{APP_ID}"
    assert activity["channelData"]["team"]["id"] == TEAM.id
    assert activity["channelData"]["channel"]["id"] == CHANNEL
    assert activity["conversation"]["id"] == f"{CHANNEL};messageid={activity['id']}"


def test_a_card_click_carries_action_execute_and_the_cards_id() -> None:
    activity = ACTIVITIES["card action"]
    assert activity["name"] == "adaptiveCard/action" and activity["replyToId"] == "1764000000001"
    action = {"type": "Action.Execute", "verb": "pulse", "data": {"level": 3}}
    assert activity["value"] == {"action": action, "trigger": "manual"}


def test_installs_put_the_bot_in_members_added_or_removed() -> None:
    added, removed = ACTIVITIES["team install"], ACTIVITIES["team uninstall"]
    assert added["membersAdded"] == [{"id": f"28:{APP_ID}"}]
    assert removed["membersRemoved"] == [{"id": f"28:{APP_ID}"}]
    assert added["channelData"]["team"]["id"] == TEAM.id
    personal = ACTIVITIES["personal install"]
    assert (personal["action"], personal["conversation"]["conversationType"]) == ("add", "personal")
    assert ACTIVITIES["group uninstall"]["action"] == "remove"


async def test_the_teams_client_posts_with_the_bearer_token() -> None:
    seen: list[tuple[str, dict[str, Any]]] = []

    async def messages(request: web.Request) -> web.Response:
        seen.append((request.headers.get("Authorization", ""), await request.json()))
        return web.json_response({"status": 200}, status=200)

    app = web.Application()
    app.router.add_post("/api/messages", messages)
    runner = web.AppRunner(app)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    try:
        async with TeamsClient(f"http://127.0.0.1:{runner.addresses[0][1]}") as teams:
            answer = await teams.send(ACTIVITIES["personal message"], token="abc")
            bare = await teams.send(ACTIVITIES["personal message"])
    finally:
        await runner.cleanup()
    assert (answer.status, answer.body, bare.status) == (200, {"status": 200}, 200)
    assert [auth for auth, _ in seen] == ["Bearer abc", ""]


def test_a_forged_token_looks_right_but_is_not_signed_by_microsoft() -> None:
    token = forged_token(APP_ID, "https://smba.trafficmanager.net/teams/")
    header = jwt.get_unverified_header(token)
    claims = jwt.decode(token, options={"verify_signature": False})
    assert header["alg"] == "RS256" and header["kid"]
    assert claims["iss"] == BOT_FRAMEWORK_ISSUER and claims["aud"] == APP_ID
    assert claims["serviceurl"] == "https://smba.trafficmanager.net/teams/"
    from cryptography.hazmat.primitives.asymmetric import rsa

    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048).public_key()
    with pytest.raises(jwt.InvalidSignatureError):
        jwt.decode(token, stranger, algorithms=["RS256"], audience=APP_ID)
