"""Small helpers for writing lists and counts in plain English, shared by messages and the summary."""

from __future__ import annotations

from collections.abc import Iterable


def join_words(items: Iterable[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (empty items dropped), as people write lists in sentences."""
    xs = [x for x in items if x]
    if len(xs) <= 1:
        return "".join(xs)
    return f"{', '.join(xs[:-1])} {last} {xs[-1]}"


def plural(n: int, singular: str, many: str | None = None) -> str:
    """The noun for ``n`` things: 'question' for 1, 'questions' otherwise (``many`` if irregular)."""
    return singular if n == 1 else (many or singular + "s")


def count(n: int, singular: str, many: str | None = None) -> str:
    """'1 question', '2 questions', '0 questions', '1,200 questions': a number people read."""
    return f"{n:,} {plural(n, singular, many)}"


def verb(n: int, one: str = "is", many: str = "are") -> str:
    """The verb that agrees with ``n`` things: '1 question is', '2 questions are'."""
    return one if n == 1 else many
