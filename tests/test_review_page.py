"""AppTest for 'Open a screening file': upload, refuse tampered files, and show the replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rulefiles import copy_rules, new_version
from streamlit.testing.v1 import AppTest

from screening import evaluate, load, summary
from screening.export import KEY_ENV, canonical, integrity
from screening.record import Departure, ScreeningRecord

PAGE = str(Path(__file__).resolve().parents[1] / "ui" / "review.py")
ANSWERS = {"us_and_them": "yes", "isolated": "yes", "trusted_adult": "yes"}


@pytest.fixture(autouse=True)
def shipped_rules(monkeypatch):
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    monkeypatch.delenv(KEY_ENV, raising=False)


def export(departure: Departure | None = None, noticed: str = "Said [x](http://evil) <b>loud</b>") -> bytes:
    rs = load()
    rec = ScreeningRecord(answers=ANSWERS, screener_role="youth worker", noticed_what=noticed,
                          departure=departure)
    return summary.to_json(rs, evaluate(rs, ANSWERS), rec).encode()


def upload(data: bytes) -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    at.file_uploader(key="review.upload").set_value(("screening.json", data, "application/json")).run()
    assert not at.exception
    return at


def all_markdown(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


def test_page_asks_for_a_file():
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert at.title[0].value == "Open a screening file"
    assert "Choose a screening file" in at.info[0].value


def test_valid_file_shows_narrative_trace_and_same_rules():
    at = upload(export())
    text = all_markdown(at)
    assert "Talk it through with the Prevent Lead" in text
    assert "read together with their circumstances" in text
    assert "weaker\\_signs\\_with\\_circumstances" in text  # the trace names the rule that fired
    assert "The worker followed the recommendation." in text
    assert not at.warning
    assert "Today's rules are the ones this screening was made with" in at.success[0].value
    assert "[x](http" not in text and "<b>" not in text
    seal = at.info[0].value
    assert "detects accidental or casual changes only, not who made the file" in seal


def test_keyed_file_says_it_is_sealed_with_the_councils_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "council-export-key-0123456789abcdef")
    at = upload(export())
    assert "sealed with the council's export key" in at.info[0].value
    assert "not who made the file" not in " ".join(i.value for i in at.info)


def test_plain_file_is_refused_when_the_council_has_a_key(monkeypatch):
    data = export()
    monkeypatch.setenv(KEY_ENV, "council-export-key-0123456789abcdef")
    at = upload(data)
    assert len(at.error) == 1 and "EX007" in at.error[0].value
    assert "only a plain checksum" in at.error[0].value and not at.success


def resealed(change) -> bytes:
    body = json.loads(export())
    change(body)
    body["integrity"]["value"] = integrity(body)
    return canonical(body)


def test_same_rules_but_another_stored_result_is_refused_not_explained():
    def swap(b):
        b["assessment"]["outcome"] = "contact_prevent_lead"
        for f in b["assessment"]["fired"]:
            if f["decisive"]:
                f["outcome"] = "contact_prevent_lead"
    at = upload(resealed(swap))
    assert len(at.error) == 1 and "EX011" in at.error[0].value
    assert "the file was made with today" in at.error[0].value
    assert "reads them differently" not in " ".join(w.value for w in at.warning)
    assert not at.success and "Talk it through" not in all_markdown(at)


def test_record_answers_that_disagree_are_refused():
    at = upload(resealed(lambda b: b["record"]["answers"].update(us_and_them="no")))
    assert len(at.error) == 1 and "EX010" in at.error[0].value
    assert "copies of the answers disagree" in at.error[0].value


@pytest.mark.parametrize("data", [b"[" * 100_000 + b"]" * 100_000, b'{"format": "\\ud800"}',
                                  b'{"format_version": ' + b"9" * 5000 + b"}"])
def test_hostile_json_is_refused_without_a_traceback(data):
    at = upload(data)
    assert len(at.error) == 1 and "EX001" in at.error[0].value


def test_departure_and_reason_are_shown():
    at = upload(export(Departure(outcome="consider_safeguarding", reason="spoke to the DSL first")))
    warning = " ".join(w.value for w in at.warning)
    assert "The worker chose a different route" in warning
    assert "spoke to the DSL first" in warning and "supervisor's sign\\-off" in warning


def test_review_shows_who_agreed_a_lowered_route():
    at = upload(export(Departure(outcome="consider_safeguarding", reason="spoke to the DSL first",
                                 agreed_by="Safeguarding Officer")))
    warning = " ".join(w.value for w in at.warning)
    assert "The route was lowered" in warning and "agreed by Safeguarding Officer" in warning
    assert "without a recorded sign" not in warning


def test_tampered_file_is_refused_with_catalogue_message():
    data = export().replace(b'"us_and_them": "yes"', b'"us_and_them": "no"', 1)
    at = upload(data)
    assert len(at.error) == 1
    assert "EX003" in at.error[0].value
    assert "changed after it was exported" in at.error[0].value
    assert not at.success and "Talk it through" not in all_markdown(at)


def test_not_json_is_refused_without_a_traceback():
    at = upload(b"\x89PNG not a screening")
    assert "EX001" in at.error[0].value


def test_replay_under_changed_rules_is_highlighted(tmp_path, monkeypatch):
    data = export()
    folder = copy_rules(tmp_path / "rules", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()})
    monkeypatch.setenv("SCREENING_RULES", str(folder))
    at = upload(data)
    warning = at.warning[0].value
    assert "The rules have changed since this screening was made" in warning
    assert "Contact the Prevent Lead today" in warning and "Talk it through with the Prevent Lead" in warning
    assert any("replay" in e.label for e in at.expander)

