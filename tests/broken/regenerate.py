"""Rebuild the deliberately broken rule folders from the shipped rules.

Each folder under tests/broken/ is a copy of rules/ (ruleset.yaml, fairness.yaml, approvals.yaml)
with ONE deliberate defect that one check must catch, named by its code.  The copy's concern
questions and fairness exceptions are approved as they stand (so the defect is the only finding),
except in the folders that are about approvals.  The copies are committed, so a reader can open the
broken file at the line the checker names; run this after a change to the shipped rules:

    .venv/bin/python tests/broken/regenerate.py
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
RULES = HERE.parents[1] / "rules"
sys.path.insert(0, str(HERE.parents[1]))

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

CONSIDER_TODO = """      - Discuss with your manager or Designated Safeguarding Lead.
      - Consider a safeguarding, early help, mental-health or housing referral.
"""
CONSIDER_CONTACT = """      - If anything new comes up, screen again. If in doubt, call the Prevent Lead.
    contact: safeguarding_team
"""
US_AND_THEM = "      - id: us_and_them\n"
WEAKER_GROUP = "indicators: [us_and_them, closed_mindset,"
#: fairness.yaml replacements, for the folders whose defect is there (folder -> {old: new})
FAIRNESS: dict[str, dict[str, str]] = {
    "ck031_unapproved_allow": {
        "allow:\n": """allow:
  - phrase: attending the mosque
    reason: We only ask about attendance at the mosque together with other signs.
"""},
    "ck032_category_removed": {},  # the whole 'lawful political views' block: see _without_politics
}


def _without_politics(text: str) -> str:
    """fairness.yaml without its lawful political views category (all of its lines)."""
    start = text.index("  - category: lawful political views\n")
    end = text.index("  - category:", start + 1)
    return text[:start] + text[end:]
#: folders about approvals: keep the shipped approvals.yaml (or none), do not approve the copy
UNAPPROVED = {"ck030_unapproved_question", "ck031_unapproved_allow", "ck032_category_removed",
              "ck033_no_approvals"}

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
    "ck008_everyday_wording": (
        "a weaker sign asks about going to the masjid for jummah, in everyday transliterated words",
        {"question: Have they cut themselves off from anyone who disagrees, and will they no longer "
         "discuss other views?":
         "question: Have they cut themselves off from anyone who disagrees, and will they no longer "
         "discuss other views, since going to the masjid for jummah?"}),
    "ck021_negated_999": (
        "the emergency outcome still mentions 999, but tells the worker not to call it",
        {"      - Call 999 now.\n": "      - Do not call 999; email the Prevent Lead.\n"}),
    "ck022_support_reports_to_police": (
        "the support outcome, reached on circumstances alone, reports the person to the police",
        {CONSIDER_TODO: """      - Discuss with your manager or Designated Safeguarding Lead.
      - Report the person to counter-terrorism police with their details.
"""}),
    "ck026_circumstance_as_engagement": (
        "a job loss is asked as a sign of engagement, so it would reach the Prevent Lead by a label",
        {US_AND_THEM: """      - id: recently_lost_work
        question: Have they recently lost their job or been made redundant?
        definition: A recent job loss that has hit them hard.
        example: They were let go from the warehouse last week.
""" + US_AND_THEM, WEAKER_GROUP: "indicators: [recently_lost_work, us_and_them, closed_mindset,"}),
    "ck027_support_uses_hotline": (
        "the support outcome sends the worker to the Anti-Terrorism Hotline",
        {CONSIDER_CONTACT: CONSIDER_CONTACT.replace("safeguarding_team", "anti_terrorism_hotline")}),
    "ck028_hotline_relabelled": (
        "the Anti-Terrorism Hotline is relabelled a support contact and used by the support outcome",
        {"""    when_to_use: To report suspicious activity confidentially.
    category: police""": """    when_to_use: To report suspicious activity confidentially.
    category: support""",
         CONSIDER_CONTACT: CONSIDER_CONTACT.replace("safeguarding_team", "anti_terrorism_hotline")}),
    "ck029_generalisation": (
        "a rule's reason generalises about a community",
        {"because: A weaker sign of engagement, read together with the person's circumstances.":
         "because: People from that community are more likely to be drawn into extremism."}),
    "ck030_unapproved_question": (
        "an engagement question is reworded to a new question after its approval",
        {"question: Have they cut themselves off from anyone who disagrees, and will they no longer "
         "discuss other views?":
         "question: Have they refused to discuss other views with anyone at all?"}),
    "ck031_unapproved_allow": (
        "fairness.yaml gains an unapproved exception for attending the mosque (see fairness.yaml)", {}),
    "ck032_category_removed": (
        "fairness.yaml loses its lawful political views category (see fairness.yaml)", {}),
    "ck033_no_approvals": ("there is no approvals.yaml, so nothing is approved", {}),
}


def build(name: str) -> Path:
    """Write tests/broken/<name>/ from the shipped rules and the defect's replacements."""
    what, replacements = BROKEN[name]
    dest = HERE / name
    dest.mkdir(exist_ok=True)
    header = f"# DELIBERATELY BROKEN copy of rules/%s for tests ({name}): {what}.\n"
    for file, changes in (("ruleset.yaml", replacements), ("fairness.yaml", FAIRNESS.get(name, {}))):
        text = (RULES / file).read_text(encoding="utf-8")
        for old, new in changes.items():
            assert text.count(old) == 1, f"{name}: expected exactly one {old!r} in {file}"
            text = text.replace(old, new)
        if name == "ck032_category_removed" and file == "fairness.yaml":
            text, changes = _without_politics(text), {"": ""}
        (dest / file).write_text((header % file if changes or file == "ruleset.yaml" else "") + text,
                                 encoding="utf-8")
    approvals = dest / "approvals.yaml"
    approvals.unlink(missing_ok=True)
    if name == "ck033_no_approvals":
        return dest
    shutil.copy(RULES / "approvals.yaml", approvals)
    if name not in UNAPPROVED:
        sys.path.insert(0, str(HERE.parent))
        from rulefiles import approve_as_shipped

        approve_as_shipped(dest)
    return dest


if __name__ == "__main__":
    for folder in BROKEN:
        print(build(folder))
