"""manifest.yml and the code agree on what the app asks Slack for."""

from pathlib import Path

import yaml

from handlers.slack.installs import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())


def test_installs_ask_for_exactly_the_manifests_bot_scopes() -> None:
    assert list(BOT_SCOPES) == MANIFEST["oauth_config"]["scopes"]["bot"]


def test_the_manifest_registers_every_command() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == ["/checkin", "/pulse", "/debrief", "/placement"]
