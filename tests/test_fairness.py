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


@pytest.mark.parametrize(("text", "expected"), [
    ("They go to two mosques", ["mosques"]),
    ("helping refugees", ["refugees"]),
    ("talks about migrants", ["migrants"]),
    ("she prayed", ["prayed"]),
    ("she is praying", ["praying"]),
    ("they voted", ["voted"]),
    ("people with disabilities", ["disabilities"]),
    ("other nationalities", ["nationalities"]),
    ("joined two political parties", ["political parties"]),
    ("Muslims", ["Muslims"]),  # both 'muslim' + s and 'muslims': reported once
])
def test_plural_and_verb_endings_on_the_last_word_are_caught(text: str, expected: list[str]) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert [t for t, _ in find_terms(fair, text)] == expected


@pytest.mark.parametrize("text", [
    "a conversation about football",  # 'conversion' is a whole word only, endings or not
    "the conversations went well",
    "a racing bike",  # 'race' + ing would be 'raceing'
    "a dressmaker",  # an ending is optional; other letters after the word still do not match
    "praised his friends",  # 'pray' does not match inside 'praised'
    "nationalistic slogans",  # not an ending of 'nationality'
])
def test_endings_do_not_match_inside_other_words(text: str) -> None:
    fair = load(RULES).fairness
    assert fair is not None
    assert find_terms(fair, text) == []


def test_allowed_phrases_stay_exact_while_terms_take_endings(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    fair_file = d / "fairness.yaml"
    fair_file.write_text(fair_file.read_text().replace("terms: [gender,", "terms: [hate, gender,"))
    fair = load(d, check=False).fairness
    assert fair is not None
    assert find_terms(fair, "the victim of a hate crime") == []
    # the exception is exact: its plural is not exempt, so 'hate' is caught there
    assert [t for t, _ in find_terms(fair, "the victim of hate crimes")] == ["hate"]
    assert [t for t, _ in find_terms(fair, "groups they hated")] == ["hated"]
    assert find_terms(fair, "hatess or whatever") == []


def test_shipped_wording_passes_the_wider_lint() -> None:
    # profile questions, outcomes, steps and 'because' texts are scanned too, with endings
    from screening.checks import check_ruleset
    assert [p.format() for p in check_ruleset(load(RULES, check=False)) if p.code == "CK008"] == []
