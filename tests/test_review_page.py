"""AppTest for 'Open a screening file': upload, refuse tampered files, and show the replay."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulefiles import copy_rules, new_version
from streamlit.testing.v1 import AppTest

from screening import evaluate, load, summary
from screening.record import Departure, ScreeningRecord

PAGE = str(Path(__file__).resolve().parents[1] / "ui" / "review.py")
ANSWERS = {"us_and_them": "yes", "isolated": "yes", "trusted_adult": "yes"}


@pytest.fixture(autouse=True)
def shipped_rules(monkeypatch):
    monkeypatch.delenv("SCREENING_RULES", raising=False)


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


def test_departure_and_reason_are_shown():
    at = upload(export(Departure(outcome="consider_safeguarding", reason="spoke to the DSL first")))
    warning = " ".join(w.value for w in at.warning)
    assert "The worker chose a different route" in warning
    assert "spoke to the DSL first" in warning and "supervisor's sign\\-off" in warning


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

