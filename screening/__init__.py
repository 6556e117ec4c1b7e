"""Prevent concern screening: the pure core (rule files, engine, checks, summaries).

The small public API, re-exported here, is what the app, the CLI and the tests call.
"""

from .alternatives import Alternative, Change, explain_alternatives
from .batch import evaluate_frame
from .engine import Assessment, CouldBecome, Evidence, FiredRule, evaluate
from .errors import AnswersError, Problem, RuleSetError, ScreeningError
from .loading import default_rules_dir, load
from .ruleset import RuleSet

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
