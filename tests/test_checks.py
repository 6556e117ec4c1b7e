"""Safeguard proofs: each broken rule folder is refused with the right code, line and counterexample,
the shipped rules pass, and the prover agrees with exhaustive enumeration on small rule sets."""

from __future__ import annotations

import dataclasses
import itertools
import random
import re
from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text

from screening import RuleSetError, load
from screening.engine import predicate
from screening.errors import Severity
from screening.proofs.checks import check_ruleset
from screening.rules.ruleset import (
    CONCERN_KINDS,
    All,
    AnyOf,
    AtLeast,
    Category,
    CompiledRule,
    Condition,
    Kind,
    Not,
    RuleSet,
    Yes,
)

BROKEN = Path(__file__).resolve().parent / "broken"


def findings(folder: Path) -> list:
    return check_ruleset(load(folder, check=False))


def only(folder: Path, code: str):
    found = findings(folder)
    assert [p.code for p in found] == [code], [p.format() for p in found]
    return found[0]


def test_shipped_rules_pass_every_proof() -> None:
    found = check_ruleset(load(RULES, check=False))
    assert [p.format() for p in found if p.severity is Severity.ERROR] == []
    # warnings are allowed but listed; the shipped rules have none today
    assert [p.format() for p in found] == []


@pytest.mark.parametrize("name", sorted(p.name for p in BROKEN.iterdir()
                                        if p.is_dir() and p.name != "ck006_never_decides"))
def test_screening_load_refuses_every_broken_folder(name: str) -> None:
    with pytest.raises(RuleSetError) as info:
        load(BROKEN / name)
    code = name.split("_")[0].upper()
    assert code in [p.code for p in info.value.problems]


def test_ck001_context_alone_names_rule_and_smallest_answers() -> None:
    folder = BROKEN / "ck001_context_alone"
    p = only(folder, "CK001")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: debt_and_isolation")
    assert p.path == str(folder / "ruleset.yaml")
    assert p.message == (
        "outcome 'contact_prevent_lead' (prevent) is reached with no gate, engagement, intent or "
        "capability sign: with yes only to 'isolated' and 'money_stress', and rule "
        "'debt_and_isolation' decides it")
    assert "make rule 'debt_and_isolation' also need an engagement" in p.fix


def test_ck002_protective_answer_lowers() -> None:
    folder = BROKEN / "ck002_protective_lowers"
    p = only(folder, "CK002")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: fixation_on_violence")
    assert p.message == (
        "answering 'rejects_violence' yes moves the outcome from 'prevent_lead_advice' down to "
        "'consider_safeguarding': with yes only to 'violence_fixation', and then 'rejects_violence' "
        "stops rule 'fixation_on_violence' firing")


def test_ck003_concern_sign_lowers() -> None:
    folder = BROKEN / "ck003_concern_lowers"
    p = only(folder, "CK003")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: intent_or_capability")
    # any one intent sign is a smallest counterexample; which one z3 picks is not part of the contract
    assert re.fullmatch(
        "answering 'us_and_them' yes moves the outcome from 'contact_prevent_lead' down to "
        "'consider_safeguarding': with yes only to '(threatens_harm|researches_attacks|"
        "acquiring_capability|plans_to_join)', and then 'us_and_them' stops rule "
        "'intent_or_capability' firing", p.message)
    assert p.fix.endswith("remove the 'not' around 'us_and_them' in rule 'intent_or_capability'")


def test_ck004_no_otherwise_means_some_answers_have_no_outcome() -> None:
    rs = load(RULES, check=False)
    routing = rs.document.routing.model_copy(update={"otherwise": "nowhere"})
    doc = rs.document.model_copy(update={"routing": routing})
    found = check_ruleset(dataclasses.replace(rs, document=doc))
    ck004 = [p for p in found if p.code == "CK004"]
    assert [p.message for p in ck004] == [
        "no rule fires and there is no 'otherwise' outcome: with no question answered yes"]
    # and no_prevent_concern, now given by nothing, is reported unreachable
    assert any(p.code == "CK007" and "'no_prevent_concern'" in p.message for p in found)


