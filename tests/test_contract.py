"""The stable contract of ids (screening/contract.py): every required id, with its kind or category."""

from __future__ import annotations

from pathlib import Path

from rulefiles import RULES, copy_rules, line_of_text

from screening import load
from screening.checks import check_ruleset
from screening.contract import (
    FACTORS,
    OUTCOMES,
    STEPS,
    STRONGER_ENGAGEMENT,
    WEAKER_ENGAGEMENT,
    contract_problems,
)
from screening.ruleset import Category, Kind


def ck016(folder: Path) -> list[tuple[int, str]]:
    return [(p.line, p.message) for p in check_ruleset(load(folder, check=False))
            if p.code == "CK016"]


def test_contract_is_the_domain_table() -> None:
    assert {f.id: f.kind for f in FACTORS} == {
        "immediate_risk": Kind.GATE, "engagement": Kind.ENGAGEMENT,
        "intent_capability": Kind.INTENT, "identity_crisis": Kind.CONTEXT,
        "personal_circumstances": Kind.CONTEXT, "unemployment": Kind.CONTEXT,
        "mental_health": Kind.CONTEXT, "criminality": Kind.CONTEXT,
        "protective": Kind.PROTECTIVE, "about_the_person": Kind.PROFILE}
    assert sum(len(f.indicators) for f in FACTORS) == 4 + 9 + 4 + 5 + 5 + 4 + 4 + 4 + 8 + 2
    assert len(STRONGER_ENGAGEMENT) == 4 and len(WEAKER_ENGAGEMENT) == 5
    assert list(OUTCOMES.items()) == [
        ("emergency", Category.EMERGENCY), ("contact_prevent_lead", Category.PREVENT),
        ("prevent_lead_advice", Category.PREVENT), ("consider_safeguarding", Category.SUPPORT),
        ("no_prevent_concern", Category.NONE)]
    assert STEPS == ("childrens_safeguarding", "adult_safeguarding")


def test_shipped_rules_keep_the_contract() -> None:
    assert contract_problems(load(RULES, check=False)) == []


def test_an_indicator_moved_into_a_concern_factor_breaks_the_contract(tmp_path: Path) -> None:
    # moving 'isolated' under engagement would make a circumstance count as a sign of concern
    block = """      - id: isolated
        question: Are they socially isolated?
        definition: Little or no contact with family, friends or community.
        example: They say you are the only person they have spoken to all week.
"""
    folder = copy_rules(tmp_path / "r", {block: "", "      - id: justifies_violence\n":
                                         block + "      - id: justifies_violence\n"})
    assert ck016(folder) == [(line_of_text(folder / "ruleset.yaml", "- id: isolated"),
                              "indicator 'isolated' is in factor 'engagement'; the stable contract "
                              "requires it in factor 'personal_circumstances'")]


def test_a_factor_relabelled_to_another_kind_breaks_the_contract(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {"  - id: criminality\n    kind: context":
                                         "  - id: criminality\n    kind: engagement"})
    assert ck016(folder) == [(line_of_text(folder / "ruleset.yaml", "- id: criminality"),
                              "factor 'criminality' has kind 'engagement'; the stable contract "
                              "requires kind 'context'")]


def test_a_missing_indicator_and_a_missing_step_break_the_contract(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {
        """      - id: on_licence
        question: Have they recently left prison or are they on licence or probation?
        definition: Released from custody recently, or under probation supervision.
        example: They were released on licence six weeks ago.
""": "",
        """  - id: adult_safeguarding
    title: Adult safeguarding
    what_to_do: >-
      The person may have care and support needs. Consider an adult safeguarding concern under the
      Care Act 2014, alongside anything else you do.
    contact: safeguarding_team
    when:
      answered_yes: care_and_support_needs
""": ""})
    text = folder / "ruleset.yaml"
    found = ck016(folder)
    assert found == [
        (line_of_text(text, "- id: criminality"),
         "indicator 'on_licence' is missing; the stable contract requires it in factor "
         "'criminality'"),
        (line_of_text(text, "- id: childrens_safeguarding"),
         "additional step 'adult_safeguarding' is missing; the stable contract requires it")]
    p = next(p for p in check_ruleset(load(folder, check=False)) if p.code == "CK016")
    assert "add a new id for anything new instead of removing or relabelling one" in p.fix


def test_added_ids_are_allowed(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path / "r", {"""      - id: on_licence
""": """      - id: gang_tattoo_reported
        question: Has anyone reported them joining a violent gang?
        definition: A report from someone else that they have joined a violent gang.
        example: A neighbour told you they were now "with" a local gang.
      - id: on_licence
"""})
    assert ck016(folder) == []


def test_contract_can_be_left_out_only_by_asking(tmp_path: Path) -> None:
    # a synthetic rule set (the benchmark's) may skip the id contract; load() never does
    rs = load(RULES, check=False)
    doc = rs.document.model_copy(update={"additional_steps": ()})
    import dataclasses
    bare = dataclasses.replace(rs, document=doc, steps=())
    assert [p.code for p in check_ruleset(bare)] == ["CK016", "CK016"]
    assert check_ruleset(bare, contract=False) == []
