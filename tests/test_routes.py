"""Contacts, route wording, new concern questions and the account step (CK021-CK024, RS014)."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text

from screening import RuleSetError, load


def refused(d: Path, code: str) -> list:
    with pytest.raises(RuleSetError) as info:
        load(d)
    found = [p for p in info.value.problems if p.code == code]
    assert found, [p.format() for p in info.value.problems]
    return found


def test_shipped_rules_have_no_route_findings() -> None:
    assert not [p for p in load(RULES).warnings if p.code in {"CK021", "CK022", "CK023", "CK024"}]


def test_ck021_emergency_number_must_be_999(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {'    phone: "999"': '    phone: "112"'})
    (p,) = refused(d, "CK021")
    assert p.message == "the emergency contact 'emergency' has number '112', not 999"
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: emergency", 1)


def test_ck021_emergency_contact_cannot_be_swapped(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"emergency_contact: emergency": "emergency_contact: police_non_emergency"})
    messages = [p.message for p in refused(d, "CK021")]
    assert "the emergency contact 'police_non_emergency' has number '101', not 999" in messages
    assert ("emergency outcome 'emergency' names contact 'emergency', not the emergency contact "
            "'police_non_emergency'") in messages


def test_ck021_prevent_outcome_must_name_the_prevent_lead(tmp_path: Path) -> None:
    needs = "    needs_one_of_kinds: [engagement, intent, capability]\n  - id: prevent_lead_advice"
    d = copy_rules(tmp_path, {"    contact: prevent_lead\n" + needs: "    contact: act_early\n" + needs})
    (p,) = refused(d, "CK021")
    assert p.message == ("Prevent outcome 'contact_prevent_lead' names contact 'act_early', not the "
                         "Prevent Lead ('prevent_lead', the default_contact)")


def test_ck021_numbers_must_be_dialable(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"    phone: 01702 546 366\n    when_to_use: Any Prevent":
                              "    phone: TBC\n    when_to_use: Any Prevent"})
    (p,) = refused(d, "CK021")
    assert p.message == "contact 'prevent_lead' has number 'TBC', which is not a UK phone number"


def test_ck021_emergency_outcome_must_say_call_999(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      - Call 999 now.": "      - Ring the office."})
    (p,) = refused(d, "CK021")
    assert p.message == "emergency outcome 'emergency' does not tell the worker to call 999 in what_to_do"


def test_ck022_support_outcome_cannot_send_to_the_prevent_lead(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"    title: Consider safeguarding or other support":
                              "    title: Contact the Prevent Lead today (support)"})
    (p,) = refused(d, "CK022")
    assert p.message == ("outcome 'consider_safeguarding' says 'Contact the Prevent Lead today "
                         "(support)', which refers or reports the person to the police, the hotline "
                         "or Prevent, but it is a support outcome")
    assert p.line == line_of_text(d / "ruleset.yaml", "- id: consider_safeguarding")


def test_ck022_step_cannot_make_a_referral(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"    title: Children's safeguarding": "    title: Make a Prevent referral"})
    (p,) = refused(d, "CK022")
    assert p.message.startswith("additional step 'childrens_safeguarding' says 'Make a Prevent referral'")


def test_ck023_new_concern_question_is_a_warning(tmp_path: Path) -> None:
    new = ("      - id: glorifies_violence_online\n"
           "        question: Have they posted videos online that glorify violence against people?\n"
           "        definition: Posting or sharing clips that celebrate people being hurt or killed.\n"
           "        example: They posted a street attack video with laughing emojis.\n")
    d = copy_rules(tmp_path, {"      - id: us_and_them\n": new + "      - id: us_and_them\n",
                              "indicators: [us_and_them,": "indicators: [glorifies_violence_online, "
                                                           "us_and_them,"})
    rs = load(d)  # approved (copy_rules records it) and read by a rule: a warning for review only
    (w,) = [p for p in rs.warnings if p.code == "CK023"]
    assert w.message == ("'glorifies_violence_online' is a new question in engagement factor "
                         "'engagement': answered yes, it can send a person to the Prevent Lead")
    assert w.line == line_of_text(d / "ruleset.yaml", "- id: glorifies_violence_online")


def test_ck023_says_a_new_gate_question_leads_to_999(tmp_path: Path) -> None:
    new = ("      - id: fire_started\n        question: Have they started a fire or said they will now?\n"
           "        definition: A fire set, or a threat to set one, right now.\n"
           "        example: They said they have poured petrol in the stairwell.\n")
    d = copy_rules(tmp_path, {"      - id: imminent_travel\n": new + "      - id: imminent_travel\n"})
    (w,) = [p for p in load(d).warnings if p.code == "CK023"]
    assert w.message == ("'fire_started' is a new question in gate factor 'immediate_risk': answered "
                         "yes, it leads to the emergency route (call 999)")


def test_ck024_what_was_noticed_must_be_required(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"        required_message: Describe what you noticed\n": ""})
    (p,) = refused(d, "CK024")
    assert "does not require 'noticed_what'" in p.message


def test_ck024_age_question_must_be_a_profile_question(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"child_question: under_18": "child_question: us_and_them"})
    (p,) = refused(d, "CK024")
    assert p.message == "the age question is checked against 'us_and_them', which is not a profile question"


def test_ck008_account_wording_is_linted(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"label: What did you notice?": "label: What is their religion?"})
    (p,) = refused(d, "CK008")
    assert p.message.startswith("the label of 'noticed_what' of the account step uses 'religion'")


def test_rs014_bad_placeholder_in_the_mismatch_message(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"'{question}'. Check": "'{foo}'. Check"})
    with pytest.raises(RuleSetError) as info:
        load(d)
    (p,) = info.value.problems
    assert p.code == "RS014"
    assert p.message == "the age mismatch message uses {foo}, which is not one of band, answer, question"
    assert p.line == line_of_text(d / "ruleset.yaml", "mismatch:")


def test_rs014_unclosed_brace(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"'{question}'. Check": "'{question'. Check"})
    with pytest.raises(RuleSetError) as info:
        load(d)
    assert [p.code for p in info.value.problems] == ["RS014"]