def test_ck005_rule_that_can_never_fire() -> None:
    folder = BROKEN / "ck005_never_fires"
    p = only(folder, "CK005")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: weaker_sign_alone")
    assert p.message == ("rule 'weaker_sign_alone' can never fire: no set of answers satisfies "
                         "its condition")


def test_ck006_shadowed_rule_is_a_warning_and_loads() -> None:
    folder = BROKEN / "ck006_never_decides"
    p = only(folder, "CK006")
    assert p.severity is Severity.WARNING
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: fixation_with_threat")
    assert p.message == ("rule 'fixation_with_threat' can fire but never decides the outcome: "
                         "whenever it fires, rule 'intent_or_capability' gives a more serious outcome")
    rs = load(folder)
    assert [w.code for w in rs.warnings if w.code.startswith("CK")] == ["CK006"]


def test_ck007_outcome_nothing_reaches() -> None:
    folder = BROKEN / "ck007_unreachable_outcome"
    p = only(folder, "CK007")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: no_prevent_concern")
    assert p.message == ("no set of answers leads to outcome 'no_prevent_concern': it is the "
                         "'otherwise' outcome, but some rule fires for every set of answers")


def test_ck008_protected_term_in_a_question() -> None:
    folder = BROKEN / "ck008_protected_term"
    p = only(folder, "CK008")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: closed_mindset")
    assert p.message.startswith("the question of indicator 'closed_mindset' uses 'mosque' "
                                "(religion or belief): Religion or belief")
    assert "Equality Act 2010" in p.message  # the fairness file's explanation is shown


def test_ck008_ids_are_split_on_underscores_and_profile_is_checked_too(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {
        "- id: isolated\n": "- id: isolated_migrant\n",
        "answered_yes: under_18": "answered_yes: care_and_support_needs",
    })
    # profile questions are read by a worker too: they are no longer exempt from the word list
    text = (folder / "ruleset.yaml").read_text()
    (folder / "ruleset.yaml").write_text(text.replace(
        "Recorded so the right support", "A disability is recorded so the right support"))
    found = findings(folder)
    # renaming a contract id is itself refused (CK016); the word list reads the new id as words
    assert [p.message for p in found if p.code == "CK016"] == [
        "indicator 'isolated' is missing; the stable contract requires it in factor "
        "'personal_circumstances'"]
    found = [p for p in found if p.code != "CK016"]
    assert [(p.code, p.message.split(":")[0]) for p in found] == [
        ("CK008", "the id of indicator 'isolated_migrant' uses 'migrant' (ethnicity, nationality or "
                  "migration status)"),
        ("CK008", "the definition of indicator 'care_and_support_needs' uses 'disability' "
                  "(disability or diagnosis)")]
    assert found[1].line == line_of_text(folder / "ruleset.yaml", "- id: care_and_support_needs")


def test_ck008_profile_question_about_faith_with_a_step_is_refused() -> None:
    folder = BROKEN / "ck008_profile_question"
    found = findings(folder)
    line = line_of_text(folder / "ruleset.yaml", "- id: is_muslim")
    assert [(p.code, p.line, p.message.split(":")[0]) for p in found if p.code == "CK008"] == [
        ("CK008", line, "the id of indicator 'is_muslim' uses 'muslim' (religion or belief)"),
        ("CK008", line, "the question of indicator 'is_muslim' uses 'Muslim' (religion or belief)")]
    # the step it drives also reads like a referral (CK022) and names the Prevent Lead (CK027),
    # each refused on its own
    assert [p.code for p in found if p.code != "CK008"] == ["CK027", "CK022"]
    assert found[1].message.startswith(
        "the question of indicator 'is_muslim' uses 'Muslim' (religion or belief): Religion or "
        "belief, a change in religious practice")


