"""The fairness lint covers factor wording too, and one matcher serves rules, scenarios and notes."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text

from screening import RuleSetError, load
from screening.fairness import find_terms


def test_factor_introduction_naming_a_faith_is_rejected(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"Think about what you saw or heard yourself, not about who the person is.":
                              "Think about whether they have started attending the mosque."})
    with pytest.raises(RuleSetError) as info:
        load(d)
    (p,) = [p for p in info.value.problems if p.code == "CK008"]
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: engagement")
    assert p.message.startswith("the introduction of factor 'engagement' uses 'mosque' (religion or belief)")


def test_allowed_phrase_is_exempt_only_where_it_stands() -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert find_terms(fair, "They were the victim of a hate crime.") == []
    assert [(t, c.category) for t, c in find_terms(fair, "a hate crime after a change in Religion")] == [
        ("Religion", "religion or belief")]
    assert find_terms(fair, "a conversation about football") == []
