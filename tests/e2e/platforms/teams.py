"""The scenario steps on Microsoft Teams: typed commands, Action.Execute clicks, dialogs."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Any
from urllib.parse import parse_qs, urlsplit

import pytest

from bootstrap import Wellspring
from tests.e2e.conftest import MovableClock
from tests.e2e.platforms.common import dump_database, log_text, move_time, plain, texts_in
from tests.e2e.pulse_helpers import WINDOW
from tests.fakes.teams_activities import Person, Place, Team, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, Posted, personal_conversation_id

CHAT_LINK = "https://teams.microsoft.com/l/chat/0/0"
ALL_DAYS = "mon,tue,wed,thu,fri,sat,sun"


def card_data(cards: list[dict[str, Any]], action: str) -> list[dict[str, Any]]:
    """The data of every button on `cards` whose data names `action`."""
    found = []
    for card in cards:
        for element in [*card.get("body", []), {"actions": card.get("actions", [])}]:
            for button in element.get("actions", []):
                data = button.get("data") or {}
                if data.get("action") == action:
                    found.append(data)
    return found


def levels_on(cards: list[dict[str, Any]]) -> list[str]:
    return [str(data["value"]).partition("|")[2] for data in card_data(cards, "pulse_level")]


def posted_text(posted: Posted) -> str:
    return plain(" ".join([posted.text, *texts_in(posted.cards)]))


class TeamsPlatform:
    name = "teams"

    def __init__(
        self,
        ws: Wellspring,
        teams: TeamsClient,
        fake: FakeBotConnector,
        activities: TeamsActivities,
        clock: MovableClock,
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        self.ws, self._teams, self._fake, self._make = ws, teams, fake, activities
        self._clock, self._caplog = clock, caplog
        self._checkins: dict[str, Posted] = {}
        self._replies: dict[str, list[str]] = {}

    def setting_id(self, person: str) -> str:
        return Person.named(person).aad_object_id

    def identities(self, person: str) -> set[str]:
        p = Person.named(person)
        return {p.id, p.aad_object_id, p.name, p.upn, p.email}

    def shown_as(self, person: str) -> str:
        return person

    def team_shown_as(self, team: str) -> str:
        return team  # a team's General channel, named as its team

    async def install(self, team: str, members: Sequence[str]) -> None:
        where, people = Team.named(team), [Person.named(m) for m in members]
        self._fake.rosters[where.channel_id()] = [p.account() for p in people]
        self._fake.teams[where.id] = where.details()
        for p in people:  # Teams knows each person's 1:1 chat with the bot
            self._fake.rosters[personal_conversation_id(p.id)] = [p.account()]
        await self._send(self._make.team_installed(people[0], where))

    async def checkin_now(self, team: str, by: str) -> None:
        before = len(self._fake.sent())
        await self._send(
            self._make.channel_message(Person.named(by), "checkin now", Team.named(team))
        )
        posts = [p for p in self._fake.sent()[before:] if not p.targeted]
        [checkin] = [p for p in posts if levels_on(p.cards)]
        self._checkins[team] = checkin

    def _card_now(self, team: str) -> list[dict[str, Any]]:
        posted = self._checkins[team]
        activity = self._fake.activity(posted.conversation, posted.id) or {}
        return Posted("now", posted.conversation, posted.id, activity).cards

    def checkin_levels(self, team: str) -> list[str]:
        return levels_on(self._card_now(team))

    def checkin_text(self, team: str) -> str:
        return plain(" ".join(texts_in(self._card_now(team))))

    async def answer(self, person: str, level: str, team: str) -> str:
        checkin, p = self._checkins[team], Person.named(person)
        [data] = [d for d in card_data(checkin.cards, "pulse_level") if d["value"].endswith(level)]
        click = self._make.card_action(
            p, Place.channel(Team.named(team)), data["action"], data, reply_to_id=checkin.id
        )
        before = len(self._fake.sent())
        body = await self._send(click)
        assert body.get("type") == "application/vnd.microsoft.activity.message", body
        return self._reply(person, self._private_since(before, p) or [str(body.get("value"))])

    async def close_window(self) -> None:
        await self.later(WINDOW)

    async def later(self, after: timedelta) -> None:
        await move_time(self.ws, self._clock, after)

    async def summary(self, supervisor: str, team: str | None = None) -> str:
        p = Person.named(supervisor)
        if team is None:
            return await self._typed(p, self._make.personal_message(p, "pulse"))
        return await self._typed(p, self._make.channel_message(p, "pulse", Team.named(team)))

    async def audit(self, supervisor: str) -> str:
        p = Person.named(supervisor)
        return await self._typed(p, self._make.personal_message(p, "pulse audit"))

    async def typed(self, person: str, words: str, team: str | None = None) -> str:
        p = Person.named(person)
        if team is None:
            return await self._typed(p, self._make.personal_message(p, words))
        return await self._typed(p, self._make.channel_message(p, words, Team.named(team)))

    async def volunteer(self, peer: str) -> None:
        values = {"capacity": "2", "days": ALL_DAYS, "timezone": "UTC"}
        await self._fill_form(Person.named(peer), "debrief volunteer", values)

    async def request_debrief(
        self, person: str, *, kind: str = "hard_case", urgency: str = "today", note: str = ""
    ) -> None:
        values = {"kind": kind, "urgency": urgency, "preference": "anyone", "note": note}
        await self._fill_form(Person.named(person), "debrief", values)

    def _offers(self, peer: str) -> list[Posted]:
        chat = personal_conversation_id(Person.named(peer).id)
        return [p for p in self._fake.sent(chat) if card_data(p.cards, "debrief_accept")]

    def offers_to(self, peer: str) -> list[str]:
        return [posted_text(p) for p in self._offers(peer)]

    async def accept_offer(self, peer: str) -> str:
        return await self._offer_button(peer, "debrief_accept")

    async def pass_offer(self, peer: str) -> str:
        return await self._offer_button(peer, "debrief_pass")

    def private_messages(self, person: str) -> list[str]:
        p = Person.named(person)
        chat = personal_conversation_id(p.id)
        seen = [
            posted_text(posted)
            for posted in self._fake.posted
            if posted.kind in ("send", "reply", "update")
            and (posted.conversation == chat or (posted.targeted and posted.recipient == p.id))
        ]
        return seen + self._replies.get(person, [])

    def connected(self, person_a: str, person_b: str) -> bool:
        """Each got the introduction in their own chat with a link to a chat with the other."""
        pair = {Person.named(person_a).upn, Person.named(person_b).upn}
        return all(pair in self._chat_links(person) for person in (person_a, person_b))

    def _chat_links(self, person: str) -> list[set[str]]:
        chat = personal_conversation_id(Person.named(person).id)
        links = []
        for posted in self._fake.sent(chat):
            for card in posted.cards:
                for action in card.get("actions", []):
                    url = str(action.get("url", ""))
                    if action.get("type") == "Action.OpenUrl" and url.startswith(CHAT_LINK):
                        users = parse_qs(urlsplit(url).query).get("users", [""])[0]
                        links.append(set(users.split(",")))
        return links

    async def database_dump(self) -> str:
        return await dump_database(self.ws)

    def logs(self) -> str:
        return log_text(self._caplog)

    # -- the moves underneath ------------------------------------------------------------

    async def _send(self, activity: dict[str, Any]) -> dict[str, Any]:
        answer = await self._teams.send(activity)
        assert answer.status == 200, (answer.status, answer.body)
        assert await self.ws.inflight.drain(5)
        return dict(answer.body or {})

    def _private_since(self, before: int, p: Person) -> list[str]:
        chat = personal_conversation_id(p.id)
        return [
            posted_text(posted)
            for posted in self._fake.sent()[before:]
            if posted.conversation == chat or (posted.targeted and posted.recipient == p.id)
        ]

    async def _typed(self, p: Person, message: dict[str, Any]) -> str:
        before = len(self._fake.sent())
        await self._send(message)
        shown = self._private_since(before, p)
        assert shown, "the bot answered privately"
        return self._reply(p.name, shown)

    async def _fill_form(self, p: Person, words: str, values: dict[str, str]) -> None:
        """Type `words`; click the private card's button; fill the dialog; send it."""
        chat, before = Place.personal(p), len(self._fake.sent())
        await self._send(self._make.personal_message(p, words))
        openers = [
            action["data"]
            for posted in self._fake.sent()[before:]
            for card in posted.cards
            for action in card.get("actions", [])
            if (action.get("data") or {}).get("msteams", {}).get("type") == "task/fetch"
        ]
        assert len(openers) == 1, f"one private card opens the form, got {len(openers)}"
        dialog = await self._send(self._make.task_fetch(p, chat, openers[0]))
        card = dialog["task"]["value"]["card"]["content"]
        [submit] = [a for a in card.get("actions", []) if a.get("type") == "Action.Submit"]
        closed = await self._send(self._make.task_submit(p, chat, {**submit["data"], **values}))
        assert "task" not in closed, f"the dialog closed without an error: {closed}"

    async def _offer_button(self, peer: str, action: str) -> str:
        p, offer = Person.named(peer), self._offers(peer)[-1]
        [data] = card_data(offer.cards, action)
        click = self._make.card_action(
            p, Place.personal(p), data["action"], data, reply_to_id=offer.id
        )
        before = len(self._fake.sent())
        body = await self._send(click)
        shown = [plain(" ".join(texts_in(body.get("value"))))] if body.get("statusCode") else []
        if isinstance(body.get("value"), str):
            shown = [body["value"]]
        return self._reply(peer, shown + self._private_since(before, p))

    def _reply(self, person: str, shown: list[str]) -> str:
        words = plain(" ".join(shown))
        self._replies.setdefault(person, []).append(words)
        return words
