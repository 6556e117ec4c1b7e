"""Engine routing for every outcome (DOMAIN.md examples), the trace, unknowns and could_become."""

from __future__ import annotations

import dataclasses

import pytest
from rulefiles import RULES, shipped_version

from screening import AnswersError, evaluate, load


@pytest.fixture(scope="module")
def rs():
    return load(RULES, check=False)


@pytest.mark.parametrize(("answers", "outcome"), [
    ({}, "no_prevent_concern"),
    ({"imminent_danger": "yes"}, "emergency"),
    ({"named_target": "yes", "rejects_violence": "yes"}, "emergency"),
    ({"threatens_harm": "yes"}, "contact_prevent_lead"),
    ({"acquiring_capability": "yes"}, "contact_prevent_lead"),
    ({"praises_attackers": "yes"}, "contact_prevent_lead"),
    ({"violence_fixation": "yes"}, "prevent_lead_advice"),
    ({"us_and_them": "yes", "isolated": "yes"}, "prevent_lead_advice"),
    ({"hostile_conspiracy": "yes", "money_stress": "yes"}, "prevent_lead_advice"),
    ({"us_and_them": "yes"}, "consider_safeguarding"),
    ({"unsupported_mental_health_need": "yes"}, "consider_safeguarding"),
    ({i: "yes" for i in ["bereavement_or_breakdown", "isolated", "job_loss_or_neet", "recent_crisis",
                          "recent_offending"]}, "consider_safeguarding"),
    ({"trusted_adult": "yes", "stable_housing": "yes"}, "no_prevent_concern"),
    ({"under_18": "yes", "care_and_support_needs": "yes"}, "no_prevent_concern"),
])
def test_routing(rs, answers, outcome) -> None:
    assert evaluate(rs, answers).outcome == outcome


def test_context_alone_never_prevent(rs) -> None:
    context = {i.id: "yes" for f in rs.factors if f.kind.value in ("context", "protective", "profile")
               for i in f.indicators}
    assert evaluate(rs, context).outcome == "consider_safeguarding"


def test_protective_never_lowers(rs) -> None:
    base = {"us_and_them": "yes", "isolated": "yes"}
    protective = {i.id: "yes" for i in rs.factor("protective").indicators}
    assert evaluate(rs, base).outcome == evaluate(rs, base | protective).outcome == "prevent_lead_advice"


def test_trace_names_the_answers_that_satisfied_each_rule(rs) -> None:
    a = evaluate(rs, {"us_and_them": "yes", "isolated": "yes", "money_stress": "yes"})
    fired = {f.id: f for f in a.fired}
    assert set(fired) == {"weaker_signs_with_circumstances", "weaker_sign_alone", "circumstances_only"}
    rule = fired["weaker_signs_with_circumstances"]
    assert rule.decisive and rule.outcome == "prevent_lead_advice"
    assert [(e.indicator, e.answer) for e in rule.evidence] == [
        ("us_and_them", "yes"), ("isolated", "yes"), ("money_stress", "yes")]
    assert not fired["circumstances_only"].decisive
    assert a.yes_by_factor == (("engagement", ("us_and_them",)),
                               ("personal_circumstances", ("isolated",)),
                               ("unemployment", ("money_stress",)))


def test_additional_steps_whatever_the_outcome(rs) -> None:
    assert evaluate(rs, {"under_18": "yes"}).additional_steps == ("childrens_safeguarding",)
    a = evaluate(rs, {"imminent_danger": "yes", "under_18": "yes", "care_and_support_needs": "yes"})
    assert a.outcome == "emergency"
    assert a.additional_steps == ("childrens_safeguarding", "adult_safeguarding")


