"""Urgent checks: a danger question answered Don't know is never left for later.

The engine lists each as an urgent check (the question, the rule file's advice, 999 and the Prevent
Lead's numbers); the question page shows it at once; the result page, the CLI's JSON and every
export lead with it; and an open check is never shown as an all-clear.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
from rulefiles import RULES, copy_rules
from streamlit.testing.v1 import AppTest

from screening import ScreeningError, evaluate, load
from screening.cli import main as cli_main
from screening.exports import summary
from screening.exports.export import KEY_ENV, KEYS_ENV, canonical, integrity
from screening.record import ScreeningRecord
from screening.rules.ruleset import Kind

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")


@pytest.fixture(scope="module")
def rs():
    return load(RULES)


@pytest.fixture(autouse=True)
def _isolated(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYS_ENV, raising=False)
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    monkeypatch.setenv("SCREENING_REGISTER", str(tmp_path / "register"))


def gate_ids(rs) -> list[str]:
    return [i.id for f in rs.factors if f.kind is Kind.GATE for i in f.indicators]


def all_no(rs, **given: str) -> dict[str, str]:
    return {i: "no" for i in rs.indicator_ids()} | given


# --- the engine ----------------------------------------------------------------------------------

def test_a_danger_question_answered_dont_know_is_an_urgent_check(rs) -> None:
    a = evaluate(rs, all_no(rs, named_target="unknown"))
    assert a.outcome == "no_prevent_concern"  # the route alone would read as an all-clear
    [check] = a.urgent_checks
    urgent = rs.wording.urgent
    assert check.indicator == "named_target"
    assert check.question == rs.indicator("named_target").question
    assert check.advice == (urgent.cannot_rule_out, urgent.otherwise)
    assert [(c.id, c.phone) for c in check.contacts] == [
        (rs.emergency_contact.id, rs.emergency_contact.phone),
        (rs.default_contact.id, rs.default_contact.phone)]


def test_every_unknown_danger_question_is_listed_in_journey_order(rs) -> None:
    # not answered counts as unknown, so an answers file that leaves them out lists every one
    a = evaluate(rs, {"us_and_them": "yes"})
    assert [u.indicator for u in a.urgent_checks] == gate_ids(rs)
    assert evaluate(rs, all_no(rs)).urgent_checks == ()
    assert evaluate(rs, all_no(rs, threatens_harm="unknown")).urgent_checks == ()  # not a danger question


def test_no_separate_check_once_the_route_is_already_999(rs) -> None:
    a = evaluate(rs, {"imminent_danger": "yes"})
    assert a.outcome == "emergency" and "named_target" in a.unknowns
    assert a.urgent_checks == ()


def test_the_advice_is_the_rule_files_wording(tmp_path) -> None:
    folder = copy_rules(tmp_path / "r", {
        "cannot_rule_out: If you cannot rule the danger out, call 999 now.":
            "cannot_rule_out: Unless you are sure nobody is at risk, call 999 straight away."})
    a = evaluate(load(folder), {"imminent_danger": "unknown"})
    assert a.urgent_checks[0].advice[0] == "Unless you are sure nobody is at risk, call 999 straight away."


def test_a_rule_file_without_urgent_wording_gets_safe_defaults(tmp_path) -> None:
    text = (RULES / "ruleset.yaml").read_text()
    start = text.index("  # An urgent check:")
    end = text.index("  disclaimer:")
    folder = copy_rules(tmp_path / "r", {text[start:end]: ""})
    rs = load(folder)
    assert "999" in rs.wording.urgent.cannot_rule_out and "Prevent Lead" in rs.wording.urgent.otherwise
    assert evaluate(rs, {"imminent_danger": "unknown"}).urgent_checks[0].advice[0] == \
        rs.wording.urgent.cannot_rule_out


@pytest.mark.parametrize(("wording", "code"), [
    ("If you cannot rule the danger out, see [this page](http://evil.example).", "CK025"),
    ("If you cannot rule it out because of their religion, call 999 now.", "CK008"),
])
def test_urgent_wording_is_linted_like_all_wording(tmp_path, wording: str, code: str) -> None:
    from screening.errors import RuleSetError

    folder = copy_rules(tmp_path / "r", {
        "cannot_rule_out: If you cannot rule the danger out, call 999 now.": f"cannot_rule_out: {wording}"})
    with pytest.raises(RuleSetError) as e:
        load(folder)
    found = [p for p in e.value.problems if p.code == code]
    assert found and "urgent" in found[0].message


def test_to_dict_leads_with_the_urgent_checks(rs) -> None:
    d = evaluate(rs, all_no(rs, imminent_danger="unknown")).to_dict()
    assert next(iter(d)) == "urgent_checks"
    [check] = d["urgent_checks"]
    assert check["indicator"] == "imminent_danger"
    assert check["question"] == rs.indicator("imminent_danger").question
    assert check["contacts"][0] == {"id": rs.emergency_contact.id, "name": rs.emergency_contact.name,
                                    "phone": rs.emergency_contact.phone}


def test_cli_evaluate_json_carries_the_urgent_checks(tmp_path, capsys) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("imminent_danger: unknown\nweapon_with_intent: no\nnamed_target: no\n"
                       "imminent_travel: no\n")
    assert cli_main(["evaluate", str(answers), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [u["indicator"] for u in data["urgent_checks"]] == ["imminent_danger"]
    assert data["urgent_checks"][0]["contacts"][1]["phone"] == load(RULES).default_contact.phone


# --- exports -------------------------------------------------------------------------------------

def _made(rs, answers: dict[str, str]) -> tuple[ScreeningRecord, Any]:
    rec = ScreeningRecord(answers=answers, noticed_what="Said something worrying at the counter.",
                          started_at="2026-12-02T10:00:00+00:00", completed_at="2026-12-02T10:20:00+00:00",
                          reference="7KQ3")
    return rec, evaluate(rs, answers)


def test_json_export_round_trips_the_urgent_checks(rs) -> None:
    rec, a = _made(rs, all_no(rs, weapon_with_intent="unknown"))
    text = summary.to_json(rs, a, rec)
    body = json.loads(text)
    assert [u["indicator"] for u in body["assessment"]["urgent_checks"]] == ["weapon_with_intent"]
    opened = summary.read_export(text.encode(), rs)
    assert opened.stored_assessment.urgent_checks == a.urgent_checks


def _resealed(body: dict[str, Any]) -> bytes:
    body["integrity"]["value"] = integrity(body)
    return canonical(body)


def _refused(rs, body: dict[str, Any]) -> tuple[str, str]:
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(body), rs)
    return e.value.problems[0].code, e.value.problems[0].message


def test_a_removed_urgent_check_is_refused_as_altered(rs) -> None:
    rec, a = _made(rs, all_no(rs, weapon_with_intent="unknown", named_target="unknown"))
    body = json.loads(summary.to_json(rs, a, rec))
    body["assessment"]["urgent_checks"].pop()
    code, message = _refused(rs, body)
    assert code == "EX011" and "urgent checks" in message


def test_changed_urgent_advice_is_refused_as_altered(rs) -> None:
    rec, a = _made(rs, all_no(rs, weapon_with_intent="unknown"))
    body = json.loads(summary.to_json(rs, a, rec))
    body["assessment"]["urgent_checks"][0]["advice"][0] = "No need to call anyone."
    assert _refused(rs, body)[0] == "EX011"


def test_an_urgent_check_for_an_answered_question_is_refused(rs) -> None:
    rec, a = _made(rs, all_no(rs, weapon_with_intent="unknown"))
    body = json.loads(summary.to_json(rs, a, rec))
    extra = dict(body["assessment"]["urgent_checks"][0], indicator="imminent_danger")
    body["assessment"]["urgent_checks"].append(extra)
    code, message = _refused(rs, body)
    assert code == "EX010" and "urgent checks" in message


@pytest.mark.parametrize(("change", "where"), [
    (lambda u: u.update(note="x"), "the block assessment.urgent_checks[0] holds 'note'"),
    (lambda u: u["contacts"][0].update(email="x"), "the block assessment.urgent_checks[0].contacts[0]"),
])
def test_unknown_names_in_an_urgent_check_are_refused(rs, change, where: str) -> None:
    rec, a = _made(rs, all_no(rs, weapon_with_intent="unknown"))
    body = json.loads(summary.to_json(rs, a, rec))
    change(body["assessment"]["urgent_checks"][0])
    code, message = _refused(rs, body)
    assert code == "EX016" and where in message


def test_a_file_made_before_urgent_checks_still_opens(rs) -> None:
    rec, a = _made(rs, all_no(rs, weapon_with_intent="unknown"))
    body = json.loads(summary.to_json(rs, a, rec))
    del body["assessment"]["urgent_checks"]
    del body["alternatives_note"]
    opened = summary.read_export(_resealed(body), rs)
    assert opened.stored_assessment.urgent_checks == ()
    assert opened.replay.assessment.urgent_checks == a.urgent_checks  # today's replay names it


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_every_export_leads_with_the_urgent_checks(rs) -> None:
    rec, a = _made(rs, all_no(rs, imminent_travel="unknown"))
    urgent = rs.wording.urgent
    question = rs.indicator("imminent_travel").question
    outcome = rs.outcome(a.outcome).title
    md = summary.to_markdown(rs, a, rec)
    first = md.index(f"## {urgent.title}")
    assert first < md.index("## 1. The concern") < md.index(f"## 7. Recommendation: {outcome}")
    assert question in md[first:md.index("## 1. The concern")]
    assert f"1. {urgent.cannot_rule_out} {rs.emergency_contact.name}: {rs.emergency_contact.phone}." in md
    text = _pdf_text(summary.to_pdf(rs, a, rec))
    assert text.index(urgent.title) < text.index("1. The concern") < text.index(f"Recommendation: {outcome}")
    assert rs.default_contact.phone in text[:text.index("1. The concern")]
    n = summary.narrative(rs, a, rec)
    assert n.urgent is not None and n.urgent.questions == (question,)


def test_no_urgent_section_when_none_is_open(rs) -> None:
    rec, a = _made(rs, all_no(rs))
    assert rs.wording.urgent.title not in summary.to_markdown(rs, a, rec)
    assert summary.narrative(rs, a, rec).urgent is None


# --- the app -------------------------------------------------------------------------------------

def _texts(elements: Any) -> str:
    return "\n".join(str(e.value) for e in elements).replace("\\", "").replace("\u00a0", " ")


def _in_order(at: AppTest) -> list[str]:
    """The text of every element of the main area, top to bottom."""
    out: list[str] = []

    def walk(node: Any) -> None:
        value = getattr(node, "value", None)
        if isinstance(value, str):
            out.append(value.replace("\\", "").replace("\u00a0", " "))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at.main)
    return out


def test_dont_know_on_a_danger_question_opens_the_urgent_panel_at_once() -> None:
    rs = load(RULES)
    at = AppTest.from_file(APP, default_timeout=30).run()
    urgent = rs.wording.urgent
    assert urgent.title not in _texts(at.error)
    at.radio(key="answer.0.imminent_danger").set_value("unknown").run()  # no Next: at once
    assert not at.exception
    assert at.title[0].value == rs.factors[0].title  # still on the question page
    panel = _texts(at.error)
    assert urgent.title in panel and urgent.cannot_rule_out in panel and urgent.otherwise in panel
    assert rs.emergency_contact.phone in panel and rs.default_contact.phone in panel
    at.radio(key="answer.0.imminent_danger").set_value("no").run()  # ruled out: the panel goes
    assert urgent.title not in _texts(at.error)


def test_the_result_page_leads_with_the_urgent_check_never_an_all_clear() -> None:
    rs = load(RULES)
    at = AppTest.from_file(APP, default_timeout=30).run()
    while at.radio:
        for r in at.radio:
            r.set_value("unknown" if r.key.endswith(".named_target") else "no")
        at.button(key="nav.next").click().run()
        assert not at.exception
    at.text_area(key="account.0.noticed_what").input("Said a named person would get what was coming.")
    at.button(key="nav.next").click().run()
    at.button(key="nav.next").click().run()
    outcome = rs.outcome("no_prevent_concern")
    assert at.title[0].value == outcome.title
    assert not at.success, "an open urgent check is never shown in all-clear styling"
    assert outcome.summary in _texts(at.warning)
    order = _in_order(at)
    urgent_at = next(i for i, t in enumerate(order) if rs.wording.urgent.title in t)
    title_at = next(i for i, t in enumerate(order) if t == outcome.title)
    assert urgent_at < title_at
    assert rs.indicator("named_target").question in order[urgent_at].replace("\\", "")
    assert rs.emergency_contact.phone in order[urgent_at]
