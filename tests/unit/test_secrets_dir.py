"""SECRETS_DIR: one folder of secret files (a mounted Kubernetes Secret) serves every platform;
a platform's files may be absent, a folder that isn't there stops the app with one line."""

from pathlib import Path

import pytest

from bot.config.settings import Settings, SettingsProblem
from tests.unit.test_settings import run_app

TEAMS_ID = "00000000-0000-4000-8000-000000000001"


def test_a_teams_only_folder_gives_the_teams_secret_and_leaves_slack_unset(
    tmp_path: Path,
) -> None:
    (tmp_path / "teams-client-secret").write_text("teams-secret-from-a-file\n")
    settings = Settings(_env_file=None, secrets_dir=tmp_path)
    assert settings.teams_client_secret is not None
    assert settings.teams_client_secret.get_secret_value() == "teams-secret-from-a-file"
    assert settings.slack_bot_token is None
    assert settings.slack_signing_secret is None


def test_the_variable_and_its_own_file_win_over_the_folder(tmp_path: Path) -> None:
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "slack-bot-token").write_text("xoxb-folder")
    (folder / "slack-signing-secret").write_text("signing-folder")
    (tmp_path / "own").write_text("signing-own-file")
    settings = Settings(
        _env_file=None,
        secrets_dir=folder,
        slack_bot_token="xoxb-variable",
        slack_signing_secret_file=tmp_path / "own",
    )
    assert settings.slack_bot_token is not None
    assert settings.slack_bot_token.get_secret_value() == "xoxb-variable"
    assert settings.slack_signing_secret is not None
    assert settings.slack_signing_secret.get_secret_value() == "signing-own-file"


def test_a_folder_that_is_not_there_is_refused(tmp_path: Path) -> None:
    with pytest.raises(SettingsProblem) as refused:
        Settings(_env_file=None, secrets_dir=tmp_path / "no-such-folder")
    assert refused.value.setting == "SECRETS_DIR"


def test_a_teams_only_app_starts_past_its_settings_with_no_slack_files(tmp_path: Path) -> None:
    """As the Kubernetes Deployment runs it: the Slack keys are simply not in the folder."""
    folder = tmp_path / "secrets"
    folder.mkdir()
    (folder / "teams-client-secret").write_text("teams-secret")
    done = run_app(
        tmp_path,
        SECRETS_DIR=str(folder),
        TEAMS_CLIENT_ID=TEAMS_ID,
        TEAMS_TENANT_ID=TEAMS_ID,
        DATABASE_URL="postgresql://wellspring@127.0.0.1:1/wellspring",
    )
    # It gets as far as the next check (no PULSE_SECRET), not a missing Slack file.
    assert done.returncode == 2
    [line] = done.stderr.strip().splitlines()
    assert line.startswith("Setting PULSE_SECRET is required with PostgreSQL"), line
