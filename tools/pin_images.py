"""Pin every third-party base image to the digest its tag points at today.

    python -m tools.pin_images          # needs Docker with buildx, and the registries reachable

deploy/base-images.txt lists each image the shipped files use, as `name:tag` (awaiting its first
pin) or `name:tag@sha256:…`. This asks the registry for each tag's current digest (the
multi-platform index, so every architecture stays covered), writes it into that list and into
every FROM and `image:` line of the Dockerfile and the compose files. Review the diff, rebuild,
test, commit: a digest changes only when someone runs this.
"""

import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LIST = "deploy/base-images.txt"
SHIPPED = ("Dockerfile", "docker-compose.yml", "deploy/compose.replicas.yml")
# `FROM name[:tag][@sha256:…] [AS stage]` and `image: name[:tag][@sha256:…]`.
REFERENCE = re.compile(r"^(?P<lead>\s*(?:FROM|image:)\s+)(?P<ref>[^\s@]+)(?:@sha256:[0-9a-f]{64})?")
DIGEST = re.compile(r"^Digest:\s+(sha256:[0-9a-f]{64})\s*$", re.M)
OWN_IMAGE = "wellspring:"


def listed(root: Path = ROOT) -> list[str]:
    """The list's entries, `name:tag` or `name:tag@sha256:…`, comments left out."""
    lines = (line.strip() for line in (root / LIST).read_text().splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def references(text: str) -> list[tuple[str, str]]:
    """(name:tag, the whole reference) of every third-party image a file names."""
    found = []
    for line in text.splitlines():
        if (match := REFERENCE.match(line)) and not match["ref"].startswith(OWN_IMAGE):
            found.append((match["ref"], line[match.end("lead") :].split()[0]))
    return found


def pin_text(text: str, pins: dict[str, str]) -> str:
    """`text` with each listed image's reference replaced by `name:tag@digest`."""

    def pinned(line: str) -> str:
        match = REFERENCE.match(line)
        if not match or match["ref"] not in pins:
            return line
        return f"{match['lead']}{match['ref']}@{pins[match['ref']]}{line[match.end() :]}"

    return "".join(pinned(line) for line in text.splitlines(keepends=True))


def registry_digest(name: str) -> str:
    """The digest `name:tag` points at now, from `docker buildx imagetools inspect`."""
    shown = subprocess.run(
        ["docker", "buildx", "imagetools", "inspect", name],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    match = DIGEST.search(shown)
    if not match:
        raise RuntimeError(f"no digest in the registry's answer for {name}")
    return match[1]


def refresh(resolve: Callable[[str], str] = registry_digest, root: Path = ROOT) -> dict[str, str]:
    """Ask for every listed image's digest, then rewrite the list and the shipped files."""
    names = [entry.split("@")[0] for entry in listed(root)]
    pins = {name: resolve(name) for name in names}
    header = [line for line in (root / LIST).read_text().splitlines() if line.startswith("#")]
    (root / LIST).write_text("\n".join([*header, *(f"{n}@{pins[n]}" for n in names)]) + "\n")
    for relative in SHIPPED:
        path = root / relative
        path.write_text(pin_text(path.read_text(), pins))
    return pins


def main() -> int:
    try:
        pins = refresh()
    except (subprocess.CalledProcessError, RuntimeError, FileNotFoundError) as problem:
        print(f"pin-images: could not reach the registry ({problem}); nothing changed",
              file=sys.stderr)  # fmt: skip
        return 1
    for name, digest in pins.items():
        print(f"{name}@{digest}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
