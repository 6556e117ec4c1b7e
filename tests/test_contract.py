"""The stable contract of ids (screening/rules/contract.py): every required id, with its kind or category."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text

from screening import load
from screening.proofs.checks import check_ruleset
from screening.rules.contract import (
    FACTORS,
    OUTCOMES,
    STEPS,
    STRONGER_ENGAGEMENT,
    WEAKER_ENGAGEMENT,
    contract_problems,
)
from screening.rules.ruleset import Category, Kind


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


# --- contacts and routes as data (screening/proofs/routes.py) -----------------------------------------

BROKEN = Path(__file__).resolve().parent / "broken"


def codes(folder: Path) -> list[str]:
    return [p.code for p in check_ruleset(load(folder, check=False))]


def only_code(folder: Path, code: str):
    found = [p for p in check_ruleset(load(folder, check=False)) if p.severity.value == "error"]
    assert [p.code for p in found] == [code], [p.format() for p in found]
    return found[0]


def test_every_shipped_contact_has_the_category_of_where_it_sends_the_worker() -> None:
    rs = load(RULES, check=False)
    assert {c.id: c.category.value for c in rs.document.contacts if c.category} == {
        "emergency": "emergency", "prevent_lead": "prevent", "anti_terrorism_hotline": "police",
        "police_non_emergency": "police", "act_early": "prevent", "safeguarding_team": "safeguarding"}
    support = [o for o in rs.outcomes if o.category.value in ("support", "none")]
    assert {o.contact for o in support} | {s.contact for s in rs.steps} == {"safeguarding_team"}


def test_ck027_a_support_outcome_cannot_use_the_hotline() -> None:
    folder = BROKEN / "ck027_support_uses_hotline"
    p = only_code(folder, "CK027")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: consider_safeguarding")
    assert p.message == ("outcome 'consider_safeguarding' names contact 'anti_terrorism_hotline', a "
                         "police contact, but it is a support outcome")
    assert "use only a safeguarding or support contact" in p.fix


def test_ck027_a_profile_step_cannot_send_the_worker_to_the_hotline(tmp_path: Path) -> None:
    # the example: a profile question about arrival adds a step phoning the hotline
    folder = copy_rules(tmp_path / "r", {
        "    contact: safeguarding_team\n    when:\n      answered_yes: care_and_support_needs":
        "    contact: anti_terrorism_hotline\n    when:\n      answered_yes: care_and_support_needs",
        "      Care Act 2014, alongside anything else you do.":
        "      Care Act 2014, and phone 0800 789 321 with the person's details."})
    found = [p for p in check_ruleset(load(folder, check=False)) if p.code in ("CK022", "CK027")]
    assert [(p.code, p.message.split(",")[0]) for p in found] == [
        ("CK027", "additional step 'adult_safeguarding' names contact 'anti_terrorism_hotline'"),
        ("CK027", "the wording of additional step 'adult_safeguarding' names contact "
                  "'anti_terrorism_hotline'"),
        ("CK022", "additional step 'adult_safeguarding' says 'Consider an adult safeguarding concern "
                  "under the Care Act 2014")]


def test_ck028_the_hotline_cannot_be_relabelled_support() -> None:
    folder = BROKEN / "ck028_hotline_relabelled"
    p = only_code(folder, "CK028")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: anti_terrorism_hotline")
    assert p.message == ("contact 'anti_terrorism_hotline' has number '0800 789 321' (the "
                         "Anti-Terrorism Hotline), so its category is 'police', not 'support'")


@pytest.mark.parametrize(("old", "new", "says"), [
    ("    when_to_use: Safeguarding, early help, housing or mental-health support that is not a Prevent "
     "concern.\n    category: safeguarding\n",
     "    when_to_use: Safeguarding, early help, housing or mental-health support that is not a Prevent "
     "concern.\n", "contact 'safeguarding_team' has no category"),
    ("  - id: safeguarding_team\n    name: Council safeguarding team (via the Safeguarding Officer)",
     "  - id: safeguarding_team\n    name: Local police safeguarding desk",
     "contact 'safeguarding_team' is called 'Local police safeguarding desk', a police service, but "
     "has category 'safeguarding'"),
    ("default_contact: prevent_lead", "default_contact: safeguarding_team",
     "contact 'safeguarding_team' is the default_contact but has category 'safeguarding', not "
     "'prevent'"),
])
def test_ck028_categories_must_agree_with_name_and_role(tmp_path: Path, old: str, new: str,
                                                         says: str) -> None:
    folder = copy_rules(tmp_path / "r", {old: new})
    (p,) = [p for p in check_ruleset(load(folder, check=False)) if p.code == "CK028"]
    assert p.message.startswith(says)


def test_ck021_do_not_call_999_is_not_an_instruction_to_call_it() -> None:
    folder = BROKEN / "ck021_negated_999"
    p = only_code(folder, "CK021")
    assert p.message == ("emergency outcome 'emergency' tells the worker not to call 999 (or only on "
                         "a condition) in what_to_do")


@pytest.mark.parametrize(("text", "told", "refused"), [
    ("Call 999 now.", True, False),
    ("If anyone is hurt, call 999.", True, False),
    ("Ring 999 and get yourself safe.", True, False),
    ("Do not call 999; email the Prevent Lead.", False, True),
    ("Never call 999 about this.", False, True),
    ("Instead of calling 999, email the Prevent Lead.", False, True),
    ("Call 999 only if the Prevent Lead agrees.", False, False),
    ("Email the Prevent Lead. 999 is for other emergencies.", False, False),
])
def test_calls_reads_an_instruction_not_a_mention(text: str, told: bool, refused: bool) -> None:
    from screening.proofs.routes import calls
    assert calls(text, "999") == (told, refused)


def test_ck022_a_support_outcome_cannot_report_the_person_to_the_police() -> None:
    folder = BROKEN / "ck022_support_reports_to_police"
    p = only_code(folder, "CK022")
    assert p.message == ("outcome 'consider_safeguarding' says 'Report the person to counter-terrorism "
                         "police with their details.', which refers or reports the person to the "
                         "police, the hotline or Prevent, but it is a support outcome")


# --- concern questions that are circumstances (screening/proofs/structure.py) -------------------------

def test_ck026_a_job_loss_asked_as_engagement_is_refused() -> None:
    folder = BROKEN / "ck026_circumstance_as_engagement"
    p = only_code(folder, "CK026")
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: recently_lost_work")
    assert p.message.startswith("'recently_lost_work' in factor 'engagement' is a concern question "
                                "(engagement), but it reads like a circumstance: ")
    assert "stays a context question, whatever the label" in p.fix


def test_ck026_a_context_question_moved_under_a_concern_label_is_named(tmp_path: Path) -> None:
    block = """      - id: isolated
        question: Are they socially isolated?
        definition: Little or no contact with family, friends or community.
        example: They say you are the only person they have spoken to all week.
