"""`make bench`: every benchmark in one run, written to bench/RESULTS.md (then bench/NOTES.md).

Each module's `run()` measures its figures against a baseline from the same run and returns
its Markdown section; a module that fails leaves its error in place of its section. Naming
modules (`python -m bench fanout`) reruns only those: their sections are replaced and every
other module's section stays as the last run left it.
"""

import importlib
import re
import sys
import time
import traceback
from datetime import UTC, datetime
from pathlib import Path

from bench.report import machine

MODULES = [
    "fanout",
    "teams_fanout",
    "clicks",
    "summaries",
    "small_teams",
    "small_teams_dp",
    "footprint",
    "commands",
    "installs",
    "throughput",
]
RESULTS = Path(__file__).with_name("RESULTS.md")
# Written by hand: what each change bought, and why a target is not met yet.
NOTES = Path(__file__).with_name("NOTES.md")
# Put before each module's section, so that a later run of some modules keeps the others.
MARK = "<!-- bench:{} -->"
_MARKED = re.compile(r"^<!-- bench:(\w+) -->\n", re.MULTILINE)
NOTES_MARK = "<!-- notes: bench/NOTES.md -->"
RERUN = "Rerun alone since: "


def main() -> None:
    chosen = sys.argv[1:] or MODULES
    sections, started = dict(_earlier_sections()), time.monotonic()
    for name in chosen:
        began = time.monotonic()
        try:
            text = importlib.import_module(f"bench.{name}").run()
        except Exception:  # one benchmark's failure must not lose the others' figures
            text = f"## `bench/{name}.py` failed\n\n```\n{traceback.format_exc()}```\n"
        sections[name] = text
        print(f"bench.{name}: {time.monotonic() - began:.0f} s", file=sys.stderr)
    run = (
        f"`python -m bench {' '.join(chosen)}` on {datetime.now(UTC):%Y-%m-%d}, {machine()}, "
        f"in {time.monotonic() - started:.0f} s"
    )
    header = _header(run) if set(chosen) >= set(MODULES) else _header_after(run, chosen)
    order = MODULES + [name for name in sections if name not in MODULES]
    body = [MARK.format(name) + "\n" + sections[name] for name in order if name in sections]
    notes = [NOTES_MARK + "\n" + NOTES.read_text()] if NOTES.exists() else []
    RESULTS.write_text("\n".join([header, *body, *notes]))
    print(f"wrote {RESULTS}", file=sys.stderr)


def _header(run: str) -> str:
    return "\n".join(
        [
            "# Benchmark results",
            "",
            f"Made with `make bench` ({run}). Every figure is beside a baseline measured in "
            "the same run; the ratio is what counts, since absolute times move with the machine "
            "and whatever else runs on it.",
            "",
        ]
    )


def _header_after(run: str, chosen: list[str]) -> str:
    """The last full run's header, with a line for each module rerun alone since."""
    earlier = _earlier_text().split("<!-- bench:", 1)[0] if RESULTS.exists() else _header("-")
    paragraphs = [
        paragraph
        for paragraph in earlier.strip().split("\n\n")
        if not any(paragraph.startswith(f"{RERUN}`{name}`") for name in chosen)
    ]
    paragraphs += [f"{RERUN}`{name}`, by {run}." for name in chosen]
    return "\n\n".join(paragraphs) + "\n"


def _earlier_text() -> str:
    """bench/RESULTS.md without the notes that end it."""
    return RESULTS.read_text().split(NOTES_MARK, 1)[0]


def _earlier_sections() -> list[tuple[str, str]]:
    """Each module's section in bench/RESULTS.md as the last run wrote it."""
    if not RESULTS.exists():
        return []
    parts = _MARKED.split(_earlier_text())
    return [
        (name, text.rstrip("\n") + "\n")
        for name, text in zip(parts[1::2], parts[2::2], strict=True)
    ]


if __name__ == "__main__":
    main()
