"""Prevent concern screening: the pure core (no streamlit), which the app, the CLI and the tests call.

Laid out by noun:

- ``rules/``: the rule files, their safe YAML reader, loading, the contract, approvals, the register
  of published rule sets and the policy team's scenarios;
- ``proofs/``: what a rule set must never do, proved (z3) and checked in its wording;
- ``engine`` (answers -> assessment), ``record`` (what the worker completed), ``text`` and
  ``personal_data`` (free text), ``access`` (roles), ``errors`` (the catalogue of every message);
- ``exports/``: the narrative and its Markdown, PDF and sealed JSON, and opening a file again;
- ``impact/``: the batch engine, reference corpora and the impact of a rule change;
- ``store/``: saved screenings, reviews, the audit trail and retention;
- ``workbench``: one report on an edited rule file for the policy team.

The small public API, re-exported here, is what callers should use first.
"""

from .engine import Assessment, CouldBecome, Evidence, FiredRule, evaluate
from .errors import AnswersError, Problem, RuleSetError, ScreeningError
from .impact.batch import evaluate_frame
from .proofs.alternatives import Alternative, Change, explain_alternatives
from .rules.loading import default_rules_dir, load
from .rules.ruleset import RuleSet

__all__ = [
    "Alternative",
    "AnswersError",
    "Assessment",
    "Change",
    "CouldBecome",
    "Evidence",
    "FiredRule",
    "Problem",
    "RuleSet",
    "RuleSetError",
    "ScreeningError",
    "default_rules_dir",
    "evaluate",
    "evaluate_frame",
    "explain_alternatives",
    "load",
]
