"""The JSON export: round trip, integrity, refusal with EX codes, and replay under changed rules."""

from __future__ import annotations

import json

import pytest
from rulefiles import copy_rules, new_version, shipped_version

from screening import ScreeningError, evaluate, load, summary
from screening.export import canonical, integrity
from screening.record import Departure, ScreeningRecord

ANSWERS = {"us_and_them": "yes", "isolated": "yes", "trusted_adult": "yes", "imminent_danger": "no"}
HOSTILE = '[x](http://evil) <script>"quote"</script> \\ `tick` \n newline £ 😀 \u0000 \ud7ff'


@pytest.fixture(scope="module")
def rs():
    return load()


def make(rs, answers=ANSWERS, **kw):
    rec = ScreeningRecord(answers=answers, screener_role="youth worker", noticed_what=HOSTILE,
                          started_at="2026-12-02T10:00:00+00:00", completed_at="2026-12-02T10:20:00+00:00",
                          **kw)
    return rec, evaluate(rs, answers)


def export(rs, **kw) -> str:
    rec, a = make(rs, **kw)
    return summary.to_json(rs, a, rec, exported_at="2026-12-02T11:00:00+00:00")


def code_of(excinfo) -> str:
    return excinfo.value.problems[0].code


def test_json_has_answers_record_trace_provenance_and_integrity(rs):
    body = json.loads(export(rs))
    assert body["format_version"] == 1 and body["exported_at"] == "2026-12-02T11:00:00+00:00"
    assert body["answers"]["us_and_them"] == "yes" and body["answers"]["money_stress"] == "unknown"
    assert body["record"]["noticed_what"] == HOSTILE
    assert body["assessment"]["outcome"] == "prevent_lead_advice"
    assert body["assessment"]["fired"][0]["evidence"]
    assert body["ruleset"] == {"id": rs.id, "version": rs.version, "sha256": rs.sha256,
                               "effective_date": "2026-12-01"}
    assert body["integrity"] == {"algorithm": "sha256", "value": integrity(body)}
    assert len(body["integrity"]["value"]) == 64


def test_round_trip_through_read_export(rs):
    rec, a = make(rs, departure=Departure(outcome="consider_safeguarding", reason=HOSTILE))
    opened = summary.read_export(summary.to_json(rs, a, rec).encode(), rs)
    assert opened.record == rec
    assert opened.stored_assessment == a
    assert opened.same_rules and opened.made_with_sha256 == rs.sha256
    assert not opened.replay.changed and opened.replay.outcome == a.outcome == "prevent_lead_advice"


def test_formatting_does_not_matter_but_content_does(rs):
    body = json.loads(export(rs))
    reformatted = json.dumps(body, indent=None, sort_keys=True).encode()
    assert summary.read_export(reformatted, rs).same_rules


def test_one_changed_byte_in_an_answer_is_refused(rs):
    text = export(rs)
    needle = '"us_and_them": "yes"'
    assert needle in text  # top-level answers come first
    tampered = text.replace(needle, '"us_and_them": "yeS"', 1)
    assert len(tampered) == len(text)
    with pytest.raises(ScreeningError) as e:
        summary.read_export(tampered.encode(), rs)
    assert code_of(e) == "EX003"
    assert "changed after it was exported" in e.value.problems[0].message


def test_recomputed_hash_is_not_detected_by_design(rs):
    """Documented limit: without a key, a determined editor can recompute the hash."""
    body = json.loads(export(rs))
    body["record"]["screener_role"] = "someone else"
    body["integrity"]["value"] = integrity(body)
    assert summary.read_export(json.dumps(body).encode(), rs).record.screener_role == "someone else"


@pytest.mark.parametrize(("data", "code"), [
    (b"{not json", "EX001"),
    (b"\xff\xfe\x00garbage", "EX001"),
    (b"[1, 2]", "EX002"),
    (b'{"format": "something-else"}', "EX002"),
    (b"", "EX001"),
])
def test_malformed_files_are_refused(rs, data, code):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(data, rs)
    assert code_of(e) == code
    assert e.value.problems[0].message.startswith(("this screening file cannot be opened",
                                                   "this file is not a screening export"))


def _resealed(rs, change) -> bytes:
    body = json.loads(export(rs))
    change(body)
    body["integrity"]["value"] = integrity(body)
    return canonical(body)


def test_other_format_version_is_refused(rs):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, lambda b: b.update(format_version=99)), rs)
    assert code_of(e) == "EX004" and "version 99" in e.value.problems[0].message


def test_missing_integrity_is_refused(rs):
    body = json.loads(export(rs))
    del body["integrity"]
    with pytest.raises(ScreeningError) as e:
        summary.read_export(json.dumps(body).encode(), rs)
    assert code_of(e) == "EX002"


def test_invalid_answer_value_is_refused_even_when_resealed(rs):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, lambda b: b["answers"].update(isolated="maybe")), rs)
    assert code_of(e) == "EX005" and "answers.isolated" in e.value.problems[0].message


def test_invalid_record_is_refused(rs):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, lambda b: b["record"].update(surname="Smith")), rs)
    assert code_of(e) == "EX005" and "record.surname" in e.value.problems[0].message


def test_unknown_question_under_the_same_rules_is_refused(rs):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, lambda b: b["answers"].update(made_up="yes")), rs)
    assert code_of(e) == "EX006"


def test_replay_detects_changed_outcome_when_rules_change(rs, tmp_path):
    text = export(rs)
    # the policy team makes "us and them" talk a stronger sign: the same answers now go further
    changed = load(copy_rules(tmp_path / "rules", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()}))
    assert changed.sha256 != rs.sha256
    opened = summary.read_export(text.encode(), changed)
    assert not opened.same_rules and opened.made_with_version == shipped_version()
    assert opened.replay.changed
    assert opened.replay.stored_outcome == "prevent_lead_advice"
    assert opened.replay.outcome == "contact_prevent_lead"
    assert opened.replay.ruleset_version == shipped_version() + "-edited"


def test_replay_with_wording_change_only_is_unchanged(rs, tmp_path):
    changed = load(copy_rules(tmp_path / "rules", {"Are they socially isolated?": "Are they lonely?"}))
    opened = summary.read_export(export(rs).encode(), changed)
    assert not opened.same_rules and not opened.replay.changed


def test_replay_leaves_out_questions_removed_from_todays_rules(rs, tmp_path):
    changed = load(copy_rules(tmp_path / "rules", {
        "      - id: stable_housing\n        question: Do they have stable housing?\n"
        "        definition: A settled, secure place to live.\n"
        "        example: They have had the same tenancy for five years.\n": ""}))
    opened = summary.read_export(export(rs, answers={**ANSWERS, "stable_housing": "yes"}).encode(), changed)
    assert opened.replay.dropped == ("stable_housing",)
    assert not opened.replay.changed
