"""The Entra group settings: Object IDs, comma-separated, and nothing else."""

import pytest

from bot.config.settings import Settings

NORTH = "2C4E6A8B-1D3F-4A5C-8E7B-9F0A1B2C3D4E"
SOUTH = "6f1d3c2b-0a4e-4b7d-9c8f-1e2d3c4b5a69"


def test_group_object_ids_are_comma_separated_and_compared_in_lower_case() -> None:
    settings = Settings(_env_file=None, supervisor_group_id=f" {NORTH} ,{SOUTH},")
    assert settings.supervisor_group_id == {NORTH.lower(), SOUTH}
    assert settings.entra_groups == {NORTH.lower(), SOUTH}
    assert Settings(_env_file=None).entra_groups == frozenset()


@pytest.mark.parametrize("field", ["supervisor", "coordinator", "peer", "admin"])
def test_a_slack_user_group_in_an_entra_setting_is_refused(field: str) -> None:
    with pytest.raises(ValueError, match="Object ID"):
        Settings(_env_file=None, **{f"{field}_group_id": f"{SOUTH},S0LEADS"})


def test_graph_and_login_urls_lose_their_trailing_slash() -> None:
    settings = Settings(
        _env_file=None, graph_url="http://127.0.0.1:9/", entra_login_url="https://login.example/"
    )
    assert (settings.graph_url, settings.entra_login_url) == (
        "http://127.0.0.1:9",
        "https://login.example",
    )
    with pytest.raises(ValueError, match="http"):
        Settings(_env_file=None, graph_url="graph.microsoft.com")
