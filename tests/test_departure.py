"""A departure records the recommendation it departed from: the model, the summaries, and the reader.

The worker's decision keeps the recommended outcome, the rules and a fingerprint of the answers it
was made on.  Summaries state "recommended Y; the worker chose X" from that record, never from a
later evaluation, and an opened export whose decision does not depart from its own stored result,
on its own answers, is refused (EX019).  The app side (clearing a stale decision) is in test_app.py.
"""

from __future__ import annotations

import json

import pytest
from pydantic import ValidationError

from screening import ScreeningError, evaluate, load
from screening.exports import summary
from screening.exports.export import KEY_ENV, KEYS_ENV, canonical, integrity
from screening.exports.narrative import narrative
from screening.record import Departure, ScreeningRecord, answers_fingerprint

ANSWERS = {"us_and_them": "yes", "isolated": "yes"}  # prevent_lead_advice
REASON = "Known to the school; the remark was a quoted lyric"


@pytest.fixture(scope="module")
def rs():
    return load()


@pytest.fixture(autouse=True)
def no_key(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYS_ENV, raising=False)
    monkeypatch.setenv("SCREENING_REGISTER", str(tmp_path / "register"))


def departure(rs, answers=ANSWERS, outcome="consider_safeguarding", **kw) -> Departure:
    """A decision as the app records it, on ``answers`` under ``rs``."""
    a = evaluate(rs, answers)
    fields = {"recommended": a.outcome, "ruleset_sha256": rs.sha256,
              "answers_sha256": answers_fingerprint(a.answer_map), **kw}
    return Departure(outcome=outcome, reason=REASON, agreed_by="Safeguarding Officer", **fields)


def exported(rs, d: Departure, answers=ANSWERS) -> bytes:
    rec = ScreeningRecord(answers=answers, noticed_what="Said the group is to blame", departure=d)
    return summary.to_json(rs, evaluate(rs, answers), rec).encode()


def refused(rs, data: bytes) -> str:
    with pytest.raises(ScreeningError) as e:
        summary.read_export(data, rs)
    assert e.value.problems[0].code == "EX019"
    return e.value.problems[0].message


def test_fingerprint_names_the_answers_not_their_order():
    assert answers_fingerprint({"a": "yes", "b": "no"}) == answers_fingerprint({"b": "no", "a": "yes"})
    assert answers_fingerprint({"a": "yes", "b": "no"}) != answers_fingerprint({"a": "yes", "b": "unknown"})


def test_a_departure_must_differ_from_the_recommendation_it_records(rs):
    with pytest.raises(ValidationError, match="is the recommendation itself"):
        departure(rs, outcome="prevent_lead_advice")


def test_what_it_departed_from_is_recorded_whole_or_not_at_all(rs):
    with pytest.raises(ValidationError, match="recorded only in part"):
        Departure(outcome="consider_safeguarding", reason=REASON, recommended="prevent_lead_advice")
    with pytest.raises(ValidationError):
        departure(rs, ruleset_sha256="not a hash")
    assert not Departure(outcome="consider_safeguarding", reason=REASON).recorded  # an older file


def test_made_on_tells_changed_answers_and_changed_rules(rs):
    d = departure(rs)
    a = evaluate(rs, ANSWERS)
    assert d.made_on(rs.sha256, a.answer_map)
    changed = evaluate(rs, {**ANSWERS, "trusted_adult": "yes"})  # same recommendation, other answers
    assert changed.outcome == a.outcome and not d.made_on(rs.sha256, changed.answer_map)
    assert not d.made_on("0" * 64, a.answer_map)


def test_summaries_state_the_recorded_recommendation_never_a_recomputed_one(rs):
    d = departure(rs)  # recorded: prevent_lead_advice
    rec = ScreeningRecord(answers={"us_and_them": "yes"}, departure=d)
    later = evaluate(rs, rec.answers)  # these answers would now give consider_safeguarding
    assert later.outcome == "consider_safeguarding"
    text = narrative(rs, later, rec).departure
    advice, support = rs.outcome("prevent_lead_advice").title, rs.outcome("consider_safeguarding").title
    assert text.startswith(f"The tool recommended {advice}. The worker chose a different route: {support}.")
    assert "lowered" in text  # lowering is judged against the recorded recommendation


def test_every_export_keeps_the_departed_from_recommendation(rs):
    d = departure(rs)
    rec = ScreeningRecord(answers=ANSWERS, departure=d)
    a = evaluate(rs, ANSWERS)
    advice = rs.outcome("prevent_lead_advice").title
    body = json.loads(summary.to_json(rs, a, rec))
    assert body["record"]["departure"]["recommended"] == "prevent_lead_advice"
    assert body["record"]["departure"]["answers_sha256"] == answers_fingerprint(body["answers"])
    md = summary.to_markdown(rs, a, rec).replace("\\", "")
    assert f"The tool recommended {advice}" in md
    opened = summary.read_export(json.dumps(body).encode(), rs)
    assert opened.record.departure == d


def test_a_decision_naming_another_recommendation_is_refused(rs):
    # made on answers that gave contact_prevent_lead, kept after they were changed: stale
    d = departure(rs, {"justifies_violence": "yes"}, outcome="no_prevent_concern")
    message = refused(rs, exported(rs, d))
    assert "departs from the recommendation 'contact_prevent_lead'" in message
    assert "the file's stored recommendation is 'prevent_lead_advice'" in message


def test_a_decision_made_on_other_answers_is_refused(rs):
    d = departure(rs, {**ANSWERS, "trusted_adult": "yes"})  # same recommendation, other answers
    assert "was made on other answers than the file holds" in refused(rs, exported(rs, d))


def test_a_decision_made_under_other_rules_is_refused(rs):
    d = departure(rs, ruleset_sha256="a" * 64)
    assert "was made under other rules" in refused(rs, exported(rs, d))


def test_an_old_file_whose_chosen_route_is_the_recommendation_is_refused(rs):
    d = Departure(outcome="prevent_lead_advice", reason=REASON)  # before the recommendation was kept
    message = refused(rs, exported(rs, d))
    assert "is the stored recommendation itself" in message


def test_an_edited_recommendation_in_a_resealed_file_is_refused(rs):
    body = json.loads(exported(rs, departure(rs)))
    body["record"]["departure"]["recommended"] = "contact_prevent_lead"
    body["integrity"]["value"] = integrity(body)
    assert "departs from the recommendation 'contact_prevent_lead'" in refused(rs, canonical(body))


def test_an_old_file_without_the_recommendation_still_opens(rs):
    d = Departure(outcome="consider_safeguarding", reason=REASON)
    opened = summary.read_export(exported(rs, d), rs)
    assert opened.record.departure == d
