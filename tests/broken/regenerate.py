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
        "talk of joining a violent group switches off the immediate danger rule",
        {"""      when:
        any_yes: {factor: immediate_risk}
""": """      when:
        all:
          - any_yes: {factor: immediate_risk}
          - not: {answered_yes: plans_to_join}
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
