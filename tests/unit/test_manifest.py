"""manifest.yml and the code agree on what the app asks Slack for."""

from pathlib import Path

import yaml

from handlers.slack.installs import BOT_SCOPES

MANIFEST = yaml.safe_load((Path(__file__).resolve().parents[2] / "manifest.yml").read_text())


def test_installs_ask_for_exactly_the_manifests_bot_scopes() -> None:
    assert list(BOT_SCOPES) == MANIFEST["oauth_config"]["scopes"]["bot"]


def test_the_manifest_registers_every_command() -> None:
    commands = [c["command"] for c in MANIFEST["features"]["slash_commands"]]
    assert commands == ["/checkin", "/pulse", "/debrief", "/placement", "/wellspring"]


# Each bot event the app subscribes to, with the scope Slack requires for it (None: no scope).
EVENT_SCOPES = {
    "app_home_opened": None,
    "message.im": "im:history",
    "user_change": "users:read",
    "subteam_members_changed": "usergroups:read",
    "subteam_updated": "usergroups:read",
}


def test_every_subscribed_event_has_the_scope_slack_requires_for_it() -> None:
    events = MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert sorted(events) == sorted(EVENT_SCOPES)
    scopes = MANIFEST["oauth_config"]["scopes"]["bot"]
    assert all(EVENT_SCOPES[event] in (None, *scopes) for event in events)


def test_what_people_write_in_the_open_messages_tab_reaches_the_bot() -> None:
    """The Messages tab takes typing, so the bot hears it (message.im) and can answer."""
    home = MANIFEST["features"]["app_home"]
    assert home["messages_tab_enabled"] and not home["messages_tab_read_only_enabled"]
    assert "message.im" in MANIFEST["settings"]["event_subscriptions"]["bot_events"]
    assert "im:history" in BOT_SCOPES
