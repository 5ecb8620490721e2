"""The lock files pin every dependency pyproject.toml names, within its range, with hashes."""

import re
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
PIN = re.compile(r"^([A-Za-z0-9_.\-]+)==([^\s;\\]+)")


def pins(lock: str) -> dict[str, str]:
    """Name -> version of every package the lock installs, each checked to carry a hash."""
    found, entries = {}, re.split(r"\n(?=\S)", (ROOT / "requirements" / lock).read_text())
    for entry in entries:
        if match := PIN.match(entry):
            assert "--hash=sha256:" in entry, f"{match[1]} in {lock} has no hash"
            found[canonicalize_name(match[1])] = match[2]
    return found


@pytest.mark.parametrize(
    ("lock", "wanted"),
    [
        ("main.txt", PROJECT["dependencies"]),
        ("dev.txt", PROJECT["dependencies"] + PROJECT["optional-dependencies"]["dev"]),
    ],
)
def test_every_dependency_is_locked_within_its_range(lock: str, wanted: list[str]) -> None:
    locked = pins(lock)
    for line in wanted:
        need = Requirement(line)
        name = canonicalize_name(need.name)
        assert name in locked, f"{need.name} is not in requirements/{lock}: run make lock"
        assert need.specifier.contains(locked[name], prereleases=True), (
            f"requirements/{lock} pins {need.name}=={locked[name]}, outside {need.specifier}: "
            "run make lock"
        )


def test_the_runtime_lock_is_the_dev_lock_without_the_tools() -> None:
    main, dev = pins("main.txt"), pins("dev.txt")
    assert {name: dev.get(name) for name in main} == main, "the two locks disagree"


def test_the_build_backend_is_locked_at_the_dev_locks_version() -> None:
    """The image builds without isolation from requirements/build.txt: no unpinned setuptools."""
    backend = tomllib.loads((ROOT / "pyproject.toml").read_text())["build-system"]["requires"]
    build, dev = pins("build.txt"), pins("dev.txt")
    for line in backend:
        need = Requirement(line)
        name = canonicalize_name(need.name)
        assert need.specifier.contains(build[name]), f"requirements/build.txt: {need.name}"
        assert build[name] == dev[name], "build.txt and dev.txt disagree: run make lock"
