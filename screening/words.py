"""Small helpers for writing lists in plain English, shared by messages and the summary."""

from __future__ import annotations

from collections.abc import Iterable


def join_words(items: Iterable[str], last: str = "and") -> str:
    """'a', 'a and b', 'a, b and c' (empty items dropped), as people write lists in sentences."""
    xs = [x for x in items if x]
    if len(xs) <= 1:
        return "".join(xs)
    return f"{', '.join(xs[:-1])} {last} {xs[-1]}"
