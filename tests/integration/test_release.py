"""`make release`'s build, run as a maintainer would, into temporary folders: every artefact is
there and checks out, the SBOM names every locked runtime package at its locked version, and a
second build gives the same bytes."""

import hashlib
import json
import re
import subprocess
import sys
import tomllib
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import pytest
from packaging.utils import canonicalize_name

from tools.release import ReleaseProblem, release_notes

ROOT = Path(__file__).resolve().parents[2]
VERSION = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["version"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)", re.M)


def _committed(path: str) -> str:
    """A file as the release sees it: from the last commit, not the work tree."""
    return subprocess.run(
        ["git", "show", f"HEAD:{path}"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout


def _release(out: Path) -> Path:
    subprocess.run([sys.executable, "-m", "tools.release", "--out", str(out)], cwd=ROOT, check=True)
    return out / VERSION


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    return _release(tmp_path_factory.mktemp("first")), _release(tmp_path_factory.mktemp("again"))


def test_the_release_folder_holds_the_wheel_sbom_notes_and_their_checksums(
    two_builds: tuple[Path, Path],
) -> None:
    folder, _ = two_builds
    assert sorted(path.name for path in folder.iterdir()) == [
        "RELEASE-NOTES.md",
        "SHA256SUMS",
        f"wellspring-{VERSION}-py3-none-any.whl",
        f"wellspring-{VERSION}.cdx.json",
    ]
    sums = dict(
        reversed(line.split("  ")) for line in (folder / "SHA256SUMS").read_text().splitlines()
    )
    assert set(sums) == {p.name for p in folder.iterdir()} - {"SHA256SUMS"}
    for name, digest in sums.items():
        assert hashlib.sha256((folder / name).read_bytes()).hexdigest() == digest


def test_the_sbom_lists_every_locked_runtime_package_at_its_locked_version(
    two_builds: tuple[Path, Path],
) -> None:
    folder, _ = two_builds
    sbom = json.loads((folder / f"wellspring-{VERSION}.cdx.json").read_text())
    assert sbom["bomFormat"] == "CycloneDX"
    assert sbom["metadata"]["component"]["name"] == "wellspring"
    assert sbom["metadata"]["component"]["version"] == VERSION
    listed = {canonicalize_name(c["name"]): c["version"] for c in sbom["components"]}
    locked = {
        canonicalize_name(name): version
        for name, version in PIN.findall(_committed("requirements/main.txt"))
    }
    assert len(locked) > 40
    assert listed == locked
    for component in sbom["components"]:
        assert component["purl"] == f"pkg:pypi/{component['name']}@{component['version']}"


def test_two_builds_of_the_same_commit_are_byte_identical(two_builds: tuple[Path, Path]) -> None:
    first, again = two_builds
    assert (first / "SHA256SUMS").read_bytes() == (again / "SHA256SUMS").read_bytes()
    wheel = f"wellspring-{VERSION}-py3-none-any.whl"
    assert (first / wheel).read_bytes() == (again / wheel).read_bytes()


def test_the_wheel_carries_the_prompts_and_templates_and_the_commit_time(
    two_builds: tuple[Path, Path],
) -> None:
    folder, _ = two_builds
    with zipfile.ZipFile(folder / f"wellspring-{VERSION}-py3-none-any.whl") as wheel:
        names = wheel.namelist()
        times = {info.date_time for info in wheel.infolist()}
    prompts = {f"prompts/en/{path.name}" for path in (ROOT / "prompts" / "en").glob("*.yaml")}
    assert prompts and prompts <= set(names)
    assert any(n.startswith("handlers/playground/templates/") for n in names)
    assert not any(n.startswith(("tests/", "tools/")) for n in names)
    epoch = int(
        subprocess.run(
            ["git", "log", "-1", "--format=%ct"], cwd=ROOT, check=True, capture_output=True
        ).stdout
    )
    committed = datetime.fromtimestamp(epoch, UTC)
    # Zip keeps times in 2-second steps; SOURCE_DATE_EPOCH gives every entry the commit time.
    assert times == {(*committed.timetuple()[:5], committed.second // 2 * 2)}


def test_the_release_notes_are_the_changelog_section_of_the_version(
    two_builds: tuple[Path, Path],
) -> None:
    folder, _ = two_builds
    notes = (folder / "RELEASE-NOTES.md").read_text()
    assert notes.startswith(f"# Wellspring {VERSION}\n\n")
    changelog = _committed("CHANGELOG.md")
    section = changelog.split(f"## [{VERSION}]", 1)[1].split("\n", 1)[1].split("\n## [", 1)[0]
    assert notes.split("\n\n", 1)[1].strip() == section.strip()
    assert "## [" not in notes


def test_a_version_without_a_changelog_entry_is_refused() -> None:
    changelog = "# Changelog\n\n## [Unreleased]\n- a fix\n\n## [0.1.0]\n- first\n"
    assert release_notes(changelog, "0.1.0") == "# Wellspring 0.1.0\n\n- first\n"
    with pytest.raises(ReleaseProblem, match=r"no entry for \[0.2.0\]"):
        release_notes(changelog, "0.2.0")
    with pytest.raises(ReleaseProblem):
        release_notes("## [0.2.0]\n\n## [0.1.0]\n- first\n", "0.2.0")
