"""The playground's settings: where it listens, and never the bot's own database."""

import os
import socket
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config.settings import Settings, SettingsProblem


def playground(**values: object) -> Settings:
    return Settings(_env_file=None, playground=True, **values)  # type: ignore[arg-type]


@pytest.fixture(autouse=True)
def no_postgres_defaults(monkeypatch: pytest.MonkeyPatch) -> None:
    """The PG* variables asyncpg reads, unset unless a test sets them."""
    for name in ("PGHOST", "PGPORT", "PGUSER", "PGDATABASE"):
        monkeypatch.delenv(name, raising=False)


def assert_refused(bot: str, mine: str) -> None:
    settings = playground(database_url=bot, playground_database_url=mine)
    with pytest.raises(SettingsProblem) as refused:
        settings.check_playground()
    assert refused.value.setting == "PLAYGROUND_DATABASE_URL"
    assert refused.value.reason == "playground_database_is_the_bots"


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
    assert_refused(bot.format(cwd=Path.cwd()), mine)


@pytest.mark.parametrize(
    ("bot", "mine", "environment"),
    [
        ("postgresql://postgres@127.0.0.1:5432/postgres", "postgresql://postgres@127.0.0.1", {}),
        ("postgresql://127.0.0.1/sam", "postgresql+asyncpg://127.0.0.1", {"LOGNAME": "sam"}),
        ("postgresql://ana@127.0.0.1", "postgresql://127.0.0.1/ana", {"PGUSER": "bo"}),
        ("postgresql://127.0.0.1/ana", "postgresql://127.0.0.1", {"PGUSER": "ana"}),
        ("postgresql://ana@127.0.0.1/w", "postgresql://bo@localhost", {"PGDATABASE": "w"}),
        ("postgresql://db-a/w", "postgresql:///w", {"PGHOST": "db-a"}),
        ("postgresql://db-a:6000/w", "postgresql:///w", {"PGHOST": "db-b,db-a:6000"}),
        ("postgresql://127.0.0.1:6543/w", "postgresql://localhost/w", {"PGPORT": "6543"}),
        ("postgresql://db-a/w", "postgresql+asyncpg://postgres@db-b/w?host=db-a", {}),
        ("postgresql://db-a/w", "postgresql://u@/w?host=db-b:5432&host=db-a:5432", {}),
        ("postgresql://localhost/w", "postgresql+asyncpg://db-b/w?host=/run/postgresql", {}),
        ("postgresql://localhost:5433/w", "postgresql://db-b/w?host=/tmp/.s.PGSQL.5433", {}),
        ("postgresql://127.0.0.1/w", "postgresql://0.0.0.0/w", {}),
        ("postgresql://db-a/w", "postgresql+asyncpg://db-b/w?dsn=postgresql://db-a/w", {}),
        (
            "postgresql://postgres@db:port/wellspring",
            "postgresql://postgres@db:port/wellspring",
            {},
        ),
        ("postgresql://db-a/w", "postgresql://u@/w?host=db-a,db-b", {}),
        ("postgresql://db-a/w", "postgresql://u@db-a/w?port=first", {}),
    ],
)
def test_the_same_postgresql_database_is_refused_as_the_driver_resolves_it(
    monkeypatch: pytest.MonkeyPatch, bot: str, mine: str, environment: dict[str, str]
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    assert_refused(bot, mine)
    assert_refused(mine, bot)


def test_this_machines_hostname_is_this_machine() -> None:
    name = socket.gethostname()
    try:
        socket.getaddrinfo(name, None)
    except OSError:
        pytest.skip("this machine's hostname does not resolve here")
    assert_refused("postgresql://127.0.0.1/w", f"postgresql://{name}/w")


def test_another_address_of_this_machine_is_this_machine() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        try:
            probe.connect(("198.51.100.7", 9))  # sends nothing: picks the route's own address
        except OSError:
            pytest.skip("no route off this machine to learn its address from")
        address = probe.getsockname()[0]
    if address.startswith("127."):
        pytest.skip("this machine has no address besides loopback")
    assert_refused("postgresql://localhost/w", f"postgresql://{address}/w")


@pytest.mark.parametrize(
    ("bot", "mine"),
    [
        ("sqlite+aiosqlite:///{d}/bot.db", "sqlite+aiosqlite:///file:{d}/bot.db?uri=true"),
        ("sqlite:///{d}/bot.db", "sqlite:///file://localhost{d}/b%6Ft.db?mode=rwc&uri=true"),
        ("sqlite:///{d}/bot.db", "sqlite:///file:{d}/bot.db"),
        ("sqlite:///{d}/bot.db", "sqlite:///{d}/hard-link.db"),
        ("sqlite:///{d}/bot.db", "sqlite:///{d}/symlink.db"),
        (
            "sqlite:///file:shared?mode=memory&cache=shared&uri=true",
            "sqlite:///file:shared?uri=1&mode=memory&cache=shared",
        ),
    ],
)
def test_the_same_sqlite_file_is_refused_however_it_is_reached(
    tmp_path: Path, bot: str, mine: str
) -> None:
    (tmp_path / "bot.db").write_bytes(b"")
    os.link(tmp_path / "bot.db", tmp_path / "hard-link.db")
    (tmp_path / "symlink.db").symlink_to(tmp_path / "bot.db")
    assert_refused(bot.format(d=tmp_path), mine.format(d=tmp_path))
    assert_refused(mine.format(d=tmp_path), bot.format(d=tmp_path))


@pytest.mark.parametrize(
    ("bot", "mine"),
    [
        ("sqlite+aiosqlite:///./data/wellspring.db", "sqlite+aiosqlite:///./data/playground.db"),
        ("sqlite+aiosqlite:///:memory:", "sqlite+aiosqlite:///:memory:"),
        ("postgresql://postgres@db:5432/wellspring", "postgresql://postgres@db:5432/playground"),
        ("postgresql://postgres@db:5432/wellspring", "postgresql://postgres@db:5433/wellspring"),
        ("postgresql://postgres@db-a/wellspring", "postgresql://postgres@db-b/wellspring"),
        ("postgresql://postgres@db/wellspring", "sqlite+aiosqlite:///./wellspring"),
    ],
)
def test_a_database_of_its_own_is_accepted(bot: str, mine: str) -> None:
    playground(database_url=bot, playground_database_url=mine).check_playground()


@pytest.mark.parametrize(
    ("bot", "mine", "environment"),
    [
        ("postgresql://127.0.0.1:5433/w", "postgresql://127.0.0.1/w", {"PGPORT": "5432"}),
        ("postgresql://ana@127.0.0.1/w", "postgresql://ana@localhost", {}),
        ("postgresql://127.0.0.1", "postgresql://127.0.0.1/playground", {"PGDATABASE": "w"}),
        ("postgresql://ana@127.0.0.1", "postgresql://bo@127.0.0.1", {}),
        ("postgresql:///w", "postgresql://db-b/w", {"PGHOST": "db-a"}),
        ("postgresql://localhost/w", "postgresql:///w?host=/tmp/.s.PGSQL.5433", {}),
        ("postgresql://127.0.0.1/w", "postgresql://198.51.100.7/w", {}),
        ("sqlite:///{d}/bot.db", "sqlite:///{d}/playground.db", {}),
        ("sqlite:///{d}/bot.db", "sqlite:///file:{d}/playground.db?uri=true", {}),
        ("sqlite:///{d}/bot.db", "sqlite:///{d}/elsewhere/bot.db", {}),
        ("sqlite:///file::memory:?uri=true", "sqlite:///file::memory:?uri=true", {}),
        (
            "sqlite:///file:a?mode=memory&cache=shared&uri=true",
            "sqlite:///file:b?mode=memory&cache=shared&uri=true",
            {},
        ),
    ],
)
def test_another_database_is_accepted(
    monkeypatch: pytest.MonkeyPatch,
    tmp_path: Path,
    bot: str,
    mine: str,
    environment: dict[str, str],
) -> None:
    for name, value in environment.items():
        monkeypatch.setenv(name, value)
    for name in ("bot.db", "playground.db"):
        (tmp_path / name).write_bytes(b"")
    bot, mine = bot.format(d=tmp_path), mine.format(d=tmp_path)
    playground(database_url=bot, playground_database_url=mine).check_playground()
    playground(database_url=mine, playground_database_url=bot).check_playground()


def test_a_blank_host_counts_as_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOST", " ")
    assert playground().playground_host == "127.0.0.1"
    assert Settings(_env_file=None).host == "0.0.0.0"


def respellings(url: str) -> list[tuple[str, dict[str, str]]]:
    """Other ways to reach the database at url: a URL and the environment it is read in."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return [(f"sqlite+aiosqlite:///file:{parsed.database}?uri=true", {})]
    host, port = parsed.host or "", str(parsed.port or 5432)
    return [
        (parsed.set(database=None).render_as_string(False), {"PGDATABASE": parsed.database or ""}),
        (
            parsed.set(host=None, port=None).render_as_string(False),
            {"PGHOST": host, "PGPORT": port},
        ),
        (
            parsed.set(host="elsewhere.invalid")
            .update_query_dict({"host": host})
            .render_as_string(False),
            {},
        ),
    ]


async def test_each_refused_spelling_really_opens_the_bots_database(
    monkeypatch: pytest.MonkeyPatch, database_url: str
) -> None:
    bot = create_async_engine(database_url)
    async with bot.begin() as connection:
        await connection.execute(text("CREATE TABLE bots_own (x integer)"))
    await bot.dispose()
    for other, environment in respellings(database_url):
        with monkeypatch.context() as scope:
            for name, value in environment.items():
                scope.setenv(name, value)
            assert_refused(database_url, other)
            engine = create_async_engine(other)
            async with engine.connect() as connection:
                await connection.execute(text("SELECT count(*) FROM bots_own"))
            await engine.dispose()
