"""Opening a Teams dialog as a person would, to send it back with the context it came with."""

from typing import Any

from tests.fakes.teams_activities import Person, Place, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector


async def dialog_data(
    teams: TeamsClient, acts: TeamsActivities, fake: FakeBotConnector,
    person: Person, place: Place, words: str,
) -> dict[str, Any]:  # fmt: skip
    """`words` typed in `place`; the private card's button clicked; the dialog's submit
    button's data (its form id and sealed context), ready for the inputs to be added."""
    before = len(fake.sent())
    typed = await teams.send(acts.message(person, words, place))
    assert typed.status == 200, typed.body
    [opener] = [
        action["data"]
        for posted in fake.sent()[before:]
        for card in posted.cards
        for action in card.get("actions", [])
        if (action.get("data") or {}).get("msteams", {}).get("type") == "task/fetch"
    ]
    return await submit_data(teams, acts, person, place, opener)


async def submit_data(
    teams: TeamsClient, acts: TeamsActivities, person: Person, place: Place,
    opener: dict[str, Any],
) -> dict[str, Any]:  # fmt: skip
    """The dialog an opener card's button shows; its submit button's data."""
    dialog = await teams.send(acts.task_fetch(person, place, opener))
    card = (dialog.body or {})["task"]["value"]["card"]["content"]
    [submit] = [a for a in card["actions"] if a["type"] == "Action.Submit"]
    return dict(submit["data"])
