"""Build a release's artefacts from one commit, byte for byte the same on every run.

    python -m tools.release [--ref HEAD] [--out dist]

writes into <out>/<version>/:
- the wheel, built from `git archive <ref>` with SOURCE_DATE_EPOCH set to that commit's time and
  the setuptools of the lock (no build isolation, so nothing unpinned is fetched);
- wellspring-<version>.cdx.json, a CycloneDX SBOM of requirements/main.txt (what the image and a
  `pip install --require-hashes` get), made by cyclonedx-py from the dev lock;
- RELEASE-NOTES.md, the version's section of CHANGELOG.md;
- SHA256SUMS, for `sha256sum -c SHA256SUMS`.

Tagging is a separate step (`make release-tag`), so this can run anywhere, tests included.
"""

import argparse
import hashlib
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


class ReleaseProblem(Exception):
    """Something a maintainer must fix before the release can be built."""


def git(*args: str, cwd: Path = ROOT) -> bytes:
    return subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True).stdout


def export_tree(ref: str, into: Path) -> None:
    """The committed files of `ref`, without the work tree's local changes or build leftovers."""
    with tarfile.open(fileobj=io.BytesIO(git("archive", "--format=tar", ref))) as archive:
        archive.extractall(into, filter="data")


def release_notes(changelog: str, version: str) -> str:
    """The `## [version]` section of the changelog, up to the next version's heading."""
    match = re.search(
        rf"^## \[{re.escape(version)}\][^\n]*\n(.*?)(?=^## \[|\Z)", changelog, re.M | re.S
    )
    if not match or not match[1].strip():
        raise ReleaseProblem(f"CHANGELOG.md has no entry for [{version}]")
    return f"# Wellspring {version}\n\n{match[1].strip()}\n"


def build_wheel(source: Path, into: Path, epoch: str) -> Path:
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory() as wheel_dir:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps",
             "--no-build-isolation", "--no-cache-dir", "--wheel-dir", wheel_dir, str(source)],
            check=True, env=env,
        )  # fmt: skip
        [wheel] = Path(wheel_dir).glob("*.whl")
        return Path(shutil.copy2(wheel, into / wheel.name))


def build_sbom(source: Path, target: Path) -> None:
    subprocess.run(
        [sys.executable, "-m", "cyclonedx_py", "requirements",
         "--pyproject", str(source / "pyproject.toml"), "--output-reproducible",
         "--output-format", "JSON", "--output-file", str(target),
         str(source / "requirements" / "main.txt")],
        check=True, capture_output=True,
    )  # fmt: skip


def write_checksums(folder: Path) -> None:
    lines = [
        f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n"
        for path in sorted(folder.iterdir())
        if path.name != "SHA256SUMS"
    ]
    (folder / "SHA256SUMS").write_text("".join(lines))


def build(ref: str, out: Path) -> Path:
    """Build every artefact of `ref` into out/<version>/ and return that folder."""
    with tempfile.TemporaryDirectory() as scratch:
        source = Path(scratch) / "src"
        export_tree(ref, source)
        version = tomllib.loads((source / "pyproject.toml").read_text())["project"]["version"]
        notes = release_notes((source / "CHANGELOG.md").read_text(), version)
        epoch = git("log", "-1", "--format=%ct", ref).decode().strip()
        folder = out / version
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        build_wheel(source, folder, epoch)
        build_sbom(source, folder / f"wellspring-{version}.cdx.json")
        (folder / "RELEASE-NOTES.md").write_text(notes)
        write_checksums(folder)
        return folder


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--ref", default="HEAD", help="the commit to release (default HEAD)")
    parser.add_argument("--out", type=Path, default=ROOT / "dist", help="parent folder")
    args = parser.parse_args()
    try:
        folder = build(args.ref, args.out.resolve())
    except ReleaseProblem as problem:
        print(f"release: {problem}", file=sys.stderr)
        return 1
    for path in sorted(folder.iterdir()):
        print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
