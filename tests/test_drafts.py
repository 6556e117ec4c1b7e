"""Drafts: saved at every step, resumed after a refresh (or on another server), Back by address.

AppTest stands in for the browser: a new AppTest with ``?draft=...&step=...`` is what a refresh or
a reopened tab sends; the test run's own store (tests/conftest.py) holds the drafts.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest
from test_access import council, signed_in  # noqa: F401  (council: a fixture)
from test_app import answer_page, start, texts, title

import screening
from screening.store import Store
from ui.state import ordered_factors

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
RULES = screening.load(ROOT / "rules")
FACTORS = ordered_factors(RULES)


def _two_steps() -> tuple[AppTest, str]:
    at = start()
    answer_page(at)  # the danger questions, all No
    answer_page(at, {"us_and_them": "yes"})
    assert title(at) == FACTORS[2].title
    ref = at.session_state["journey"].draft_reference
    assert ref, "no draft was saved"
    return at, ref


def _reopen(ref: str, step: int | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30)
    at.query_params["draft"] = ref
    if step is not None:
        at.query_params["step"] = str(step)
    at.run()
    assert not at.exception
    return at


def test_a_refresh_resumes_the_draft_where_the_worker_was() -> None:
    _, ref = _two_steps()
    saved = Store().get(ref, actor="local user")
    assert saved.status == "draft" and saved.step == 2
    assert saved.payload["journey"]["answers"]["us_and_them"] == "yes"
    at = _reopen(ref, 2)
    assert title(at) == FACTORS[2].title
    assert at.session_state["journey"].answers["us_and_them"] == "yes"
    assert f"Resumed your draft {ref}" in texts(at)


def test_the_address_step_moves_back_through_the_journey() -> None:
    at, _ref = _two_steps()
    at.query_params["step"] = "1"  # what the browser's Back button sends
    at.run()
    assert title(at) == FACTORS[1].title
    radios = {r.key.rsplit(".", 1)[1]: r.value for r in at.radio}
    assert radios["us_and_them"] == "yes"  # the answer given there is still there


def test_a_draft_under_older_rules_says_so_and_is_checked_again() -> None:
    store = Store()
    ref, _ = store.save_draft(
        actor="local user", team="", reference=None, step=1,
        payload={"journey": {"step": 1, "answers": {"imminent_danger": "no", "retired_question": "yes"},
                             "account": {}}},
        ruleset=(RULES.id, "0.9.0", "b" * 64))
    at = _reopen(ref)
    said = texts(at)
    assert "started under rules version 0.9.0" in said and "retired_question" in said
    assert "retired_question" not in at.session_state["journey"].answers


def test_someone_elses_draft_is_not_opened() -> None:
    ref, _ = Store().save_draft(actor="another worker", team="", reference=None, step=1,
                                payload={"journey": {"step": 1, "answers": {"isolated": "yes"}}},
                                ruleset=(RULES.id, RULES.version, RULES.sha256))
    at = _reopen(ref)
    assert "ST002" not in texts(at)  # the catalogue's words, not a code dump
    assert "no saved screening has the reference" in texts(at)
    assert at.session_state["journey"].answers == {}


def test_the_store_down_keeps_the_journey_and_says_it_is_not_saved(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_DATABASE_URL",
                       "postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    at = start()
    answer_page(at)
    assert not at.exception and title(at) == FACTORS[1].title
    assert "Not saved" in texts(at)
    assert at.session_state["journey"].draft_reference is None


def test_hand_over_submits_the_draft_itself() -> None:
    from test_app import fill_account, to_account

    at = to_account(start(), {"violence_fixation": "yes"})
    fill_account(at)
    at.button(key="nav.next").click().run()
    ref = at.session_state["journey"].draft_reference
    at.button(key="handover.save.0").click().run()
    assert not at.exception
    saved = Store().get(ref, actor="local user")
    assert saved.status == "submitted" and "export" in saved.payload


def test_a_download_of_a_saved_screening_is_in_the_audit_trail() -> None:
    from sqlalchemy import select
    from test_app import fill_account, to_account

    from screening.store.tables import audit
    from ui import handover

    at = to_account(start(), {"us_and_them": "yes"})
    fill_account(at)
    at.button(key="nav.next").click().run()
    ref = at.session_state["journey"].draft_reference
    store = Store()
    # the recorder the result page gave the PDF button, as the page made it (same journey, actor)
    with_session = at.session_state["journey"]
    import streamlit as st

    st.session_state["journey"] = with_session
    recorder = handover.export_recorder("pdf")
    assert recorder is not None
    recorder()
    with store.engine.connect() as c:
        rows = c.execute(select(audit.c.action, audit.c.detail).where(audit.c.reference == ref)).all()
    assert ("export", '{"kind": "pdf"}') in [(r.action, r.detail) for r in rows]


def test_a_fresh_start_offers_the_workers_own_unfinished_screenings() -> None:
    """Signed in again or opened from a bookmark, the address has no draft: the worker's own drafts are
    offered, and choosing one carries on where it was."""
    _, ref = _two_steps()
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    offer = [b for b in at.button if b.label.startswith(f"{ref}, saved")]
    assert offer and "at step 3" in offer[0].label
    offer[0].click().run()
    assert not at.exception
    assert title(at) == FACTORS[2].title
    assert at.session_state["journey"].answers["us_and_them"] == "yes"
    assert f"Resumed your draft {ref}" in texts(at)
    assert not [b for b in at.button if b.label.startswith(f"{ref}, saved")]  # no offer mid-journey


@pytest.mark.usefixtures("council")
def test_only_the_workers_own_drafts_are_offered() -> None:
    store = Store()
    rules = (RULES.id, RULES.version, RULES.sha256)
    theirs, _ = store.save_draft(actor="yan@council.example", team="Youth service", reference=None, step=2,
                                 payload={"journey": {"answers": {"us_and_them": "yes"}}}, ruleset=rules)
    mine, _ = store.save_draft(actor="fran.frontline@council.example", team="Housing", reference=None,
                               step=1, payload={"journey": {"answers": {}}}, ruleset=rules)
    at = signed_in("fran.frontline@council.example")
    labels = [b.label for b in at.button]
    assert any(label.startswith(f"{mine}, saved") for label in labels)
    assert not any(theirs in label for label in labels)
