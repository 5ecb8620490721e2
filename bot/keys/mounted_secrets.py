"""Secrets handed over as files (Docker or Kubernetes secrets): SLACK_BOT_TOKEN_FILE and others,
or a folder of them (SECRETS_DIR) where each platform's files may be absent."""

from collections.abc import Mapping
from pathlib import Path

from pydantic import SecretStr

# Each of these settings may instead be read from the file named by <NAME>_FILE. PULSE_SECRET
# is not among them: PULSE_SECRET_FILE already means the generated SQLite secret's file.
FILE_SECRETS = (
    "slack_bot_token",
    "slack_app_token",
    "slack_signing_secret",
    "slack_client_secret",
    "teams_client_secret",
    "token_encryption_key",
)


class UnreadableSecretFile(Exception):
    """A *_FILE setting names a file that can't be read; `setting` is the variable's name."""

    def __init__(self, setting: str, detail: str) -> None:
        super().__init__(f"{setting}: {detail}")
        self.setting, self.detail = setting, detail


def fill_from_files(values: object) -> object:
    """`values` with each empty secret read from its *_FILE, stripped; the variable wins.

    Without a *_FILE, a file named like `slack-bot-token` in SECRETS_DIR is read if it is
    there: a Teams-only deployment mounts no Slack keys, and one folder serves every platform.
    A *_FILE or SECRETS_DIR that can't be read stops the app (a mistyped path is no secret).
    """
    if not isinstance(values, Mapping):
        return values
    filled = dict(values)
    folder = filled.get("secrets_dir")
    if folder and not Path(folder).is_dir():
        raise UnreadableSecretFile("SECRETS_DIR", "no such folder")
    for name in FILE_SECRETS:
        path = filled.get(f"{name}_file")
        if not path and folder and (Path(folder) / name.replace("_", "-")).is_file():
            path = Path(folder) / name.replace("_", "-")
        if not path or _given(filled.get(name)):
            continue
        try:
            filled[name] = Path(path).read_text(encoding="utf-8").strip()
        except (OSError, UnicodeDecodeError) as error:
            # The reason only (the file's contents never reach an error or a log line).
            detail = getattr(error, "strerror", None) or type(error).__name__
            raise UnreadableSecretFile(f"{name.upper()}_FILE", detail) from None
    return filled


def _given(value: object) -> bool:
    if isinstance(value, SecretStr):
        value = value.get_secret_value()
    return bool(value.strip()) if isinstance(value, str) else value is not None
