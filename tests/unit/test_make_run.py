"""`make run` installs the runtime lock only, with pip's progress shown."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_run_installs_the_runtime_lock_with_progress(tmp_path: Path) -> None:
    venv = tmp_path / "venv"
    # Under `make test` the outer make's flags would reach this one: start it clean.
    clean = {k: v for k, v in os.environ.items() if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    planned = subprocess.run(
        ["make", "--no-print-directory", "--dry-run", "run", f"VENV={venv}"],
        cwd=ROOT,
        env=clean,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    installs = [line for line in planned.splitlines() if " -m pip install " in line]
    [lock_install] = [line for line in installs if " -r " in line]
    assert "--require-hashes --progress-bar on -r requirements/main.txt" in lock_install
    assert lock_install.endswith("-r requirements/build.txt"), "the build backend is locked too"
    assert all("--no-build-isolation" in line for line in installs if " -e ." in line)
    assert "--quiet" not in lock_install, "a minute of silence otherwise"
    assert "requirements/dev.txt" not in planned
    assert planned.rstrip().endswith("app.py")