def test_ck008_outcome_step_and_rule_wording_is_checked(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {
        "title: Talk it through with the Prevent Lead":
            "title: Talk it through with the Prevent Lead after Friday prayers",
        "summary: Nothing in these answers points to a Prevent concern.":
            "summary: Nothing in these answers points to a Prevent concern, even among refugees.",
        "      - Keep a factual note of what you noticed.":
            "      - Keep a factual note of the mosques they attend.",
        "title: Adult safeguarding": "title: Adult safeguarding for migrants",
        "Consider an adult safeguarding concern under the":
            "Consider whether they are devout, and an adult safeguarding concern under the",
        "because: A weaker sign of engagement, read together with the person's circumstances.":
            "because: A weaker sign of engagement, read together with their religion.",
    })
    found = findings(folder)
    text = folder / "ruleset.yaml"
    assert [(p.code, p.line, p.message.split(":")[0]) for p in found] == [
        ("CK008", line_of_text(text, "- id: prevent_lead_advice"),
         "the title of outcome 'prevent_lead_advice' uses 'prayers' (religion or belief)"),
        ("CK008", line_of_text(text, "- id: prevent_lead_advice"),
         "the what_to_do of outcome 'prevent_lead_advice' uses 'mosques' (religion or belief)"),
        ("CK008", line_of_text(text, "- id: no_prevent_concern"),
         "the summary of outcome 'no_prevent_concern' uses 'refugees' (ethnicity, nationality or "
         "migration status)"),
        ("CK008", line_of_text(text, "- id: weaker_signs_with_circumstances"),
         "the 'because' of rule 'weaker_signs_with_circumstances' uses 'religion' (religion or "
         "belief)"),
        ("CK008", line_of_text(text, "- id: adult_safeguarding"),
         "the title of additional step 'adult_safeguarding' uses 'migrants' (ethnicity, "
         "nationality or migration status)"),
        ("CK008", line_of_text(text, "- id: adult_safeguarding"),
         "the what_to_do of additional step 'adult_safeguarding' uses 'devout' (religion or "
         "belief)")]


def test_ck008_allow_exempts_the_exact_phrase_only(tmp_path: Path) -> None:
    base = {"definition: Being on the receiving end of bullying, harassment or a hate crime.":
            "definition: Being on the receiving end of a hate crime about their religion."}
    found = findings(copy_rules(tmp_path / "a", base))
    assert [p.message.split(":")[0] for p in found] == [
        "the definition of indicator 'victim_of_bullying_or_hate' uses 'religion' (religion or belief)"]
    folder = copy_rules(tmp_path / "b")
    fair = folder / "fairness.yaml"
    fair.write_text(fair.read_text().replace("terms: [gender,", "terms: [hate, gender,"))
    # 'hate' is now a term: "a group they hate" is caught, but the allowed phrases 'hate crime'
    # and the id 'victim_of_bullying_or_hate' cover every use in that indicator
    assert [p.message.split(":")[0] for p in findings(folder)] == [
        "the definition of indicator 'threatens_harm' uses 'hate' (age or sex)"]
    fair.write_text(fair.read_text().replace("  - phrase: hate crime\n", "  - phrase: hate crimes\n"))
    assert [p.message.split(":")[0] for p in findings(folder)] == [
        "the definition of indicator 'threatens_harm' uses 'hate' (age or sex)",
        "the question of indicator 'victim_of_bullying_or_hate' uses 'hate' (age or sex)",
        "the definition of indicator 'victim_of_bullying_or_hate' uses 'hate' (age or sex)"]


def test_ck009_serious_outcome_must_declare_kinds() -> None:
    folder = BROKEN / "ck009_no_declaration"
    p = only(folder, "CK009")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: prevent_lead_advice")
    assert p.message == ("outcome 'prevent_lead_advice' is a prevent outcome but does not say which "
                         "kinds of sign it needs")


def test_ck010_declaration_may_not_name_context() -> None:
    folder = BROKEN / "ck010_wrong_kinds"
    p = only(folder, "CK010")
    assert p.message == "outcome 'prevent_lead_advice' lists the context kind under needs_one_of_kinds"


def test_ck011_profile_answer_must_not_route() -> None:
    folder = BROKEN / "ck011_profile_routes"
    p = only(folder, "CK011")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: fixation_on_violence")
    assert p.message == (
        "answering 'under_18' yes changes the outcome from 'consider_safeguarding' to "
        "'prevent_lead_advice': with yes only to 'closed_mindset', because rule "
        "'fixation_on_violence' reads it")


