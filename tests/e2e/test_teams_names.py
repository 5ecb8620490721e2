"""Teams team and channel names are shown as written: never a link or emphasis in a card,
never a formula in the audit CSV."""

import json
from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.conftest import MovableClock
from tests.e2e.platforms.teams import TeamsPlatform
from tests.fakes.teams_activities import Person, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector, personal_conversation_id

TEAM = '=HYPERLINK("x") [Win a prize](https://evil.example) *now*'
SUPERVISOR = Person.named("Sam Super")
MEMBERS = [f"Worker {i}" for i in range(6)]


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"supervisor_user_ids": SUPERVISOR.aad_object_id}


def texts_sent_to(fake: FakeBotConnector, person: Person, before: int) -> list[str]:
    """Every TextBlock's markdown in the cards sent to `person`'s chat after `before`."""
    chat = personal_conversation_id(person.id)
    found: list[str] = []

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(str(node["text"]))
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for posted in fake.sent()[before:]:
        if posted.conversation == chat:
            walk(posted.cards)
    return found


async def test_a_team_name_with_markdown_and_a_formula_is_shown_literally(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    clock: MovableClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    platform = TeamsPlatform(teams_wellspring, teams, fake_teams, teams_activities, clock, caplog)
    await platform.install(TEAM, [*MEMBERS, SUPERVISOR.name])
    await platform.checkin_now(TEAM, MEMBERS[0])
    for member in MEMBERS:
        await platform.answer(member, "early", TEAM)
    await platform.close_window()
    await platform.summary(SUPERVISOR.name, TEAM)

    before = len(fake_teams.sent())
    await platform.audit(SUPERVISOR.name)
    audit = "\n".join(texts_sent_to(fake_teams, SUPERVISOR, before))
    assert "\\[Win a prize\\]\\(https://evil.example\\) \\*now\\*" in audit
    assert "](https://evil.example)" not in audit, "no link"

    before = len(fake_teams.sent())
    await platform._typed(
        SUPERVISOR, teams_activities.personal_message(SUPERVISOR, "pulse audit export")
    )
    exported = "\n".join(texts_sent_to(fake_teams, SUPERVISOR, before))
    assert "'=HYPERLINK" in exported, "the CSV cell starts with '"
    assert "](https://evil.example)" not in exported, "no link in the file's text either"
    assert json.dumps(TEAM)[1:-1] not in exported
