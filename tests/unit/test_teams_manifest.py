"""The Teams app package: a manifest valid for schema 1.29, the right icons, the ids filled in."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path
from typing import Any

import jsonschema
import pytest
from PIL import Image

from bot.domain.commands import Command, parse_command_text
from bot.services.dispatch import command_words
from handlers.teams.activities import typed_command
from handlers.teams.app_package import build
from handlers.teams.listeners import HELP_WORDS, HOME_WORDS

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "handlers" / "teams" / "app_package"
SCHEMA = ROOT / "tests" / "fakes" / "data" / "teams-app-manifest-1.29.schema.json"
CLIENT_ID = "5d8e2c41-7a3b-4f06-9c1e-2b7f0a9d4e63"
DOMAIN = "wellspring.agency.example.org"
VALUES = {"TEAMS_CLIENT_ID": CLIENT_ID, "BOT_DOMAIN": DOMAIN}
# Schema 1.29 allows 12 commands per list; the description of the command before each
# of these names it (`debrief away`, `debrief stats`, `placement`, `pulse export`; help
# answers `help`). `wellspring erase`, `admin` and `assign` are for admins, who find them in
# `wellspring help`.
UNLISTED = {
    "personal": [
        "debrief available",
        "debrief peers",
        "placement stop",
        "placement help",
        "pulse chart",
        "wellspring erase",
        "wellspring remove",
        "wellspring holidays",
        "wellspring admin",
        "wellspring assign",
        "wellspring unassign",
    ]
}
# Words that only make sense with the next one: `wellspring my` is `wellspring my data`.
PHRASES = {"my": "my data"}
# What each scope is for: team work in channels and group chats, one's own in a personal chat.
SCOPE_COMMANDS = {
    "team": {Command.CHECKIN, Command.PULSE},
    "groupChat": {Command.CHECKIN, Command.PULSE},
    "personal": {Command.DEBRIEF, Command.PULSE, Command.PLACEMENT, Command.WELLSPRING},
}


def manifest() -> dict[str, Any]:
    return build.fill_manifest(VALUES)


def test_the_filled_manifest_is_valid_for_the_teams_schema_1_29() -> None:
    # Not check_schema(): the schema's \p{L} pattern is unknown to Python's re (see data/README).
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    errors = [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in jsonschema.Draft4Validator(schema).iter_errors(manifest())
    ]
    assert errors == []


def test_the_manifest_names_the_published_schema_and_keeps_placeholders() -> None:
    raw = json.loads((PACKAGE / "manifest.json").read_text(encoding="utf-8"))
    url = (
        "https://developer.microsoft.com/en-us/json-schemas/teams/v1.29/MicrosoftTeams.schema.json"
    )
    assert (raw["$schema"], raw["manifestVersion"]) == (url, "1.29")
    assert raw["id"] == raw["bots"][0]["botId"] == "{{TEAMS_CLIENT_ID}}"
    assert raw["validDomains"] == ["{{BOT_DOMAIN}}"]


def test_the_bot_works_in_all_three_scopes_without_files() -> None:
    bot = manifest()["bots"][0]
    assert sorted(bot["scopes"]) == ["groupChat", "personal", "team"]
    assert bot["supportsFiles"] is False


def test_the_listed_commands_are_the_words_the_app_accepts() -> None:
    for entry in manifest()["bots"][0]["commandLists"]:
        for title in (c["title"] for c in entry["commands"]):
            command, rest = typed_command(title)
            if command is None:
                assert title in HOME_WORDS | HELP_WORDS, title
                continue
            assert parse_command_text(rest).word in command_words(command), title
            assert all(command in SCOPE_COMMANDS[scope] for scope in entry["scopes"]), title
        assert all(c["description"] and "!" not in c["description"] for c in entry["commands"])


def test_every_word_a_scope_needs_is_listed_or_named() -> None:
    """Channels list the team's commands; the personal chat lists a person's own ones."""

    def every(command: Command) -> set[str]:
        words = (PHRASES.get(word, word) for word in command_words(command))
        return {f"{command.value} {word}".strip() for word in words}

    needed = {
        "team": every(Command.CHECKIN) | {"pulse"},
        "groupChat": every(Command.CHECKIN) | {"pulse"},
        "personal": every(Command.DEBRIEF)
        | every(Command.PULSE)
        | every(Command.PLACEMENT)
        | every(Command.WELLSPRING),
    }
    for entry in manifest()["bots"][0]["commandLists"]:
        listed = {c["title"] for c in entry["commands"]}
        for scope in entry["scopes"]:
            assert needed[scope] - listed <= set(UNLISTED.get(scope, [])), scope


def test_the_wording_is_calm() -> None:
    text = json.dumps([manifest()["description"], manifest()["name"]])
    assert "!" not in text and "Wellspring" in text


def test_the_icons_have_the_sizes_teams_requires() -> None:
    color = Image.open(PACKAGE / "color.png")
    outline = Image.open(PACKAGE / "outline.png").convert("RGBA")
    assert (color.format, color.size) == ("PNG", (192, 192))
    assert outline.size == (32, 32)
    pixels = [outline.getpixel((x, y)) for x in range(32) for y in range(32)]
    assert {p[:3] for p in pixels if p[3]} == {(255, 255, 255)}  # white...
    assert any(p[3] == 0 for p in pixels) and any(p[3] == 255 for p in pixels)  # ...on clear


def test_the_package_holds_exactly_the_three_files_with_the_ids_filled(tmp_path: Path) -> None:
    out = build.build_package(VALUES, tmp_path / "dist" / "wellspring-teams.zip")
    with zipfile.ZipFile(out) as package:
        assert sorted(package.namelist()) == ["color.png", "manifest.json", "outline.png"]
        text = package.read("manifest.json").decode()
        assert package.read("color.png") == (PACKAGE / "color.png").read_bytes()
    filled = json.loads(text)
    assert "{{" not in text
    assert filled["id"] == filled["bots"][0]["botId"] == CLIENT_ID
    assert filled["validDomains"] == [DOMAIN]


def test_settings_come_from_the_env_file_when_the_environment_lacks_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    env = tmp_path / ".env"
    env.write_text(f'# Teams\nTEAMS_CLIENT_ID="{CLIENT_ID}"\nexport BOT_DOMAIN=https://{DOMAIN}/\n')
    out = tmp_path / "package.zip"
    code = build.main(["--out", str(out), "--env-file", str(env)], environ={})
    assert code == 0 and capsys.readouterr().out == f"wrote {out}\n"
    with zipfile.ZipFile(out) as package:
        assert json.loads(package.read("manifest.json"))["validDomains"] == [DOMAIN]


@pytest.mark.parametrize(
    ("environ", "named"),
    [
        ({"BOT_DOMAIN": DOMAIN}, "TEAMS_CLIENT_ID"),
        ({"TEAMS_CLIENT_ID": "not-a-guid", "BOT_DOMAIN": DOMAIN}, "TEAMS_CLIENT_ID"),
        ({"TEAMS_CLIENT_ID": CLIENT_ID}, "BOT_DOMAIN"),
        ({"TEAMS_CLIENT_ID": CLIENT_ID, "BOT_DOMAIN": "example.org/bot"}, "BOT_DOMAIN"),
    ],
)
def test_a_missing_or_malformed_setting_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], environ: dict[str, str], named: str
) -> None:
    out = tmp_path / "package.zip"
    code = build.main(["--out", str(out), "--env-file", str(tmp_path / ".env")], environ)
    err = capsys.readouterr().err
    assert code == 2 and err.startswith(named) and err.count("\n") == 1
    assert not out.exists()


def test_the_module_run_without_a_client_id_exits_2_with_one_line(tmp_path: Path) -> None:
    environ = {k: v for k, v in os.environ.items() if k not in ("TEAMS_CLIENT_ID", "BOT_DOMAIN")}
    environ["PYTHONPATH"] = str(ROOT)
    done = subprocess.run(  # run where no .env is, as `python -m` would be by a person
        [sys.executable, "-m", "handlers.teams.app_package.build"],
        cwd=tmp_path,
        env=environ,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.startswith("TEAMS_CLIENT_ID is not set") and done.stderr.count("\n") == 1
    assert not (tmp_path / "dist").exists()


def test_the_teams_package_carries_the_release_version() -> None:
    """Teams accepts an updated package only with a new version: keep it with the release."""
    release = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
    assert json.loads((PACKAGE / "manifest.json").read_text())["version"] == release
