"""Teams sends the clicker's ids with each click: no copy of the database pairs them with it."""

from pathlib import Path
from typing import Any

import pytest

from bootstrap import Wellspring
from tests.e2e.test_forensic_anonymity import GUESSES, Copier
from tests.e2e.test_teams_checkins import WORKERS, checkin_posted, click
from tests.fakes.teams_activities import Person, TeamsActivities, TeamsClient
from tests.fakes.teams_connector import FakeBotConnector
from tests.support.forensics import co_written, link_answers

LEVELS = ("early", "middle", "late", "beyond", "early", "middle")


@pytest.fixture
def overrides() -> dict[str, Any]:
    return {"log_level": "DEBUG"}


def names_of(people: list[Person]) -> dict[str, list[str]]:
    """Everything Teams tells about each person: both ids, the name, the sign-in name."""
    return {p.aad_object_id: [p.id, p.aad_object_id, p.name, p.upn] for p in people}


async def test_copies_after_every_teams_click_link_no_one_to_an_answer(
    teams_wellspring: Wellspring,
    teams: TeamsClient,
    fake_teams: FakeBotConnector,
    teams_activities: TeamsActivities,
    sqlite_database_url: str,
    tmp_path: Path,
) -> None:
    ws = teams_wellspring
    checkin = await checkin_posted(ws, teams, fake_teams, teams_activities)
    copier = Copier(ws, sqlite_database_url, tmp_path)
    await copier.take()
    for person, level in zip(WORKERS, LEVELS, strict=True):
        await click(ws, teams, teams_activities, checkin, person, level)
        await copier.take()
    assert sum(copier.snapshots[-1].counts().values()) == len(WORKERS), "every click counted"
    people = names_of(WORKERS)
    ids = [name for names in people.values() for name in names]
    workspace = str(copier.snapshots[-1].tables["checkins"][0][1])
    assert link_answers(copier.evidence, workspace, ids, GUESSES) == {}
    assert co_written(copier.evidence, people) == {}, "no row naming a clicker beside a count"
