"""Secrets read from files (SLACK_BOT_TOKEN_FILE and others), as Docker and Kubernetes give them."""

from pathlib import Path

from bootstrap import start_wellspring
from tests.e2e.conftest import BOT_TOKEN, SIGNING_SECRET, MovableClock, make_settings
from tests.e2e.pulse_helpers import post_checkin
from tests.fakes.slack_api import FakeSlack
from tests.fakes.slack_signer import SignedSlackClient


def _secret_file(folder: Path, name: str, value: str) -> Path:
    path = folder / name
    path.write_text(f"{value}\n")  # a trailing new line, as `echo` and editors leave it
    path.chmod(0o600)
    return path


async def test_a_bot_token_and_signing_secret_given_by_file_work(
    fake_slack: FakeSlack, sqlite_database_url: str, clock: MovableClock, tmp_path: Path
) -> None:
    settings = make_settings(
        fake_slack,
        sqlite_database_url,
        slack_bot_token=None,
        slack_signing_secret=None,
        slack_bot_token_file=_secret_file(tmp_path, "bot-token", BOT_TOKEN),
        slack_signing_secret_file=_secret_file(tmp_path, "signing-secret", SIGNING_SECRET),
    )
    ws = await start_wellspring(settings, clock)
    client = SignedSlackClient(ws.url, SIGNING_SECRET, fake_slack)
    try:
        post = await post_checkin(ws, client, fake_slack)
        assert post.ok
        assert post.headers["Authorization"] == f"Bearer {BOT_TOKEN}"
    finally:
        await client.close()
        await ws.stop()
