"""Loader errors: every RS code is reachable from a real bad file and names file:line."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text, shipped_version

from screening import RuleSetError, load
from screening.rules.ruleset import AtLeast, Kind, Yes


def problems_of(path: Path) -> list:
    with pytest.raises(RuleSetError) as info:
        load(path, check=False)
    return list(info.value.problems)


def only(path: Path, code: str):
    probs = problems_of(path)
    assert [p.code for p in probs] == [code], [p.format() for p in probs]
    return probs[0]


def test_shipped_rules_load_with_hash_and_version() -> None:
    rs = load(RULES)
    assert rs.id == "rochford_prevent_screening"
    assert rs.version == shipped_version()
    assert len(rs.sha256) == 64
    assert rs.default_contact.phone == "01702 546 366"
    assert rs.emergency_contact.phone == "999"


def test_hash_covers_both_files(tmp_path: Path) -> None:
    a = load(copy_rules(tmp_path / "a"), check=False)
    b_dir = copy_rules(tmp_path / "b")
    (b_dir / "fairness.yaml").write_text((b_dir / "fairness.yaml").read_text() + "\n# edited\n")
    b = load(b_dir, check=False)
    assert a.sha256 == load(RULES, check=False).sha256
    assert a.sha256 != b.sha256


def test_rs001_missing_path(tmp_path: Path) -> None:
    p = only(tmp_path / "nowhere", "RS001")
    assert p.message == f"cannot read {tmp_path / 'nowhere'}: No such file or directory"
    assert p.format().startswith(f"{tmp_path / 'nowhere'}: RS001 ")


def test_rs002_yaml_syntax_error_names_line(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"  title: Prevent concern screening\n": "  title: [unclosed\n"})
    p = only(d, "RS002")
    assert p.line >= line_of_text(d / "ruleset.yaml", "title: [unclosed")
    assert p.format().startswith(f"{d / 'ruleset.yaml'}:{p.line}: RS002 this is not valid YAML")


def test_rs002_not_utf8(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    (d / "ruleset.yaml").write_bytes(b"ruleset:\n  id: \xff\xfe\n")
    p = only(d, "RS002")
    assert p.line == 2 and "not UTF-8" in p.message


def test_rs003_duplicate_key_is_refused_not_last_wins(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {f'  version: "{shipped_version()}"\n':
                                   f'  version: "{shipped_version()}"\n  version: "2.0.0"\n'})
    p = only(d, "RS003")
    first = line_of_text(d / "ruleset.yaml", f'version: "{shipped_version()}"')
    assert p.line == first + 1
    assert p.message == f"'version' appears twice in the same block (first on line {first})"


def test_rs004_unknown_key_did_you_mean(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        definition: Someone could be hurt":
                              "        defintion: Someone could be hurt"})
    probs = problems_of(d)
    p = next(p for p in probs if p.code == "RS004")
    assert p.line == line_of_text(d / "ruleset.yaml", "defintion:")
    assert "'defintion' is not a setting here (did you mean 'definition'?)" in p.message
    assert "definition, example, help, id, question" in p.fix
    # the now-missing definition is reported too, at the indicator's line
    assert any(q.code == "RS005" and "definition" in q.message for q in probs)


def test_rs004_unknown_condition_key(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        answered_yes: violence_fixation":
                              "        answerd_yes: violence_fixation"})
    p = only(d, "RS004")
    assert p.line == line_of_text(d / "ruleset.yaml", "answerd_yes:")
    assert "did you mean 'answered_yes'?" in p.message


def test_rs005_wrong_type(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        multiline: true\n        required_message":
                              "        multiline: perhaps\n        required_message"})
    p = only(d, "RS005")
    assert p.line == line_of_text(d / "ruleset.yaml", "multiline: perhaps")
    assert p.message.startswith("journey > account > fields #1 > multiline: ")


def test_rs005_bad_kind_lists_choices(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"    kind: gate": "    kind: danger"})
    p = only(d, "RS005")
    assert p.line == line_of_text(d / "ruleset.yaml", "kind: danger")
    assert "'danger' is not allowed" in p.message and "'gate'" in p.message


def test_rs005_missing_required(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        question: Is anyone in danger right now?\n": ""})
    p = only(d, "RS005")
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: imminent_danger")
    assert p.message == "factors #1 > indicators #1 > question: this setting is required but missing"


def test_rs006_duplicate_indicator_id(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      - id: long_term_unemployed": "      - id: money_stress"})
    probs = problems_of(d)
    p = next(p for p in probs if p.code == "RS006")
    f = d / "ruleset.yaml"
    assert p.line == line_of_text(f, "- id: money_stress", 2)
    assert p.message == (f"the id 'money_stress' is used twice (first on line "
                         f"{line_of_text(f, '- id: money_stress', 1)})")


def test_rs007_unknown_reference_did_you_mean(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      outcome: prevent_lead_advice\n      because: A fixation":
                              "      outcome: prevent_lead_advise\n      because: A fixation"})
    p = only(d, "RS007")
    assert p.line == line_of_text(d / "ruleset.yaml", "outcome: prevent_lead_advise")
    assert p.message == ("'prevent_lead_advise' is not a known outcome "
                         "(did you mean 'prevent_lead_advice'?)")


def test_rs007_unknown_indicator_in_condition(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"answered_yes: violence_fixation": "answered_yes: violence_fixaton"})
    p = only(d, "RS007")
    assert "did you mean 'violence_fixation'?" in p.message


def test_rs008_outcome_no_rule_produces(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      outcome: consider_safeguarding": "      outcome: no_prevent_concern"},
                   count=2)
    p = only(d, "RS008")
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: consider_safeguarding")
    assert "'consider_safeguarding'" in p.message


def test_rs009_bad_condition(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        answered_yes: violence_fixation":
                              "        at_least: 0\n        of: {factor: engagement}"})
    p = only(d, "RS009")
    assert p.line == line_of_text(d / "ruleset.yaml", "at_least: 0")
    assert "whole number of 1 or more" in p.message


def test_rs009_at_least_more_than_the_set(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        answered_yes: violence_fixation":
                              "        at_least: 9\n        of: {group: stronger_engagement}"})
    p = only(d, "RS009")
    assert "has only 4 indicators" in p.message


def test_rs010_empty_file(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    (d / "ruleset.yaml").write_text("# nothing yet\n")
    p = only(d, "RS010")
    assert "empty" in p.message


def test_rs011_bad_id(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      - id: isolated": "      - id: Isolated-Person"})
    probs = problems_of(d)
    p = next(p for p in probs if p.code == "RS011")
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: Isolated-Person")
    assert "'Isolated-Person' is not a valid id" in p.message


def test_yaml_11_words_are_not_booleans(tmp_path: Path) -> None:
    # an id or value spelt like a YAML 1.1 boolean must survive as text
    d = copy_rules(tmp_path, {"    title: stronger signs of engagement with a violent cause":
                              "    title: yes"})
    rs = load(d, check=False)
    assert next(g for g in rs.document.groups if g.id == "stronger_engagement").title == "yes"


def test_conditions_are_compiled_to_data() -> None:
    rs = load(RULES, check=False)
    rules = {r.id: r for r in rs.rules}
    assert rules["fixation_on_violence"].when == Yes("violence_fixation")
    danger = rules["immediate_danger"].when
    assert isinstance(danger, AtLeast) and danger.n == 1
    assert set(danger.indicators) == {"imminent_danger", "weapon_with_intent", "named_target",
                                      "imminent_travel"}
    assert rs.line_of("rule:fixation_on_violence") == line_of_text(RULES / "ruleset.yaml",
                                                                    "- id: fixation_on_violence")


def test_every_error_lists_all_problems_at_once(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"answered_yes: violence_fixation": "answered_yes: nope",
                              "      outcome: contact_prevent_lead\n      because: There is a sign":
                              "      outcome: contact_prevent\n      because: There is a sign"})
    codes = sorted(p.code for p in problems_of(d))
    assert codes == ["RS007", "RS007"]


REQUIRED = {
    "immediate_risk": (Kind.GATE, ["imminent_danger", "weapon_with_intent", "named_target",
                                   "imminent_travel"]),
    "engagement": (Kind.ENGAGEMENT, ["justifies_violence", "praises_attackers", "extremist_material",
                                     "recruits_others", "us_and_them", "closed_mindset",
                                     "extremist_contacts", "violence_fixation", "hostile_conspiracy"]),
    "intent_capability": (Kind.INTENT, ["threatens_harm", "researches_attacks", "acquiring_capability",
                                        "plans_to_join"]),
    "identity_crisis": (Kind.CONTEXT, ["bereavement_or_breakdown", "no_belonging", "major_transition",
                                       "humiliation", "victim_of_bullying_or_hate"]),
    "personal_circumstances": (Kind.CONTEXT, ["isolated", "housing_instability", "conflict_at_home",
                                              "controlled_by_others", "secretive_online"]),
    "unemployment": (Kind.CONTEXT, ["job_loss_or_neet", "long_term_unemployed", "money_stress",
                                    "perceived_unfairness"]),
    "mental_health": (Kind.CONTEXT, ["unsupported_mental_health_need", "recent_crisis",
                                     "mood_change_suspicion", "substance_misuse"]),
    "criminality": (Kind.CONTEXT, ["recent_offending", "violent_peers", "on_licence",
                                   "criminal_exploitation"]),
    "protective": (Kind.PROTECTIVE, ["trusted_adult", "in_education_or_work", "positive_peers",
                                     "open_to_discussion", "engaging_with_support", "stable_housing",
                                     "supportive_family", "rejects_violence"]),
    "about_the_person": (Kind.PROFILE, ["under_18", "care_and_support_needs"]),
}


def test_required_ids_present() -> None:
    rs = load(RULES, check=False)
    for factor_id, (kind, ids) in REQUIRED.items():
        f = rs.factor(factor_id)
        assert f.kind is kind
        assert set(ids) <= {i.id for i in f.indicators}, factor_id
    assert [o.id for o in rs.outcomes] == ["emergency", "contact_prevent_lead", "prevent_lead_advice",
                                          "consider_safeguarding", "no_prevent_concern"]
    assert {s.id for s in rs.steps} == {"childrens_safeguarding", "adult_safeguarding"}


def test_every_indicator_has_plain_words() -> None:
    rs = load(RULES, check=False)
    for f in rs.factors:
        for i in f.indicators:
            assert i.question.endswith("?"), i.id
            assert len(i.definition) > 20 and len(i.example) > 10, i.id


def test_impossible_date_is_reported_at_its_line(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {'effective_date: "2026-11-29"': "effective_date: 2026-13-45"})
    p = only(d, "RS005")
    assert p.line == line_of_text(d / "ruleset.yaml", "effective_date: 2026-13-45")
    assert "month value is outside expected range" in p.message


def test_condition_nested_thousands_deep_is_refused_not_a_crash(tmp_path: Path) -> None:
    deep = "{not: " * 3000 + "{answered_yes: violence_fixation}" + "}" * 3000
    d = copy_rules(tmp_path, {"      when:\n        answered_yes: violence_fixation":
                              "      when: " + deep})
    p = only(d, "RS016")  # refused by the reader at the 41st level, before anything recurses
    assert "nested more than 40 levels deep" in p.message


def test_rs012_review_before_effective(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {'review_date: "2027-11-29"': 'review_date: "2026-01-01"'})
    p = only(d, "RS012")
    assert p.line == line_of_text(d / "ruleset.yaml", 'review_date: "2026-01-01"')
    assert p.message == "the review date 2026-01-01 is not after the effective date 2026-11-29"


def test_rs013_rules_past_review_are_a_warning(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {'effective_date: "2026-11-29"': 'effective_date: "2020-01-01"',
                              'review_date: "2027-11-29"': 'review_date: "2021-01-01"'})
    rs = load(d)
    (w,) = [p for p in rs.warnings if p.code == "RS013"]
    assert w.message == "this rule set is past its review date (2021-01-01)"
    assert w.line == line_of_text(d / "ruleset.yaml", 'review_date: "2021-01-01"')


def test_rs007_age_question_must_name_a_question(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"child_question: under_18": "child_question: under_81"})
    p = only(d, "RS007")
    assert p.line == line_of_text(d / "ruleset.yaml", "child_question: under_81")
    assert p.message == "'under_81' is not a known indicator (did you mean 'under_18'?)"


def test_rs006_account_field_asked_twice(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      - id: noticed_when": "      - id: noticed_what"})
    p = only(d, "RS006")
    f = d / "ruleset.yaml"
    assert p.line == line_of_text(f, "- id: noticed_what", 2)
    assert p.message == (f"the id 'noticed_what' is used twice (first on line "
                         f"{line_of_text(f, '- id: noticed_what', 1)})")


def test_answer_labels_survive_yaml_11(tmp_path: Path) -> None:
    # 'yes:' and 'no:' keys must stay text, not become booleans
    rs = load(RULES, check=False)
    assert (rs.wording.answer_labels.yes, rs.wording.answer_labels.no) == ("Yes", "No")
