"""Rebuild the deliberately broken rule folders from the shipped rules.

Each folder under tests/broken/ is a copy of rules/ (ruleset.yaml + fairness.yaml) with ONE
deliberate defect that one safeguard proof must catch.  The copies are committed, so a reader can open
the broken file at the line the checker names; run this after a change to the shipped rules:

    .venv/bin/python tests/broken/regenerate.py
"""

from __future__ import annotations

import shutil
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULES = HERE.parents[1] / "rules"

FIXATION = """      when:
        answered_yes: violence_fixation
"""
OTHERWISE = "  otherwise: no_prevent_concern\n"
PROFILE_END = ("        example: An adult who relies on a carer for daily tasks and struggles to keep "
               "themselves safe.\n")
STEPS_END = "\nnever_indicators:\n"
INTRO_END = ("      supports violence. Think about what you saw or heard yourself, not about who the "
             "person is.\n")
GATE_FACTOR = """  - id: immediate_risk
    kind: gate
    title: Is anyone in immediate danger?
    intro: >-
      Answer these first. If any is yes, stop and call 999. Do not confront the person; get yourself
      and others safe.
    indicators:
      - id: imminent_danger
        question: Is anyone in danger right now?
        definition: Someone could be hurt in the next few minutes or hours.
        example: The person says they are on their way to hurt people today.
      - id: weapon_with_intent
        question: Does the person have a weapon, or something that could be used as one, and have \
they said they will use it?
        definition: A weapon or dangerous item together with words or actions showing they mean to use it.
        example: They showed you a knife in their bag and said it was "for them".
      - id: named_target
        question: Have they named a specific person, place or event they intend to attack?
        definition: A real, identifiable target, not a general angry remark.
        example: They said they will attack a particular community centre on Saturday.
      - id: imminent_travel
        question: Are they about to travel to join a terrorist group or fight in a conflict?
        definition: Travel that is booked, planned or under way, to join a group or conflict.
        example: They told you they fly out tomorrow to join fighters abroad.

"""
EMERGENCY_OUTCOME = """  - id: emergency
    category: emergency
    title: Call 999 now
    summary: Someone may be in immediate danger.
    what_to_do:
      - Call 999 now.
      - Do not confront the person. Get yourself and others safe.
      - When you are safe, tell your manager and the Prevent Lead.
    contact: emergency
    needs_one_of_kinds: [gate]
"""
DANGER_RULE = """    - id: immediate_danger
      outcome: emergency
      because: Someone may be in immediate danger.
      when:
        any_yes: {factor: immediate_risk}
"""
PREVENT_ADVICE_KINDS = """    contact: prevent_lead
    needs_one_of_kinds: [engagement, intent, capability]
  - id: consider_safeguarding"""

