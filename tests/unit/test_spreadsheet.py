"""CSV cells a spreadsheet would run as formulas are neutralised (OWASP CSV injection)."""

import csv
import io

import pytest

from bot.outgoing.spreadsheet import csv_bytes, neutralised


@pytest.mark.parametrize(
    "cell",
    ['=HYPERLINK("https://evil.example","x")', "+1+cmd|' /C calc'!A0", "-2+3", "@SUM(A1)",
     "\t=1", "\r=1"],
)  # fmt: skip
def test_a_cell_starting_like_a_formula_gets_a_leading_quote(cell: str) -> None:
    assert neutralised(cell) == "'" + cell
    [[read]] = list(csv.reader(io.StringIO(csv_bytes([[cell]]).decode())))
    assert read == "'" + cell


@pytest.mark.parametrize("cell", ["North team", "2026-W48", "0.50", "", "a=b", "'quoted"])
def test_other_cells_are_left_as_they_are(cell: str) -> None:
    assert neutralised(cell) == cell


def test_every_field_is_quoted_and_quotes_inside_are_doubled() -> None:
    text = csv_bytes([["team", 'say "hi"', 3, None]]).decode()
    assert text == '"team","say ""hi""","3",""\n'
