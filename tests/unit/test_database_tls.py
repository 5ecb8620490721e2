"""TLS to PostgreSQL through the URL: what DATABASE_URL takes, and what reaches asyncpg."""

from typing import Any

import pytest
from sqlalchemy.dialects.postgresql.asyncpg import PGDialect_asyncpg
from sqlalchemy.engine import make_url

from bot.config.settings import Settings, SettingsProblem
from prompts import load_catalog

HOST = "postgresql://wellspring:pw@db.example.org:5432/wellspring"


def _connect_kwargs(url: str) -> dict[str, Any]:
    """What SQLAlchemy's asyncpg dialect hands asyncpg.connect() for this URL."""
    _, kwargs = PGDialect_asyncpg().create_connect_args(make_url(url))
    return dict(kwargs)


@pytest.mark.parametrize("mode", ["verify-full", "verify-ca", "require", "disable"])
def test_asyncpgs_ssl_parameter_reaches_the_driver_unchanged(mode: str) -> None:
    url = Settings(_env_file=None, database_url=f"{HOST}?ssl={mode}").database_url
    assert url == f"postgresql+asyncpg://wellspring:pw@db.example.org:5432/wellspring?ssl={mode}"
    assert _connect_kwargs(url)["ssl"] == mode


def test_libpqs_sslmode_is_taken_as_asyncpgs_ssl() -> None:
    url = Settings(
        _env_file=None, database_url=f"{HOST}?sslmode=verify-full&prepared_statement_cache_size=0"
    ).database_url
    assert url.endswith("/wellspring?ssl=verify-full&prepared_statement_cache_size=0")
    kwargs = _connect_kwargs(url)
    assert kwargs["ssl"] == "verify-full"
    assert "sslmode" not in kwargs


def test_an_explicit_ssl_wins_and_sqlite_and_plain_urls_are_left_alone() -> None:
    both = Settings(_env_file=None, database_url=f"{HOST}?ssl=verify-full&sslmode=require")
    assert both.database_url.endswith("?ssl=verify-full&sslmode=require")
    plain = Settings(_env_file=None, database_url=HOST).database_url
    assert plain == "postgresql+asyncpg://wellspring:pw@db.example.org:5432/wellspring"
    sqlite = "sqlite+aiosqlite:///./data/x.db?sslmode=odd"
    assert Settings(_env_file=None, database_url=sqlite).database_url == sqlite


@pytest.mark.parametrize("parameter", ["sslrootcert", "sslcert", "sslkey"])
def test_certificate_files_in_the_url_are_refused_with_the_variable_to_use(parameter: str) -> None:
    with pytest.raises(SettingsProblem) as refused:
        Settings(_env_file=None, database_url=f"{HOST}?ssl=verify-full&{parameter}=/ca.pem")
    problem = refused.value
    assert (problem.setting, problem.reason) == ("DATABASE_URL", "tls_file_in_url")
    explanation = load_catalog().text(f"operator.reasons.{problem.reason}", **problem.details)
    assert parameter in explanation and "PGSSL" in explanation