#: folder name -> (what is wrong, exact text replacements in ruleset.yaml)
BROKEN: dict[str, tuple[str, dict[str, str]]] = {
    "ck001_context_alone": (
        "debt and isolation, both context, lead to contact_prevent_lead",
        {OTHERWISE: """    - id: debt_and_isolation
      outcome: contact_prevent_lead
      because: Money worries and isolation together.
      when:
        all:
          - answered_yes: isolated
          - answered_yes: money_stress
""" + OTHERWISE}),
    "ck002_protective_lowers": (
        "rejects_violence switches off the fixation rule",
        {FIXATION: """      when:
        all:
          - answered_yes: violence_fixation
          - not: {answered_yes: rejects_violence}
"""}),
    "ck003_concern_lowers": (
        "hostile us-and-them talk switches off the intent or capability rule",
        {"""      when:
        any_yes: {factor: intent_capability}
""": """      when:
        all:
          - any_yes: {factor: intent_capability}
          - not: {answered_yes: us_and_them}
"""}),
    "ck005_never_fires": (
        "weaker_sign_alone needs us_and_them both yes and not yes",
        {"""        any_yes: {group: weaker_engagement}
    - id: circumstances_only""": """        all:
          - answered_yes: us_and_them
          - not: {answered_yes: us_and_them}
    - id: circumstances_only"""}),
    "ck006_never_decides": (
        "a fixation-with-threat rule is always beaten by intent_or_capability (a warning only)",
        {OTHERWISE: """    - id: fixation_with_threat
      outcome: prevent_lead_advice
      because: A fixation on violence together with a threat.
      when:
        all:
          - answered_yes: violence_fixation
          - answered_yes: threatens_harm
""" + OTHERWISE}),
    "ck007_unreachable_outcome": (
        "a catch-all rule fires whenever there is no immediate danger, so no_prevent_concern is never given",
        {OTHERWISE: """    - id: always_discuss
      outcome: consider_safeguarding
      because: Always discuss with a manager.
      when:
        not: {answered_yes: imminent_danger}
""" + OTHERWISE}),
    "ck008_protected_term": (
        "a question about closed mindset mentions the mosque the person attends",
        {"question: Have they cut themselves off from anyone who disagrees, and will they no longer "
         "discuss other views?":
         "question: Have they changed mosque and cut themselves off from anyone who disagrees?"}),
    "ck008_profile_question": (
        "a profile question asks whether the person is Muslim, and a step fires on it",
        {PROFILE_END: PROFILE_END + """      - id: is_muslim
        question: Is the person Muslim?
        definition: Asked of everyone screened.
        example: Yes or no.
""", STEPS_END: """  - id: prevent_referral
    title: Prevent referral
    what_to_do: Make a Prevent referral today.
    contact: prevent_lead
    when:
      answered_yes: is_muslim
""" + STEPS_END}),
    "ck009_no_declaration": (
        "prevent_lead_advice does not say which kinds of sign it needs",
        {PREVENT_ADVICE_KINDS: """    contact: prevent_lead
  - id: consider_safeguarding"""}),
    "ck010_wrong_kinds": (
        "prevent_lead_advice declares it may be reached on context",
        {PREVENT_ADVICE_KINDS: """    contact: prevent_lead
    needs_one_of_kinds: [engagement, intent, capability, context]
  - id: consider_safeguarding"""}),
    "ck011_profile_routes": (
        "being under 18 with a closed mindset leads to prevent_lead_advice",
        {FIXATION: """      when:
        any:
          - answered_yes: violence_fixation
          - all:
              - answered_yes: under_18
              - answered_yes: closed_mindset
"""}),
    "ck012_declaration_fails": (
        "a threat alone is routed to emergency, which declares it needs a gate (danger) sign",
        {"""  rules:
    - id: immediate_danger""": """  rules:
    - id: threat_is_emergency
      outcome: emergency
      because: Any threat is an emergency.
      when:
        answered_yes: threatens_harm
    - id: immediate_danger"""}),
    "ck013_protective_raises": (
        "being open to discussion is read as a reason for safeguarding",
        {"""      when:
        any_yes: {kind: context}
  otherwise""": """      when:
        any:
          - any_yes: {kind: context}
          - answered_yes: open_to_discussion
  otherwise"""}),
    "ck016_relabelled_outcome": (
        "contact_prevent_lead is relabelled a support outcome, so circumstances alone reach it",
        {"""  - id: contact_prevent_lead
    category: prevent""": """  - id: contact_prevent_lead
    category: support""",
         """    contact: prevent_lead
    needs_one_of_kinds: [engagement, intent, capability]
  - id: prevent_lead_advice""": """    contact: prevent_lead
  - id: prevent_lead_advice""",
         OTHERWISE: """    - id: debt_and_isolation
      outcome: contact_prevent_lead
      because: Money worries and isolation together.
      when:
        all:
          - answered_yes: isolated
          - answered_yes: money_stress
""" + OTHERWISE}),
    "ck016_no_emergency_route": (
        "the danger questions, the emergency outcome and its rule are removed: no route to 999",
        {GATE_FACTOR: "", EMERGENCY_OUTCOME: "", DANGER_RULE: ""}),
    "ck017_outcome_order": (
        "a support outcome listed above the Prevent outcomes takes getting weapons away from them",
        {"  - id: contact_prevent_lead\n    category: prevent": """  - id: urgent_support
    category: support
    title: Arrange urgent support
    summary: The person may need urgent help.
    what_to_do:
      - Arrange support today.
    contact: safeguarding_team
  - id: contact_prevent_lead
    category: prevent""",
         "    - id: intent_or_capability\n": """    - id: capability_to_support
      outcome: urgent_support
      because: Getting the means to cause harm is treated as a support need.
      when:
        answered_yes: acquiring_capability
    - id: intent_or_capability
"""}),
    "ck018_gate_not_emergency": (
        "the immediate danger rule lists three danger questions and forgets imminent_travel",
        {"""      when:
        any_yes: {factor: immediate_risk}
""": """      when:
        any_yes: {indicators: [imminent_danger, weapon_with_intent, named_target]}
"""}),
    "ck019_step_reads_context": (
        "an additional step makes a Prevent referral on any circumstance",
        {STEPS_END: """  - id: prevent_referral
    title: Prevent referral
    what_to_do: Make a Prevent referral today.
    contact: prevent_lead
    when:
      any_yes: {kind: context}
""" + STEPS_END}),
    "ck020_context_lowers": (
        "a weaker sign alone goes to the Prevent Lead today, but with a recent crisis only to advice",
        {"""    - id: weaker_sign_alone
      outcome: consider_safeguarding
      because: >-
        There is a weaker sign of engagement. On its own it is not a Prevent concern, but it is worth
        discussing with your manager or Designated Safeguarding Lead.
      when:
        any_yes: {group: weaker_engagement}
""": """    - id: weaker_sign_alone
      outcome: contact_prevent_lead
      because: A weaker sign of engagement with no recent crisis to explain it.
      when:
        all:
          - any_yes: {group: weaker_engagement}
          - not: {answered_yes: recent_crisis}
"""}),
    "ck025_markup": (
        "the engagement introduction carries an image from another server (a tracking pixel)",
        {INTRO_END: INTRO_END + "      ![x](http://evil.example/pixel.png)\n"}),
}


def build(name: str) -> Path:
    """Write tests/broken/<name>/ from the shipped rules and the defect's replacements."""
    what, replacements = BROKEN[name]
    dest = HERE / name
    dest.mkdir(exist_ok=True)
    shutil.copy(RULES / "fairness.yaml", dest / "fairness.yaml")
    text = (RULES / "ruleset.yaml").read_text(encoding="utf-8")
    for old, new in replacements.items():
        assert text.count(old) == 1, f"{name}: expected exactly one {old!r}"
        text = text.replace(old, new)
    header = f"# DELIBERATELY BROKEN copy of rules/ruleset.yaml for tests ({name}): {what}.\n"
    (dest / "ruleset.yaml").write_text(header + text, encoding="utf-8")
    return dest


if __name__ == "__main__":
    for folder in BROKEN:
        print(build(folder))
