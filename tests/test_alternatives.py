"""explain_alternatives: every alternative is real (replayed through the engine) and smallest."""

from __future__ import annotations

import json

import pytest
from rulefiles import RULES

from screening import AnswersError, evaluate, load
from screening.proofs.alternatives import explain_alternatives


@pytest.fixture(scope="module")
def rs():
    return load(RULES)


def _apply(answers: dict[str, str], alt) -> dict[str, str]:
    return {**answers, **{c.indicator: c.would_be for c in alt.changes}}


def test_every_more_serious_outcome_with_one_change_from_nothing(rs) -> None:
    alts = explain_alternatives(rs, {})
    assert [(a.direction, a.outcome) for a in alts] == [
        ("more_serious", "emergency"), ("more_serious", "contact_prevent_lead"),
        ("more_serious", "prevent_lead_advice"), ("more_serious", "consider_safeguarding")]
    for a in alts:
        assert len(a.changes) == 1
        assert evaluate(rs, _apply({}, a)).outcome == a.outcome
        assert a.changes[0].answer == "unknown" and a.changes[0].would_be == "yes"


def test_prefers_unknown_questions_and_says_it_in_plain_words(rs) -> None:
    answers = {i: "no" for i in rs.indicator_ids()}
    answers["threatens_harm"] = "unknown"
    alts = {a.outcome: a for a in explain_alternatives(rs, answers)}
    prevent = alts["contact_prevent_lead"]
    assert [c.indicator for c in prevent.changes] == ["threatens_harm"]
    assert prevent.rule == "intent_or_capability"
    assert prevent.sentence == (
        "If 'Have they threatened to hurt people or damage property for a cause or grievance' were "
        "yes, the recommendation would be 'Contact the Prevent Lead today' (rule intent_or_capability).")
    # no unknown gate question is left, so the emergency route needs a 'no' to have been yes
    assert alts["emergency"].changes[0].answer == "no"


def test_less_serious_needs_the_fewest_changes(rs) -> None:
    answers = {"threatens_harm": "yes", "justifies_violence": "yes", "isolated": "yes"}
    assert evaluate(rs, answers).outcome == "contact_prevent_lead"
    alts = explain_alternatives(rs, answers)
    lower = [a for a in alts if a.direction == "less_serious"]
    assert len(lower) == 1
    assert sorted(c.indicator for c in lower[0].changes) == ["justifies_violence", "threatens_harm"]
    assert all(c.would_be == "no" for c in lower[0].changes)
    assert lower[0].outcome == "consider_safeguarding"
    assert lower[0].rule == "circumstances_only"
    # exhaustive check that no single change lowers it
    for i in rs.indicator_ids():
        flipped = {**answers, i: "no" if answers.get(i) == "yes" else "yes"}
        assert rs.rank(evaluate(rs, flipped).outcome) <= rs.rank("contact_prevent_lead"), i
    assert evaluate(rs, _apply(answers, lower[0])).outcome == "consider_safeguarding"


def test_nothing_more_serious_than_an_emergency(rs) -> None:
    alts = explain_alternatives(rs, {"imminent_danger": "yes"})
    assert [(a.direction, a.outcome) for a in alts] == [("less_serious", "no_prevent_concern")]
    assert alts[0].sentence == ("If 'Is anyone in danger right now' were no, the recommendation "
                                "would be 'No Prevent concern identified' (no rule would apply).")


def test_no_less_serious_alternative_when_already_least(rs) -> None:
    alts = explain_alternatives(rs, {"trusted_adult": "yes", "under_18": "yes"})
    assert "less_serious" not in [a.direction for a in alts]
    # protective and profile answers are never part of a change: they cannot move the route
    assert not {c.indicator for a in alts for c in a.changes} & {"trusted_adult", "under_18"}


def test_to_dict_is_plain_json(rs) -> None:
    data = [a.to_dict() for a in explain_alternatives(rs, {"us_and_them": "yes"})]
    assert json.loads(json.dumps(data)) == data
    assert data[-1]["direction"] == "less_serious"
    assert data[-1]["changes"] == [{"indicator": "us_and_them", "question": rs.indicator(
        "us_and_them").question.rstrip("?"), "answer": "yes", "would_be": "no"}]


def test_bad_answers_are_refused(rs) -> None:
    with pytest.raises(AnswersError) as info:
        explain_alternatives(rs, {"threatens_harmm": "yes"})
    assert info.value.problems[0].code == "AN001"
