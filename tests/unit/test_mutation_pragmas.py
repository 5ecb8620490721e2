"""Every line `make mutate` leaves out as equivalent is listed, with why, in
docs/mutation-testing.md: a pragma nobody explains would hide a bug from the count."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
BARE = re.compile(r"#\s*pragma: no mutate(?!\s+(start|end|block))")


def _left_out() -> list[tuple[str, str]]:
    """(path under bot/, function name) of each line with a bare pragma."""
    found = []
    for path in sorted((ROOT / "bot").rglob("*.py")):
        lines = path.read_text().splitlines()
        marked = {n for n, line in enumerate(lines, 1) if BARE.search(line)}
        if not marked:
            continue
        functions = [
            node
            for node in ast.walk(ast.parse("\n".join(lines)))
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        ]
        for number in sorted(marked):
            inner = [f for f in functions if f.lineno <= number <= (f.end_lineno or 0)]
            name = max(inner, key=lambda f: f.lineno).name if inner else "<module>"
            found.append((str(path.relative_to(ROOT / "bot")), name))
    return found


def test_every_line_left_out_of_mutation_testing_is_listed_with_its_reason() -> None:
    doc = (ROOT / "docs" / "mutation-testing.md").read_text()
    table = doc.split("### Lines left out because every mutant there is equivalent")[1]
    rows = [line for line in table.splitlines() if line.startswith("| `")]
    left_out = _left_out()
    assert len(left_out) >= 10, "the pragmas were found"
    missing = [
        (path, name)
        for path, name in left_out
        if not any(row.startswith(f"| `{path}`") and name in row.split(" | ")[0] for row in rows)
    ]
    assert not missing, f"left out of make mutate without a reason in the docs: {missing}"
