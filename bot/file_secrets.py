"""Secrets handed over as files (Docker or Kubernetes secrets): SLACK_BOT_TOKEN_FILE and others."""

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
    """`values` with each empty secret read from its *_FILE, stripped; the variable wins."""
    if not isinstance(values, Mapping):
        return values
    filled = dict(values)
    for name in FILE_SECRETS:
        path = filled.get(f"{name}_file")
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
