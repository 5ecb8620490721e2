"""The score of each mutated module after `make mutate`, as a Markdown table.

python -m tests.support.mutation_scores reads mutmut's results (mutants/**/*.py.meta):
a mutant is killed when a test failed (or timed out) with it in place, or caught when mypy
rejected it (`make lint` would: it is never run); the score is the share of the mutants tried
(killed, caught or survived) that did not survive. Mutants no selected test reaches are
counted apart, and so are those not run yet.
"""

import json
import sys
from collections import Counter
from pathlib import Path

KILLED = {1, 3, 24, -24, 36, 152, 255}  # a test failed, or the mutant hung until killed
CAUGHT_BY_MYPY = {37}
SURVIVED = {0}
NO_TESTS = {5, 33}


def scores(root: Path) -> list[tuple[str, Counter[str]]]:
    """(module, counts by outcome) for every module mutmut mutated under `root`."""
    found = []
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"].values()
        tally: Counter[str] = Counter()
        for code in codes:
            if code is None:
                tally["not run"] += 1
            elif code in KILLED:
                tally["killed"] += 1
            elif code in CAUGHT_BY_MYPY:
                tally["caught by mypy"] += 1
            elif code in SURVIVED:
                tally["survived"] += 1
            elif code in NO_TESTS:
                tally["no test reaches it"] += 1
            else:
                tally["other"] += 1
        module = meta.relative_to(root).as_posix().removesuffix(".py.meta").replace("/", ".")
        found.append((module, tally))
    return found


def table(rows: list[tuple[str, Counter[str]]]) -> str:
    lines = [
        "| module | mutants | caught by mypy | killed | survived | no test reaches it | not run "
        "| score |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for module, tally in rows:
        stopped = tally["caught by mypy"] + tally["killed"]
        tried = stopped + tally["survived"]
        score = f"{100 * stopped / tried:.0f}%" if tried else "-"
        lines.append(
            f"| `{module}` | {sum(tally.values())} | {tally['caught by mypy']} | {tally['killed']} "
            f"| {tally['survived']} | {tally['no test reaches it']} | {tally['not run']} "
            f"| {score} |"
        )
    return "\n".join(lines)


if __name__ == "__main__":
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "mutants")
    sys.stdout.write(table(scores(root)) + "\n")
