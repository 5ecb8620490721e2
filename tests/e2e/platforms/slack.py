"""The scenario steps on Slack: signed slash commands, button clicks and modals, fake Web API."""

import json
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.conftest import MovableClock
from tests.e2e.debrief_helpers import ask, blocks_of, offers_to, sign_up
from tests.e2e.platforms.common import dump_database, log_text, move_time, plain, slug, texts_in
from tests.e2e.pulse_helpers import WINDOW, answer
from tests.fakes.slack_api import ApiCall, FakeSlack
from tests.fakes.slack_signer import SignedSlackClient
from tests.support.clicks import click, level_buttons


def user_id(person: str) -> str:
    return "U0" + slug(person)  # as common.setting_ids


def channel_id(team: str) -> str:
    return "C0" + slug(team)


def call_text(call: ApiCall) -> str:
    blocks = call.params.get("blocks") or []
    blocks = json.loads(blocks) if isinstance(blocks, str) else blocks
    return plain(" ".join([str(call.params.get("text") or ""), *texts_in(blocks)]))


class SlackPlatform:
    name = "slack"

    def __init__(
        self,
        ws: Wellspring,
        slack: SignedSlackClient,
        fake: FakeSlack,
        clock: MovableClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        self.ws, self._slack, self._fake = ws, slack, fake
        self._clock, self._caplog = clock, caplog
        self._checkins: dict[str, ApiCall] = {}
        self._replies: dict[str, list[str]] = {}

    def setting_id(self, person: str) -> str:
        return user_id(person)

    def identities(self, person: str) -> set[str]:
        return {user_id(person), person}

    def shown_as(self, person: str) -> str:
        return f"<@{user_id(person)}>"

    def team_shown_as(self, team: str) -> str:
        return f"<#{channel_id(team)}>"

    async def install(self, team: str, members: Sequence[str]) -> None:
        # One workspace with a bot token: installing is inviting the bot to the channel.
        channel = channel_id(team)
        self._fake.channels[channel] = "-".join(team.lower().split())
        self._fake.members[channel] = [user_id(person) for person in members]
        for person in members:
            self._fake.add_user(user_id(person), name=person)

    async def checkin_now(self, team: str, by: str) -> None:
        channel = channel_id(team)
        before = len(self._fake.calls_to("chat.postMessage"))
        await self._slack.command("/checkin", "now", user_id=user_id(by), channel_id=channel)
        await self._fake.wait_for("chat.postMessage", count=before + 1)
        assert await self.ws.inflight.drain(5)
        posts = self._fake.calls_to("chat.postMessage")[before:]
        [checkin] = [p for p in posts if p.params["channel"] == channel and level_buttons(p)]
        self._checkins[team] = checkin

    def _card_now(self, team: str) -> ApiCall:
        posted = self._checkins[team]
        where = (posted.params["channel"], posted.response["ts"])
        updates = [
            c
            for c in self._fake.calls_to("chat.update")
            if c.ok and (c.params["channel"], c.params["ts"]) == where
        ]
        return updates[-1] if updates else posted

    def checkin_levels(self, team: str) -> list[str]:
        return list(level_buttons(self._card_now(team)))

    def checkin_text(self, team: str) -> str:
        return call_text(self._card_now(team))

    async def answer(self, person: str, level: str, team: str) -> str:
        body = await answer(
            self.ws, self._slack, self._fake, self._checkins[team], user_id(person), level
        )
        return self._reply(person, body)

    async def close_window(self) -> None:
        await self.later(WINDOW)

    async def later(self, after: timedelta) -> None:
        await move_time(self.ws, self._clock, after)

    async def summary(self, supervisor: str, team: str | None = None) -> str:
        channel = channel_id(team) if team else "D0" + slug(supervisor)
        return await self._command(supervisor, "/pulse", "", channel)

    async def audit(self, supervisor: str) -> str:
        return await self._command(supervisor, "/pulse", "audit", "D0" + slug(supervisor))

    async def typed(self, person: str, words: str, team: str | None = None) -> str:
        command, _, rest = words.partition(" ")
        channel = channel_id(team) if team else "D0" + slug(person)
        return await self._command(person, "/" + command, rest, channel)

    async def volunteer(self, peer: str) -> None:
        await sign_up(self.ws, self._slack, self._fake, user_id(peer), timezone="UTC")

    async def request_debrief(
        self, person: str, *, kind: str = "hard_case", urgency: str = "today", note: str = ""
    ) -> None:
        reply = await ask(
            self.ws, self._slack, self._fake, user_id(person), kind=kind, urgency=urgency, note=note
        )
        assert reply.status == 200 and reply.text == "", "the form closes without an error"

    def offers_to(self, peer: str) -> list[str]:
        return [call_text(call) for call in offers_to(self._fake, user_id(peer))]

    async def accept_offer(self, peer: str) -> str:
        return await self._offer_button(peer, "debrief_accept")

    async def pass_offer(self, peer: str) -> str:
        return await self._offer_button(peer, "debrief_pass")

    def private_messages(self, person: str) -> list[str]:
        dm = self._fake.dm_id(user_id(person))
        sent = [
            call_text(c)
            for c in self._fake.calls
            if c.method in ("chat.postMessage", "chat.update")
            and c.ok
            and c.response.get("channel") == dm
        ]
        return sent + self._replies.get(person, [])

    def connected(self, person_a: str, person_b: str) -> bool:
        pair = {user_id(person_a), user_id(person_b)}
        opened = [
            c
            for c in self._fake.calls_to("conversations.open")
            if c.ok and set(str(c.params.get("users", "")).split(",")) == pair
        ]
        group = self._fake.dm_id(*pair)
        intro = [
            c
            for c in self._fake.calls_to("chat.postMessage")
            if c.ok and c.params["channel"] == group
        ]
        return bool(opened and intro)

    async def database_dump(self) -> str:
        return await dump_database(self.ws)

    def logs(self) -> str:
        return log_text(self._caplog)

    async def _command(self, person: str, command: str, words: str, channel: str) -> str:
        before = len(self._fake.response_posts)
        reply = await self._slack.command(
            command, words, user_id=user_id(person), channel_id=channel
        )
        assert reply.status == 200
        [answer_post] = (await self._fake.wait_for_response_posts(before + 1))[before:]
        assert await self.ws.inflight.drain(5)
        assert answer_post.body.get("response_type") == "ephemeral", "only they see it"
        return self._reply(person, answer_post.body)

    async def _offer_button(self, peer: str, action: str) -> str:
        offer = offers_to(self._fake, user_id(peer))[-1]
        blocks = json.loads(blocks_of(offer))
        [(action_id, value)] = [
            (e["action_id"], e["value"])
            for b in blocks
            if b["type"] == "actions"
            for e in b["elements"]
            if e["action_id"].partition("#")[0] == action
        ]
        body = await click(self.ws, self._slack, self._fake, action_id, value, user_id(peer))
        return self._reply(peer, body)

    def _reply(self, person: str, body: dict[str, Any]) -> str:
        words = plain(" ".join([str(body.get("text") or ""), *texts_in(body.get("blocks") or [])]))
        self._replies.setdefault(person, []).append(words)
        return words
