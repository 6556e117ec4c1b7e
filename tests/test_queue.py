"""Hand over from the result page, then the review queue: find, open, decide, export, purge.

AppTest drives the real pages against the test run's own store (tests/conftest.py points
SCREENING_DATABASE_URL at a temporary SQLite file).
"""

from __future__ import annotations

import csv
import io
import os
import re
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_app import complete

from screening.store import Store
from screening.store.csv_export import neutral_cell, to_csv

ROOT = Path(__file__).resolve().parents[1]
QUEUE = str(ROOT / "ui" / "queue.py")
REF = re.compile(r"\b([A-Z0-9]{4}-[A-Z0-9]{4})\b")


def _hand_over(answers: dict[str, str]) -> tuple[AppTest, str]:
    at = complete(answers)
    at.button(key="handover.save.0").click().run()
    assert not at.exception
    said = " ".join(s.value for s in at.success)
    found = REF.search(said)
    assert found, f"no reference shown: {said!r}"
    return at, found.group(1)


def _queue() -> AppTest:
    at = AppTest.from_file(QUEUE, default_timeout=30).run()
    assert not at.exception
    return at


def _open(reference: str) -> AppTest:
    at = _queue()
    at.text_input(key="queue.open").input(reference).run()
    assert not at.exception
    return at


def test_hand_over_gives_a_reference_that_opens_in_the_queue() -> None:
    _, ref = _hand_over({"us_and_them": "yes", "isolated": "yes"})
    store = Store()
    assert store.get(ref, actor="test").outcome == "prevent_lead_advice"
    at = _open(ref)
    md = "\n".join(m.value for m in at.markdown)
    assert "The summary as it was made" in md
    assert any(h.value == f"Screening {ref}" for h in at.header)
    table = at.dataframe[0].value
    assert ref in list(table["Reference"])


def test_reviewer_records_a_decision_kept_apart_from_the_recommendation() -> None:
    _, ref = _hand_over({"violence_fixation": "yes"})
    at = _open(ref)
    at.radio(key=f"decide.{ref}.decision").set_value("agree").run()
    at.button(key=f"decide.{ref}.save").click().run()
    assert not at.exception
    saved = Store().get(ref, actor="test")
    assert saved.status == "reviewed" and saved.outcome == "prevent_lead_advice"
    assert saved.reviews[0]["decision"] == "agree"


def test_lowering_the_route_needs_a_reason_and_a_sign_off() -> None:
    _, ref = _hand_over({"violence_fixation": "yes"})
    at = _open(ref)
    at.radio(key=f"decide.{ref}.decision").set_value("change_route").run()
    at.selectbox(key=f"decide.{ref}.route").set_value("consider_safeguarding").run()
    assert any("sign-off" in w.value for w in at.warning)
    at.text_area(key=f"decide.{ref}.reason").input("Known to the school, already supported").run()
    at.button(key=f"decide.{ref}.save").click().run()
    assert "ST008" in " ".join(e.value for e in at.error)
    assert Store().get(ref, actor="test").status == "submitted"
    at.text_input(key=f"decide.{ref}.signed").input("Head of housing").run()
    at.button(key=f"decide.{ref}.save").click().run()
    saved = Store().get(ref, actor="test")
    assert saved.reviews[0]["route"] == "consider_safeguarding"
    assert saved.reviews[0]["signed_off_by"] == "Head of housing"


def test_the_store_down_at_hand_over_keeps_the_result_and_the_numbers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_DATABASE_URL",
                       "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    at = complete({"justifies_violence": "yes"})
    at.button(key="handover.save.0").click().run()
    assert not at.exception
    errors = " ".join(e.value for e in at.error)
    assert "ST001" in errors and "your answers are still on this screen" in errors
    assert at.title[0].value  # the recommendation is still shown
    assert "01702" in " ".join(m.value for m in at.markdown)  # and the Prevent Lead's number
    assert os.environ["SCREENING_DATABASE_URL"].startswith("postgresql")


def test_queue_csv_neutralises_spreadsheet_formulas() -> None:
    assert neutral_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [neutral_cell(v) for v in ("+1", "-1", "@SUM(A1)", "\tx", "housing")] == \
        ["'+1", "'-1", "'@SUM(A1)", "'\tx", "housing"]
    rows = list(csv.reader(io.StringIO(to_csv(["Team"], [["=1+1"], ["youth"]]).decode("utf-8-sig"))))
    assert rows == [["Team"], ["'=1+1"], ["youth"]]


def test_dashboard_draws_outcomes_changes_and_waiting_times() -> None:
    _, ref = _hand_over({"violence_fixation": "yes"})
    Store().review(ref, actor="lead", decision="agree", route="prevent_lead_advice", reason="",
                   signed_off_by=None, lowers=False)
    at = AppTest.from_file(str(ROOT / "ui" / "dashboard.py"), default_timeout=30).run()
    assert not at.exception
    assert len(at.get("vega_lite_chart")) == 3
    assert [m.label for m in at.metric] == ["Reviews that changed the route",
                                            "Median days from hand-over to review"]
