"""Fills the Teams manifest with this deployment's ids and zips the app package for upload."""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import zipfile
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ICONS = ("color.png", "outline.png")
DEFAULT_OUT = Path("dist") / "wellspring-teams.zip"
GUID = re.compile(r"^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$")
HOST = re.compile(r"^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9-]+)*(:\d+)?$")
HINTS = {
    "TEAMS_CLIENT_ID": "the bot's Microsoft app (client) id, a GUID",
    "BOT_DOMAIN": "the host name Teams reaches the bot at, e.g. wellspring.example.org",
}
# Zip entries get a fixed time so the same inputs always give the same package.
ZIP_TIME = (1980, 1, 1, 0, 0, 0)


class PackageError(Exception):
    """A setting is missing or malformed; the message is one line for the person building."""


def read_env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a .env file (comments, blank lines, `export` and quotes allowed)."""
    if not path.is_file():
        return {}
    values: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.strip()
        if not line or line.startswith("#") or "=" not in line:
            continue
        key, _, value = line.removeprefix("export ").partition("=")
        value = value.strip()
        if len(value) >= 2 and value[0] == value[-1] and value[0] in "'\"":
            value = value[1:-1]
        values[key.strip()] = value
    return values


def read_settings(environ: Mapping[str, str], env_file: Path) -> dict[str, str]:
    """TEAMS_CLIENT_ID and BOT_DOMAIN from the environment, else from the .env file."""
    from_file = read_env_file(env_file)
    values = {}
    for name, hint in HINTS.items():
        value = (environ.get(name) or from_file.get(name) or "").strip()
        if not value:
            raise PackageError(f"{name} is not set ({hint}): set it in the environment or in .env")
        values[name] = value
    if not GUID.match(values["TEAMS_CLIENT_ID"]):
        raise PackageError(f"TEAMS_CLIENT_ID must be {HINTS['TEAMS_CLIENT_ID']}")
    # A URL is accepted for BOT_DOMAIN; Teams wants only its host.
    domain = re.sub(r"^https?://", "", values["BOT_DOMAIN"]).rstrip("/")
    if not HOST.match(domain):
        raise PackageError(f"BOT_DOMAIN must be {HINTS['BOT_DOMAIN']}, not {domain!r}")
    values["BOT_DOMAIN"] = domain
    return values


def fill_manifest(values: Mapping[str, str]) -> dict[str, Any]:
    """The manifest with every {{NAME}} placeholder replaced by its value."""
    text = (HERE / "manifest.json").read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace("{{" + name + "}}", value)
    if left := sorted(set(re.findall(r"\{\{(\w+)\}\}", text))):
        raise PackageError(f"the manifest still has placeholders: {', '.join(left)}")
    manifest: dict[str, Any] = json.loads(text)
    return manifest


def build_package(values: Mapping[str, str], out: Path) -> Path:
    """Write the zip Teams takes: manifest.json and both icons at its root."""
    manifest = json.dumps(fill_manifest(values), indent=2, ensure_ascii=False) + "\n"
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    with zipfile.ZipFile(partial, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr(zipfile.ZipInfo("manifest.json", ZIP_TIME), manifest)
        for icon in ICONS:
            package.writestr(zipfile.ZipInfo(icon, ZIP_TIME), (HERE / icon).read_bytes())
    partial.replace(out)
    return out


def main(argv: Sequence[str] | None = None, environ: Mapping[str, str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="zip to write")
    parser.add_argument("--env-file", type=Path, default=Path(".env"), help="settings file")
    args = parser.parse_args(argv)
    try:
        values = read_settings(os.environ if environ is None else environ, args.env_file)
        out = build_package(values, args.out)
    except PackageError as error:
        sys.stderr.write(f"{error}\n")
        return 2
    sys.stdout.write(f"wrote {out}\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