"""
    copied = block.replace("id: isolated", "id: isolated_again").replace(
        "Are they socially isolated?", "Is the person socially isolated?")
    folder = copy_rules(tmp_path / "r", {"      - id: threatens_harm\n":
                                         copied + "      - id: threatens_harm\n"})
    (p,) = [p for p in check_ruleset(load(folder, check=False)) if p.code == "CK026"]
    assert p.message.endswith("its words are those of the context question 'isolated' (100%)")


def test_ck026_a_concern_that_mentions_a_circumstance_is_fine(tmp_path: Path) -> None:
    new = ("      - id: blames_job_loss\n        question: Have they said violence is justified "
           "because they lost their job?\n        definition: Saying that harm to others is deserved "
           "because of a grievance about work.\n        example: They said the managers \"deserve "
           "what is coming\".\n")
    folder = copy_rules(tmp_path / "r", {"      - id: threatens_harm\n":
                                         new + "      - id: threatens_harm\n"})
    assert "CK026" not in codes(folder)


def test_ck034_a_concern_question_no_rule_reads_is_a_warning(tmp_path: Path) -> None:
    new = ("      - id: films_threats\n        question: Have they filmed themselves making threats to "
           "hurt people?\n        definition: Recording and keeping videos of threats of violence.\n"
           "        example: They showed you a video of themselves threatening a neighbour.\n")
    folder = copy_rules(tmp_path / "r", {"      - id: us_and_them\n": new + "      - id: us_and_them\n"})
    rs = load(folder)  # a warning: the rules are still used
    (w,) = [p for p in rs.warnings if p.code == "CK034"]
    assert w.message == ("the engagement question 'films_threats' is read by no routing rule, so "
                         "answering yes to it changes nothing")
    assert w.line == line_of_text(folder / "ruleset.yaml", "- id: films_threats")
