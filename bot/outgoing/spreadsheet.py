"""CSV files that a spreadsheet opens as data: no cell can run as a formula.

OWASP's advice on CSV injection: a cell starting with =, +, -, @, a tab or a carriage
return gets a leading ', and every field is quoted (quotes inside doubled).
"""

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def neutralised(value: object) -> str:
    """The cell's text; one a spreadsheet would read as a formula starts with '."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def csv_bytes(rows: Iterable[Sequence[object]]) -> bytes:
    """Rows as UTF-8 CSV, every field quoted and neutralised, one line each."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\n")
    writer.writerows([neutralised(cell) for cell in row] for row in rows)
    return out.getvalue().encode()
