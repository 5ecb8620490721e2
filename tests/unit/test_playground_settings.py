"""The playground's settings: where it listens, and never the bot's own database."""

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsProblem


def playground(**values: object) -> Settings:
    return Settings(_env_file=None, playground=True, **values)  # type: ignore[arg-type]


def test_the_playground_listens_on_this_computer_unless_host_is_given(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOST", raising=False)
    assert playground().playground_host == "127.0.0.1"
    assert playground(host="0.0.0.0").playground_host == "0.0.0.0"
    monkeypatch.setenv("HOST", "192.0.2.7")
    assert playground().playground_host == "192.0.2.7"


def test_slack_and_teams_keep_listening_everywhere_by_default(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("HOST", raising=False)
    assert Settings(_env_file=None).host == "0.0.0.0"


@pytest.mark.parametrize(
    ("bot", "mine"),
    [
        ("sqlite+aiosqlite:///./data/wellspring.db", "sqlite:///data/../data/wellspring.db"),
        ("sqlite:///{cwd}/data/wellspring.db", "sqlite+aiosqlite:///./data/wellspring.db?mode=rwc"),
        (
            "postgresql://postgres@127.0.0.1:5432/wellspring",
            "postgresql+asyncpg://me@localhost/wellspring",
        ),
        ("postgresql://u:p@DB.example:5432/wellspring", "postgres://other@db.example/wellspring"),
    ],
)
def test_the_bots_own_database_is_refused_however_it_is_spelled(bot: str, mine: str) -> None:
    settings = playground(database_url=bot.format(cwd=Path.cwd()), playground_database_url=mine)
    with pytest.raises(SettingsProblem) as refused:
        settings.check_playground()
    assert refused.value.setting == "PLAYGROUND_DATABASE_URL"
    assert refused.value.reason == "playground_database_is_the_bots"


@pytest.mark.parametrize(
    ("bot", "mine"),
    [
        ("sqlite+aiosqlite:///./data/wellspring.db", "sqlite+aiosqlite:///./data/playground.db"),
        ("sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgresql://postgres@db:5432/wellspring", "postgresql://postgres@db:5432/playground"),
        ("postgresql://postgres@db:5432/wellspring", "postgresql://postgres@db:5433/wellspring"),
        ("postgresql://postgres@db-a/wellspring", "postgresql://postgres@db-b/wellspring"),
        ("postgresql://postgres@db/wellspring", "sqlite+aiosqlite:///./wellspring"),
        ("postgresql://postgres@db:port/wellspring", "postgresql://postgres@db:port/wellspring"),
    ],
)
def test_a_database_of_its_own_is_accepted(bot: str, mine: str) -> None:
    playground(database_url=bot, playground_database_url=mine).check_playground()


def test_a_blank_host_counts_as_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", " ")
    assert playground().playground_host == "127.0.0.1"
    assert Settings(_env_file=None).host == "0.0.0.0"
