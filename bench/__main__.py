"""`make bench`: every benchmark in one run, written to bench/RESULTS.md (then bench/NOTES.md).

Each module's `run()` measures its figures against a baseline from the same run and returns
its Markdown section; a module that fails leaves its error in place of its section.
"""

import importlib
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.report import machine

MODULES = ["fanout", "clicks", "summaries", "small_teams", "footprint", "commands", "installs"]
RESULTS = Path(__file__).with_name("RESULTS.md")
# Written by hand: what each change bought, and why a target is not met yet.
NOTES = Path(__file__).with_name("NOTES.md")


def main() -> None:
    chosen = sys.argv[1:] or MODULES
    sections, started = [], time.monotonic()
    for name in chosen:
        began = time.monotonic()
        try:
            text = importlib.import_module(f"bench.{name}").run()
        except Exception:  # one benchmark's failure must not lose the others' figures
            text = f"## `bench/{name}.py` failed\n\n```\n{traceback.format_exc()}```\n"
        sections.append(text)
        print(f"bench.{name}: {time.monotonic() - began:.0f} s", file=sys.stderr)
    header = [
        "# Benchmark results",
        "",
        f"Made with `make bench` (`python -m bench {' '.join(chosen)}`) on "
        f"{datetime.now(UTC):%Y-%m-%d}, {machine()}, in {time.monotonic() - started:.0f} s. "
        "Every figure is beside a baseline measured in the same run; the ratio is what counts, "
        "since absolute times move with the machine and whatever else runs on it.",
        "",
    ]
    notes = [NOTES.read_text()] if NOTES.exists() else []
    RESULTS.write_text("\n".join(header + sections + notes))
    print(f"wrote {RESULTS}", file=sys.stderr)


if __name__ == "__main__":
    main()
