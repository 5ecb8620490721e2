"""Scenario steps that read the same on every chat platform: the Platform protocol."""

from collections.abc import Sequence
from datetime import timedelta
from typing import Protocol

from bootstrap import Wellspring

PLATFORMS = ("slack", "teams")


class Platform(Protocol):
    """One chat platform driving the real app; people and teams are named in plain words."""

    name: str
    ws: Wellspring

    def setting_id(self, person: str) -> str:
        """How SUPERVISOR_USER_IDS names this person on this platform."""
        ...

    def identities(self, person: str) -> set[str]:
        """Every id, name and address the platform knows the person by."""
        ...

    def shown_as(self, person: str) -> str:
        """How the bot names the person in a message."""
        ...

    def team_shown_as(self, team: str) -> str:
        """How the bot names the team's channel in a message."""
        ...

    async def install(self, team: str, members: Sequence[str]) -> None:
        """The team's channel gets the app; `members` are in it."""
        ...

    async def checkin_now(self, team: str, by: str) -> None:
        """`checkin now` typed in the team's channel; the check-in card is posted there."""
        ...

    def checkin_levels(self, team: str) -> list[str]:
        """The answer buttons on the team's latest check-in card, as it now stands."""
        ...

    def checkin_text(self, team: str) -> str:
        """The text of the team's latest check-in card, as it now stands."""
        ...

    async def answer(self, person: str, level: str, team: str) -> str:
        """Click `level` on the team's check-in; the private reply's text."""
        ...

    async def close_window(self) -> None:
        """Time passes the response window; the check-ins close."""
        ...

    async def later(self, after: timedelta) -> None:
        """Time moves on by `after` and what fell due is done."""
        ...

    async def summary(self, supervisor: str, team: str | None = None) -> str:
        """`pulse` in the team's channel, or privately without a team; the private reply."""
        ...

    async def audit(self, supervisor: str) -> str:
        """`pulse audit` privately; the reply."""
        ...

    async def typed(self, person: str, words: str, team: str | None = None) -> str:
        """`words` (a command word first, e.g. "pulse export") typed in the team's channel,
        or privately without a team; everything the person alone was shown."""
        ...

    async def volunteer(self, peer: str) -> None:
        """`debrief volunteer`, then the form filled in: any day, any hour, UTC."""
        ...

    async def request_debrief(
        self, person: str, *, kind: str = "hard_case", urgency: str = "today", note: str = ""
    ) -> None:
        """`debrief`, then the request form filled in and sent."""
        ...

    def offers_to(self, peer: str) -> list[str]:
        """The texts of the debrief offers the peer was sent."""
        ...

    async def accept_offer(self, peer: str) -> str:
        """Accept the peer's latest offer; what the peer is shown."""
        ...

    async def pass_offer(self, peer: str) -> str:
        """Pass on the peer's latest offer; what the peer is shown."""
        ...

    def private_messages(self, person: str) -> list[str]:
        """Every message only this person saw, each version of it, in order."""
        ...

    def connected(self, person_a: str, person_b: str) -> bool:
        """The two were put in touch privately, with the introduction."""
        ...

    async def database_dump(self) -> str:
        """Every row of every table, one line each."""
        ...

    def logs(self) -> str:
        """Every log line captured so far, with its arguments."""
        ...
