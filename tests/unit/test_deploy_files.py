"""The container files: no password in compose, no port in Socket Mode, a liveness health check."""

from pathlib import Path

import yaml

ROOT = Path(__file__).resolve().parents[2]


def _compose() -> dict[str, dict[str, dict[str, object]]]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_compose_keeps_the_database_password_out_of_the_file() -> None:
    services = _compose()["services"]
    db_env = services["db"]["environment"]
    assert isinstance(db_env, dict)
    assert db_env["POSTGRES_PASSWORD"].startswith("${POSTGRES_PASSWORD")
    for name in ("bot", "bot-http"):
        env = services[name]["environment"]
        assert isinstance(env, dict)
        assert ":${POSTGRES_PASSWORD" in env["DATABASE_URL"]
    assert "wellspring:wellspring@" not in (ROOT / "docker-compose.yml").read_text()


def test_socket_mode_publishes_no_port_and_http_mode_only_the_public_one() -> None:
    services = _compose()["services"]
    assert services["bot"]["profiles"] == ["socket"]
    assert "ports" not in services["bot"]
    assert services["bot-http"]["profiles"] == ["http"]
    assert services["bot-http"]["ports"] == ["3000:3000"]
    assert "ports" not in services["db"]


def test_the_image_checks_liveness_and_can_run_migrations_alone() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    [check] = [line for line in dockerfile.splitlines() if "urlopen" in line]
    assert "/livez" in check
    assert "alembic upgrade head" in dockerfile
    assert "COPY alembic.ini" in dockerfile


def test_the_image_installs_the_locked_versions_only() -> None:
    lines = (ROOT / "Dockerfile").read_text().splitlines()
    installs = [line for line in lines if "pip install" in line]
    assert installs == [
        "RUN pip install --require-hashes -r requirements.txt",
        "RUN pip install --no-deps .",
    ]
    assert "COPY requirements/main.txt ./requirements.txt" in lines
