"""Four eyes as data (screening/rules/approvals.py, rules/approvals.yaml): concern questions and fairness
exceptions need a recorded approval of their exact text; the fairness list may not shrink unseen."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml
from rulefiles import RULES, copy_rules, line_of_text

from screening import RuleSetError, load
from screening.rules.approvals import (
    APPROVER_ROLES,
    approval_problems,
    baseline_sha256,
    question_sha256,
    removal_sha256,
)
from screening.rules.ruleset import Kind

BROKEN = Path(__file__).resolve().parent / "broken"
TODAY = dt.date(2026, 11, 30)


def problems(folder: Path) -> list:
    return approval_problems(load(folder, check=False), today=TODAY)


def refused(folder: Path) -> list:
    with pytest.raises(RuleSetError) as info:
        load(folder)
    return list(info.value.problems)


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_shipped_rules_are_approved_by_the_prevent_lead() -> None:
    assert approval_problems(load(RULES, check=False)) == []
    shipped = yaml.safe_load((RULES / "approvals.yaml").read_text(encoding="utf-8"))
    assert {a["approver_role"] for a in shipped["approvals"]} == {"Prevent Lead"}
    rs = load(RULES, check=False)
    concern = [i.id for f in rs.factors if f.kind.value in ("gate", "engagement", "intent", "capability")
               for i in f.indicators]
    assert sorted(a["question"] for a in shipped["approvals"] if "question" in a) == sorted(concern)


def test_ck030_an_edited_question_voids_its_approval_and_says_who_must_approve() -> None:
    folder = BROKEN / "ck030_unapproved_question"
    (p,) = refused(folder)
    assert p.code == "CK030"
    assert p.line == line_of_text(folder / "ruleset.yaml", "- id: closed_mindset")
    assert p.message.startswith("the engagement question 'closed_mindset' was edited after it was "
                                "approved on 2026-11-30 (approved text ")
    rs = load(folder, check=False)
    sha = question_sha256(rs.indicator("closed_mindset"), Kind.ENGAGEMENT)
    assert "the Prevent Lead (not the author)" in p.fix and f"sha256: {sha}" in p.fix
    assert "equality_note" in p.fix


def test_ck030_recording_the_approval_the_fix_names_clears_it(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"question: Have they praised or celebrated people who carried out "
                              "terrorist attacks?": "question: Have they praised terrorist attackers?"},
                   approve=False)
    (p,) = problems(d)
    sha = p.fix.split("sha256: ")[1].split("'")[0]
    edit(d / "approvals.yaml", "approvals:\n", f"approvals:\n- question: praises_attackers\n  sha256: "
         f"{sha}\n  approver_role: Prevent Lead\n  date: '2026-11-30'\n  equality_note: Asks about "
         "praise for attackers, which is behaviour; it names no group of people.\n")
    assert problems(d) == []


def test_ck030_a_new_concern_question_needs_approval_but_a_context_question_does_not(
        tmp_path: Path) -> None:
    new = ("      - id: {id}\n        question: {q}\n        definition: Something seen or heard "
           "this month.\n        example: A colleague saw it happen.\n")
    d = copy_rules(tmp_path, {
        "      - id: us_and_them\n": new.format(id="films_threats", q="Have they filmed themselves "
                                              "making threats to hurt people?") + "      - id: us_and_them\n",
        "      - id: on_licence\n": new.format(id="new_tenancy", q="Have they just started a new "
                                            "tenancy?") + "      - id: on_licence\n"},
                   approve=False)
    found = problems(d)
    assert [(p.code, p.message.split(":")[0]) for p in found] == [
        ("CK030", "the engagement question 'films_threats' has no approval")]


def test_ck030_only_the_prevent_lead_may_approve(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    text = (d / "approvals.yaml").read_text(encoding="utf-8")
    start = text.index("- question: imminent_danger")
    end = text.index("- question:", start + 1)
    block = text[start:end].replace("approver_role: Prevent Lead", "approver_role: Housing Officer")
    (d / "approvals.yaml").write_text(text[:start] + block + text[end:], encoding="utf-8")
    (p,) = problems(d)
    assert p.code == "CK030" and p.message.startswith(
        "the gate question 'imminent_danger' was approved by 'Housing Officer', who may not approve "
        "it (only the Prevent Lead)")
    assert APPROVER_ROLES == ("Prevent Lead",)


def test_ck031_an_allow_entry_needs_its_own_approval() -> None:
    folder = BROKEN / "ck031_unapproved_allow"
    (p,) = refused(folder)
    assert p.code == "CK031"
    assert p.path == str(folder / "fairness.yaml")
    assert p.line == line_of_text(folder / "fairness.yaml", "phrase: attending the mosque")
    assert p.message.startswith("the allowed phrase 'attending the mosque' in fairness.yaml has no "
                                "approval")
    assert "otherwise reword the rule and remove the exception" in p.fix


def test_ck031_editing_an_allowed_reason_voids_it(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    edit(d / "fairness.yaml", "reason: Being the victim of a hate crime is something done to the person",
         "reason: Anything about hate")
    (p,) = problems(d)
    assert p.code == "CK031" and "'hate crime'" in p.message and "was edited after" in p.message


def test_ck032_removing_a_category_needs_approval() -> None:
    folder = BROKEN / "ck032_category_removed"
    (p,) = refused(folder)
    assert p.code == "CK032"
    assert p.message == ("the category 'lawful political views' was removed from fairness.yaml "
                         "without an approval")
    sha = removal_sha256("lawful political views", None)
    assert f"'- removed_category: lawful political views', 'sha256: {sha}'" in p.fix


def test_ck032_removing_a_term_needs_approval_and_an_approved_removal_passes(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    edit(d / "fairness.yaml", " mosque, masjid,", " masjid,")
    (p,) = problems(d)
    assert p.code == "CK032"
    assert p.message == ("the term 'mosque' (religion or belief) was removed from fairness.yaml "
                         "without an approval")
    sha = removal_sha256("religion or belief", "mosque")
    edit(d / "approvals.yaml", "approvals:\n", "approvals:\n- removed_term: mosque\n  category: religion "
         f"or belief\n  sha256: {sha}\n  approver_role: Prevent Lead\n  date: '2026-11-30'\n  "
         "equality_note: Covered by 'place of worship' and 'masjid'; no one loses protection.\n")
    assert problems(d) == []


def test_adding_terms_needs_no_approval(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    edit(d / "fairness.yaml", "terms: [gender,", "terms: [gender, menopause,")
    assert problems(d) == []


def test_ck033_no_approvals_file_refuses_the_rules() -> None:
    (p,) = refused(BROKEN / "ck033_no_approvals")
    assert p.code == "CK033"
    assert p.message.startswith("there is no approvals.yaml beside the rules")


@pytest.mark.parametrize(("old", "new", "says"), [
    ("date: '2026-11-30'", "date: '2027-01-01'", "is dated 2027-01-01, after today (2026-11-30)"),
    ("equality_note: 'Reviewed", "equality_note: 'TODO. Reviewed", "has no real equality note"),
])
def test_ck033_an_approval_from_the_future_or_without_a_note_does_not_count(
        tmp_path: Path, old: str, new: str, says: str) -> None:
    d = copy_rules(tmp_path)
    edit(d / "approvals.yaml", old, new)
    (p,) = problems(d)
    assert p.code == "CK033" and says in p.message and "question 'imminent_danger'" in p.message


def test_ck033_the_baseline_cannot_be_shortened_without_a_new_approval(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    edit(d / "approvals.yaml", "    - mosque\n", "")
    edit(d / "fairness.yaml", " mosque, masjid,", " masjid,")
    (p,) = problems(d)
    assert p.code == "CK033" and p.message.startswith(
        "the fairness baseline in approvals.yaml was edited without a new approval")


def test_baseline_hash_is_order_free() -> None:
    assert baseline_sha256({"a": ("x", "y"), "b": ("z",)}) == baseline_sha256({"b": ["z"], "a": ["y", "x"]})


def test_reflowing_a_question_is_not_an_edit(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, approve=False)
    edit(d / "ruleset.yaml", "        question: Is anyone in danger right now?",
         "        question: >-\n          Is anyone in danger\n          right now?")
    assert problems(d) == []


def test_a_bad_approvals_file_is_refused_with_its_line(tmp_path: Path) -> None:
    d = copy_rules(tmp_path)
    edit(d / "approvals.yaml", "  approver_role: Prevent Lead\n", "  approver: Prevent Lead\n")
    found = {p.code: p for p in problems(d)}
    assert sorted(found) == ["RS004", "RS005"]  # an unknown key, and the role is then missing
    assert found["RS004"].path == str(d / "approvals.yaml")
    assert found["RS004"].line == line_of_text(d / "approvals.yaml", "approver: Prevent Lead")