def test_unknowns_and_could_become(rs) -> None:
    answered_no = {i: "no" for i in rs.indicator_ids()}
    answers = answered_no | {"us_and_them": "yes", "isolated": "unknown", "money_stress": "unknown"}
    a = evaluate(rs, answers)
    assert a.outcome == "consider_safeguarding"
    assert a.unknowns == ("isolated", "money_stress")
    assert a.could_become is not None
    assert a.could_become.outcome == "prevent_lead_advice"
    assert a.could_become.if_yes == ("isolated",)
    assert a.could_become.rule == "weaker_signs_with_circumstances"


def test_could_become_none_when_nothing_unknown(rs) -> None:
    answers = {i: "no" for i in rs.indicator_ids()} | {"threatens_harm": "yes"}
    a = evaluate(rs, answers)
    assert a.unknowns == () and a.could_become is None


def test_missing_means_unknown_and_true_false_accepted(rs) -> None:
    a = evaluate(rs, {"threatens_harm": True, "isolated": False, "money_stress": None})
    assert a.answer_map["threatens_harm"] == "yes"
    assert a.answer_map["isolated"] == "no"
    assert a.answer_map["money_stress"] == "unknown"
    assert a.answer_map["imminent_danger"] == "unknown"


def test_unknown_id_is_a_catalogue_error(rs) -> None:
    with pytest.raises(AnswersError) as info:
        evaluate(rs, {"threatens_harm": "yes", "treatens": "yes"})
    (p,) = info.value.problems
    assert p.code == "AN001"
    assert p.message == ("'treatens' is not a question in rule set rochford_prevent_screening "
                         "(did you mean 'threatens_harm'?)")


def test_bad_value_is_a_catalogue_error(rs) -> None:
    with pytest.raises(AnswersError) as info:
        evaluate(rs, {"threatens_harm": "maybe", "isolated": 3})
    assert [p.code for p in info.value.problems] == ["AN002", "AN002"]
    assert "'threatens_harm' is 'maybe'" in info.value.problems[0].message


def test_assessment_is_immutable_and_carries_provenance(rs) -> None:
    a = evaluate(rs, {"threatens_harm": "yes"})
    with pytest.raises(dataclasses.FrozenInstanceError):
        a.outcome = "no_prevent_concern"  # type: ignore[misc]
    d = a.to_dict()
    assert d["ruleset"] == {"id": rs.id, "version": shipped_version(), "sha256": rs.sha256}
    assert d["fired"][0]["rule"] == "intent_or_capability"


def test_if_yes_alone_is_each_unknown_routed_on_its_own(rs) -> None:
    from screening.engine import if_yes_alone

    answers = {"us_and_them": "yes", "imminent_danger": "unknown", "threatens_harm": "unknown",
               "isolated": "unknown", "trusted_adult": "unknown"}
    a = evaluate(rs, {i: "no" for i in rs.indicator_ids()} | answers)
    got = if_yes_alone(rs, a)
    by_route = {o: ids for o, ids in got.raises}
    assert list(by_route) == ["emergency", "contact_prevent_lead", "prevent_lead_advice"]
    assert by_route == {"emergency": ("imminent_danger",), "contact_prevent_lead": ("threatens_harm",),
                        "prevent_lead_advice": ("isolated",)}
    assert got.nothing == ("trusted_adult",)
    # with every question left unknown, each one alone is tried: none is dropped, none is listed twice
    everything = if_yes_alone(rs, evaluate(rs, {}))
    listed = [i for _, ids in everything.raises for i in ids] + list(everything.nothing)
    assert sorted(listed) == sorted(rs.indicator_ids())
    for outcome, ids in everything.raises:
        assert all(evaluate(rs, {i: "yes"}).outcome == outcome for i in ids)


def test_a_huge_bad_answer_is_quoted_short(rs) -> None:
    with pytest.raises(AnswersError) as info:
        evaluate(rs, {"threatens_harm": "x" * 200_000})
    (p,) = info.value.problems
    assert p.code == "AN002" and len(p.message) < 200 and "'xxxx" in p.message and "..." in p.message
