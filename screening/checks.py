"""Placeholder until the safeguard proofs land: returns no findings."""

from __future__ import annotations

from .errors import Problem
from .ruleset import RuleSet


def check_ruleset(ruleset: RuleSet) -> list[Problem]:
    """Run every static check over a rule set."""
    return []
