"""Settings: defaults, normalisation, and the one-line refusals of `python app.py`."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config.settings import Settings, SettingsProblem, SlackMode
from prompts import load_catalog

ROOT = Path(__file__).resolve().parents[2]
TOKEN_KEY = Fernet.generate_key().decode()


def run_app(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    """Run `python app.py` in an empty folder (no .env) with only the given settings."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("SLACK_", "DATABASE_"))}
    return subprocess.run(
        [sys.executable, str(ROOT / "app.py")],
        cwd=tmp_path,
        env={**clean, **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


def test_defaults_describe_an_embedded_install() -> None:
    settings = Settings(_env_file=None)
    assert settings.database_url == "sqlite+aiosqlite:///./data/wellspring.db"
    assert settings.port == 3000
    assert (settings.metrics_host, settings.metrics_port) == ("127.0.0.1", 9102), "local only"
    assert settings.slack_api_url == "https://slack.com/api/"
    assert settings.auto_migrate is True
    assert settings.sqlite_directory() == Path("data")


def test_plain_postgres_urls_get_the_async_driver() -> None:
    settings = Settings(_env_file=None, database_url="postgresql://u@db:5432/wellspring")
    assert settings.database_url == "postgresql+asyncpg://u@db:5432/wellspring"
    assert settings.sqlite_directory() is None


def test_api_url_gets_a_trailing_slash() -> None:
    assert Settings(_env_file=None, slack_api_url="http://x/api").slack_api_url == "http://x/api/"


def test_app_token_selects_socket_mode() -> None:
    settings = Settings(_env_file=None, slack_bot_token="xoxb-1", slack_app_token="xapp-1")
    settings.check_slack_credentials()
    assert settings.slack_mode is SlackMode.SOCKET


def test_a_client_id_and_secret_install_workspaces_without_a_bot_token() -> None:
    settings = Settings(
        _env_file=None,
        slack_client_id="1.2",
        slack_client_secret="c",
        slack_signing_secret="s",
        token_encryption_key=TOKEN_KEY,
    )
    settings.check_slack_credentials()
    assert settings.installs_workspaces and settings.slack_mode is SlackMode.HTTP


@pytest.mark.parametrize(
    ("key", "reason"), [("", "token_key_missing"), ("not-a-fernet-key", "token_key_shape")]
)
def test_installs_need_a_well_formed_token_encryption_key(key: str, reason: str) -> None:
    settings = Settings(
        _env_file=None,
        slack_client_id="1.2",
        slack_client_secret="c",
        slack_signing_secret="s",
        token_encryption_key=key,
    )
    with pytest.raises(SettingsProblem) as problem:
        settings.check_slack_credentials()
    assert (problem.value.setting, problem.value.reason) == ("TOKEN_ENCRYPTION_KEY", reason)


def test_token_keys_are_a_comma_separated_list_the_first_one_sealing() -> None:
    second = Fernet.generate_key().decode()
    settings = Settings(_env_file=None, token_encryption_key=f" {TOKEN_KEY} ,{second},")
    assert settings.token_encryption_keys() == [TOKEN_KEY, second]
    assert Settings(_env_file=None).token_encryption_keys() == []


def test_a_malformed_token_key_stops_the_app_with_one_line(tmp_path: Path) -> None:
    result = run_app(
        tmp_path,
        SLACK_CLIENT_ID="1.2",
        SLACK_CLIENT_SECRET="c",
        SLACK_SIGNING_SECRET="s",
        TOKEN_ENCRYPTION_KEY="xoxb-this-is-not-a-key",
    )
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Setting TOKEN_ENCRYPTION_KEY ")
    assert len(result.stderr.strip().splitlines()) == 1 and "xoxb-this" not in result.stderr


def test_allowed_team_ids_are_read_as_a_comma_separated_list() -> None:
    settings = Settings(_env_file=None, slack_allowed_team_ids="T01, T02,")
    assert settings.slack_allowed_team_ids == frozenset({"T01", "T02"})


@pytest.mark.parametrize(
    ("values", "setting"),
    [
        ({"slack_signing_secret": "s"}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxp-user", "slack_signing_secret": "s"}, "SLACK_BOT_TOKEN"),
        ({"slack_bot_token": "xoxb-1"}, "SLACK_SIGNING_SECRET"),
        ({"slack_bot_token": "xoxb-1", "slack_app_token": "xoxb-2"}, "SLACK_APP_TOKEN"),
        ({"slack_client_id": "1.2", "slack_signing_secret": "s"}, "SLACK_CLIENT_SECRET"),
        ({"slack_client_secret": "c", "slack_signing_secret": "s"}, "SLACK_CLIENT_ID"),
        ({"slack_client_id": "1.2", "slack_client_secret": "c"}, "SLACK_SIGNING_SECRET"),
        (
            {"slack_client_id": "1.2", "slack_client_secret": "c", "slack_bot_token": "xoxb-1"},
            "SLACK_BOT_TOKEN",
        ),
    ],
)
def test_incomplete_credentials_name_the_setting(values: dict[str, str], setting: str) -> None:
    with pytest.raises(SettingsProblem) as problem:
        Settings(_env_file=None, **values).check_slack_credentials()
    assert problem.value.setting == setting


def test_invalid_port_stops_the_app_with_one_clear_line(tmp_path: Path) -> None:
    result = run_app(
        tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PORT="not-a-number"
    )
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert "PORT" in lines[0] and ".env.example" in lines[0]
    assert "Traceback" not in result.stderr


def test_unsupported_database_url_is_named(tmp_path: Path) -> None:
    result = run_app(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        DATABASE_URL="mysql://root@localhost/x",
    )
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr and "Traceback" not in result.stderr


def test_missing_signing_secret_in_http_mode_is_named(tmp_path: Path) -> None:
    result = run_app(tmp_path, SLACK_BOT_TOKEN="xoxb-1")
    assert result.returncode == 2
    assert result.stderr.strip().startswith("Setting SLACK_SIGNING_SECRET is missing")


def test_no_credentials_in_production_refuses_the_playground_with_one_line(
    tmp_path: Path,
) -> None:
    result = run_app(tmp_path, ENVIRONMENT="production")
    assert result.returncode == 2
    [line] = result.stderr.strip().splitlines()
    assert line.startswith("Setting PLAYGROUND is refused with ENVIRONMENT=production")
    assert not (tmp_path / "data").exists(), "nothing is created before settings are valid"


def test_fewer_than_five_minimum_responses_is_refused_at_start(tmp_path: Path) -> None:
    result = run_app(
        tmp_path, SLACK_BOT_TOKEN="xoxb-1", SLACK_SIGNING_SECRET="s", PULSE_MIN_RESPONSES="4"
    )
    assert result.returncode == 2
    assert "PULSE_MIN_RESPONSES" in result.stderr and "Traceback" not in result.stderr


def test_supervisors_are_read_as_a_comma_separated_list() -> None:
    settings = Settings(_env_file=None, supervisor_user_ids=" U01, U02 ,,U03 ")
    assert settings.supervisor_user_ids == frozenset({"U01", "U02", "U03"})
    assert Settings(_env_file=None, supervisor_user_ids="").supervisor_user_ids == frozenset()


def test_support_resources_take_escaped_new_lines_and_blank_means_the_default() -> None:
    settings = Settings(_env_file=None, support_resources_text="EAP: 0800 1\\nHR: ext 22")
    assert settings.support_resources_text == "EAP: 0800 1\nHR: ext 22"
    assert Settings(_env_file=None, support_resources_text="  ").support_resources_text is None


def test_every_setting_is_documented_in_env_example_and_the_readme() -> None:
    example = (ROOT / ".env.example").read_text()
    readme = (ROOT / "README.md").read_text()
    for name in Settings.model_fields:
        variable = name.upper()
        assert f"\n{variable}=" in example, f"{variable} missing from .env.example"
        assert f"`{variable}`" in readme, f"{variable} missing from the README's settings"


def test_every_refusal_reason_has_wording() -> None:
    catalog = load_catalog()
    files = [ROOT / "bot" / "config" / "settings.py", ROOT / "app.py", *ROOT.glob("bootstrap/*.py")]
    sources = "".join(path.read_text() for path in files)
    reasons = set(re.findall(r'SettingsProblem\(\s*[^,]+,\s*"(\w+)"', sources))
    assert {"bot_token_missing", "token_refused", "invalid"} <= reasons
    for reason in reasons:
        assert catalog.has(f"operator.reasons.{reason}"), reason


def test_pulse_secrets_are_a_comma_separated_list_of_long_secrets() -> None:
    two = Settings(_env_file=None, pulse_secret=f"{'n' * 32}, {'o' * 40}")
    assert [s.get_secret_value() for s in two.pulse_secret] == ["n" * 32, "o" * 40]
    with pytest.raises(ValueError, match="at least 32"):
        Settings(_env_file=None, pulse_secret="short")


def test_postgresql_without_a_pulse_secret_stops_with_one_line(tmp_path: Path) -> None:
    done = run_app(
        tmp_path,
        SLACK_BOT_TOKEN="xoxb-1",
        SLACK_SIGNING_SECRET="s",
        DATABASE_URL="postgresql://wellspring@127.0.0.1:1/wellspring",
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Setting PULSE_SECRET is required with PostgreSQL")


def test_secrets_are_read_from_their_files_stripped_when_the_variable_is_empty(
    tmp_path: Path,
) -> None:
    (tmp_path / "bot").write_text("xoxb-from-a-file\n")
    (tmp_path / "key").write_text(f"{TOKEN_KEY}\n")
    settings = Settings(
        _env_file=None,
        slack_bot_token_file=tmp_path / "bot",
        token_encryption_key_file=str(tmp_path / "key"),
        slack_app_token="xapp-given",
        slack_app_token_file=tmp_path / "missing",  # the variable wins: the file is not read
    )
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-from-a-file"
    assert settings.token_encryption_keys() == [TOKEN_KEY]
    assert settings.slack_app_token is not None
    assert settings.slack_app_token.get_secret_value() == "xapp-given"


def test_an_unreadable_secret_file_stops_the_app_with_one_line(tmp_path: Path) -> None:
    done = run_app(
        tmp_path,
        SLACK_BOT_TOKEN_FILE=str(tmp_path / "no-such-file"),
        SLACK_SIGNING_SECRET="s",
    )
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Setting SLACK_BOT_TOKEN_FILE names a file that can't be read")
