"""The review queue as CSV, safe to open in a spreadsheet.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is read by Excel and
LibreOffice as a formula (CSV injection: ``=HYPERLINK(...)`` or worse), so such cells are prefixed
with an apostrophe, which spreadsheets show as text (OWASP's advice).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutral_cell(value: object) -> str:
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_START) else text


def to_csv(header: Sequence[str], rows: Iterable[Sequence[object]]) -> bytes:
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow([neutral_cell(h) for h in header])
    for row in rows:
        w.writerow([neutral_cell(v) for v in row])
    return out.getvalue().encode("utf-8-sig")  # the BOM makes Excel read UTF-8
