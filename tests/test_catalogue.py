"""The error catalogue itself: every code has a test that triggers it, and templates are complete."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from screening.errors import CATALOGUE, problem

TESTS = Path(__file__).resolve().parent


def _test_sources() -> str:
    return "\n".join(p.read_text(encoding="utf-8") for p in TESTS.glob("test_*.py")
                     if p.name != "test_catalogue.py")


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_every_code_is_asserted_by_a_test(code: str) -> None:
    # a test somewhere asserts on this code (by name), so each entry is reachable from a real input
    assert re.search(rf"['\"/_ ]{code}['\" _:)]|{code.lower()}_", _test_sources()), \
        f"no test triggers {code}"


@pytest.mark.parametrize("code", sorted(CATALOGUE))
def test_templates_format_with_their_own_fields(code: str) -> None:
    entry = CATALOGUE[code]
    fields = {f for _, f, _, _ in string.Formatter().parse(entry.template + entry.fix) if f}
    p = problem(code, "rules/ruleset.yaml", 7, **{f.split("!")[0]: "x" for f in fields})
    assert p.format().startswith(f"rules/ruleset.yaml:7: {code} ")
    assert entry.fix and entry.title


def test_error_code_document_is_up_to_date() -> None:
    from screening.errors import catalogue_markdown

    doc = TESTS.parent / "docs" / "error-codes.md"
    assert doc.read_text(encoding="utf-8") == catalogue_markdown(), \
        "regenerate with: .venv/bin/python -m screening.errors > docs/error-codes.md"