def test_ck012_declared_kinds_are_proved() -> None:
    folder = BROKEN / "ck012_declaration_fails"
    p = only(folder, "CK012")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: threat_is_emergency")
    assert p.message == (
        "outcome 'emergency' is reached with no gate sign answered yes: with yes only to "
        "'threatens_harm', and rule 'threat_is_emergency' decides it")


def test_ck013_protective_answer_must_not_raise() -> None:
    folder = BROKEN / "ck013_protective_raises"
    p = only(folder, "CK013")
    assert p.message == (
        "answering 'open_to_discussion' yes moves the outcome from 'no_prevent_concern' up to "
        "'consider_safeguarding': with no question answered yes, because rule "
        "'circumstances_only' reads it")


def test_ck014_missing_fairness_file_is_an_error_and_refuses_the_rules(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r")
    (folder / "fairness.yaml").unlink()
    found = findings(folder)
    assert [(p.code, p.severity) for p in found] == [("CK014", Severity.ERROR)]
    assert found[0].line == line_of_text(folder / "ruleset.yaml", "ruleset:")
    assert found[0].message == (f"there is no fairness.yaml beside {folder / 'ruleset.yaml'}, so no "
                                "wording was checked for protected characteristics")
    # deleting the word list must not switch the lint off: the rule set is refused
    with pytest.raises(RuleSetError) as info:
        load(folder)
    assert [p.code for p in info.value.problems] == ["CK014"]


def test_ck016_relabelled_prevent_outcome_breaks_the_contract() -> None:
    folder = BROKEN / "ck016_relabelled_outcome"
    found = findings(folder)
    line = line_of_text(folder / "ruleset.yaml", "- id: contact_prevent_lead")
    assert [(p.code, p.line, p.message) for p in found] == [
        ("CK016", line, "outcome 'contact_prevent_lead' has category 'support'; the stable "
                        "contract requires category 'prevent'"),
        ("CK017", line, "outcome 'contact_prevent_lead' (support) is listed above outcome "
                        "'prevent_lead_advice' (prevent), so it wins over 'prevent_lead_advice' "
                        "whenever rules for both fire"),
        ("CK027", line, "outcome 'contact_prevent_lead' names contact 'prevent_lead', a prevent "
                        "contact, but it is a support outcome"),
        ("CK022", line, "outcome 'contact_prevent_lead' says 'Contact the Prevent Lead today', which "
                        "refers or reports the person to the police, the hotline or Prevent, but it "
                        "is a support outcome")]
    assert found[0].severity is Severity.ERROR and found[1].severity is Severity.ERROR


def test_ck016_no_route_to_999_breaks_the_contract() -> None:
    folder = BROKEN / "ck016_no_emergency_route"
    found = findings(folder)
    text = folder / "ruleset.yaml"
    assert [(p.code, p.line, p.message) for p in found] == [
        ("CK016", line_of_text(text, "- id: engagement"),
         "factor 'immediate_risk' is missing; the stable contract requires it, with kind 'gate' "
         "and questions imminent_danger, weapon_with_intent, named_target, imminent_travel"),
        ("CK016", line_of_text(text, "- id: contact_prevent_lead"),
         "outcome 'emergency' is missing; the stable contract requires it, with category "
         "'emergency'")]


def test_ck017_support_outcome_above_prevent_outcomes() -> None:
    folder = BROKEN / "ck017_outcome_order"
    p = only(folder, "CK017")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: urgent_support")
    assert p.message == ("outcome 'urgent_support' (support) is listed above outcome "
                         "'contact_prevent_lead' (prevent), so it wins over 'contact_prevent_lead' "
                         "whenever rules for both fire")
    assert p.fix.endswith("move 'urgent_support' below 'contact_prevent_lead', or correct its "
                          "category")


def test_ck018_gate_question_that_does_not_reach_999() -> None:
    folder = BROKEN / "ck018_gate_not_emergency"
    # the forgotten question is read by no rule at all, which CK034 also warns about
    (p,) = [p for p in findings(folder) if p.code != "CK034"]
    assert p.code == "CK018"
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: immediate_danger")
    assert p.message == (
        "answering the gate question 'imminent_travel' yes gives 'no_prevent_concern' (none), not "
        "an emergency outcome: with yes only to 'imminent_travel', and no rule fires, so it is the "
        "'otherwise' outcome")


def test_ck018_gate_switched_off_by_another_answer_names_the_deciding_rule(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {"""      when:
        any_yes: {factor: immediate_risk}
""": """      when:
        all:
          - any_yes: {factor: immediate_risk}
          - not: {answered_yes: plans_to_join}
"""})
    found = [p for p in findings(folder) if p.code == "CK018"]
    assert [p.message for p in found] == [
        f"answering the gate question '{g}' yes gives 'contact_prevent_lead' (prevent), not an "
        f"emergency outcome: with yes only to '{g}' and 'plans_to_join', and rule "
        "'intent_or_capability' decides it"
        for g in ("imminent_danger", "weapon_with_intent", "named_target", "imminent_travel")]


def test_ck019_step_may_read_only_profile_questions() -> None:
    folder = BROKEN / "ck019_step_reads_context"
    found = findings(folder)
    # it also reads like a referral (CK022) and names the Prevent Lead (CK027)
    assert sorted({q.code for q in found}) == ["CK019", "CK022", "CK027"]
    (p,) = [q for q in found if q.code == "CK019"]
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: prevent_referral")
    assert p.message == (
        "additional step 'prevent_referral' reads the context questions 'bereavement_or_breakdown', "
        "'no_belonging', 'major_transition' and 19 more; additional steps may read only questions "
        "about the person (profile)")


def test_ck019_names_each_kind_a_step_reads(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {"""    when:
      answered_yes: care_and_support_needs
""": """    when:
      any:
        - answered_yes: care_and_support_needs
        - answered_yes: threatens_harm
        - not: {any_yes: {indicators: [isolated, trusted_adult]}}
"""})
    p = only(folder, "CK019")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: adult_safeguarding")
    assert p.message.startswith(
        "additional step 'adult_safeguarding' reads the intent question 'threatens_harm', the "
        "context question 'isolated' and the protective question 'trusted_adult';")


def test_ck020_context_answer_lowers_the_outcome() -> None:
    folder = BROKEN / "ck020_context_lowers"
    p = only(folder, "CK020")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: weaker_sign_alone")
    assert re.fullmatch(
        "answering 'recent_crisis' yes moves the outcome from 'contact_prevent_lead' down to "
        "'prevent_lead_advice': with yes only to '(us_and_them|closed_mindset|extremist_contacts|"
        "violence_fixation|hostile_conspiracy)', and then 'recent_crisis' stops rule "
        "'weaker_sign_alone' firing", p.message)
    assert p.fix.endswith("remove the 'not' around 'recent_crisis' in rule 'weaker_sign_alone'")


# --- the prover against exhaustive enumeration ----------------------------------------------

SMALL = ("imminent_danger", "named_target", "justifies_violence", "us_and_them", "threatens_harm",
         "isolated", "money_stress", "trusted_adult", "under_18")


def _random_condition(rng: random.Random, depth: int) -> Condition:
    roll = rng.random()
    if depth == 0 or roll < 0.35:
        return Yes(rng.choice(SMALL))
    if roll < 0.5:
        ids = tuple(rng.sample(SMALL, rng.randint(2, 4)))
        return AtLeast(rng.randint(1, len(ids)), ids, "some")
    if roll < 0.65:
        return Not(_random_condition(rng, depth - 1))
    parts = tuple(_random_condition(rng, depth - 1) for _ in range(rng.randint(2, 3)))
    return All(parts) if roll < 0.85 else AnyOf(parts)


def _brute_force(rs: RuleSet) -> set[tuple[str, str, int]]:
    """(code, subject, size of smallest counterexample) by trying all 2^9 sets of yes answers."""
    order = [o.id for o in rs.outcomes]
    preds = [(r, predicate(r.when)) for r in rs.rules]
    kind = {i.id: f.kind for f in rs.factors for i in f.indicators}
    sets = [frozenset(c) for n in range(len(SMALL) + 1) for c in itertools.combinations(SMALL, n)]

    def rank(yes: frozenset[str]) -> int:
        ranks = [order.index(r.outcome) for r, p in preds if p(yes)]
        return min(ranks) if ranks else order.index(rs.document.routing.otherwise)

    ranks = {s: rank(s) for s in sets}
    out: set[tuple[str, str, int]] = set()
    for r, p in preds:
        firing = [s for s in sets if p(s)]
        if not firing:
            out.add(("CK005", r.id, 0))
        elif all(ranks[s] != order.index(r.outcome) for s in firing):
            out.add(("CK006", r.id, 0))
    for k, o in enumerate(rs.outcomes):
        reach = [s for s in sets if ranks[s] == k]
        if not reach:
            out.add(("CK007", o.id, 0))
        checks = []
        if o.category in (Category.EMERGENCY, Category.PREVENT):
            checks.append(("CK001", CONCERN_KINDS))
        if o.needs_one_of_kinds:
            checks.append(("CK012", frozenset(o.needs_one_of_kinds)))
        for code, kinds in checks:
            bad = [s for s in reach if not any(kind[i] in kinds for i in s)]
            if bad:  # the first failure is reported (CK001 implies the declaration fails too)
                out.add((code, o.id, min(len(s) for s in bad)))
                break
    emergency = {k for k, o in enumerate(rs.outcomes) if o.category is Category.EMERGENCY}
    for g in [i for i in rs.indicator_ids() if kind[i] is Kind.GATE]:  # CK018, every gate question
        bad = [s for s in sets if rank(s | {g}) not in emergency]
        if bad:
            out.add(("CK018", g, min(len(s | {g}) for s in bad)))
    flips = [("CK003", CONCERN_KINDS, lambda a, b: b > a), ("CK020", {Kind.CONTEXT}, lambda a, b: b > a),
             ("CK002", {Kind.PROTECTIVE}, lambda a, b: b > a),
             ("CK013", {Kind.PROTECTIVE}, lambda a, b: b < a), ("CK011", {Kind.PROFILE}, lambda a, b: a != b)]
    for code, kinds, broken in flips:
        for i in SMALL:
            if kind[i] in kinds:
                bad = [s for s in sets if i not in s and broken(ranks[s], ranks[s | {i}])]
                if bad:
                    out.add((code, i, min(len(s) for s in bad)))
    return out


def _summary(found: list) -> set[tuple[str, str, int]]:
    out = set()
    for p in found:
        subject = re.search(r"'([a-z0-9_]+)'", p.message).group(1)  # type: ignore[union-attr]
        m = re.search(r"with yes only to (.*?), (and|because)", p.message)
        size = len(re.findall(r"'[a-z0-9_]+'", m.group(1))) if m else 0
        out.add((p.code, subject, size))
    return out


@pytest.mark.parametrize("seed", range(25))
def test_prover_agrees_with_exhaustive_enumeration(seed: int) -> None:
    rng = random.Random(seed)
    shipped = load(RULES, check=False)
    order = [o.id for o in shipped.outcomes]
    rules = tuple(CompiledRule(f"r{n}", rng.choice(order[:-1]), "random", _random_condition(rng, 3),
                               n + 1) for n in range(rng.randint(2, 6)))
    rs = dataclasses.replace(shipped, rules=rules,
                             lines={**shipped.lines, **{f"rule:{r.id}": r.line for r in rules}})
    expected = _brute_force(rs)
    # CK034 (a concern question no random rule reads) is a warning about wording, not a proof
    assert _summary([p for p in check_ruleset(rs) if p.code != "CK034"]) == expected


def test_ck015_a_proof_the_solver_gives_up_on_refuses_the_rule_set(monkeypatch) -> None:
    from screening.proofs import checks

    def give_up(self, *constraints):
        raise checks.Undecided("timeout")

    monkeypatch.setattr(checks.Encoding, "sat", give_up)
    found = check_ruleset(load(RULES, check=False))
    assert [(p.code, p.severity, p.message) for p in found] == [
        ("CK015", Severity.ERROR, "the checker could not finish proving the safeguards within "
                                  f"{checks.TIMEOUT_MS // 1000} s per question (timeout)")]
    with pytest.raises(RuleSetError):
        load(RULES)
