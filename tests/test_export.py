"""The JSON export: round trip, integrity (plain and keyed), cross-checks of every copy, refusal of
malformed files with EX codes (never a traceback), and replay under changed rules."""

from __future__ import annotations

import json
import random
import tomllib
from pathlib import Path

import pytest
from rulefiles import copy_rules, new_version, shipped_version

from screening import ScreeningError, evaluate, load
from screening.exports import summary
from screening.exports.export import KEY_ENV, KEYS_ENV, canonical, integrity, key_id, keyed_integrity
from screening.exports.opening import MAX_BYTES
from screening.record import Departure, ScreeningRecord
from screening.rules import register

ANSWERS = {"us_and_them": "yes", "isolated": "yes", "trusted_adult": "yes", "imminent_danger": "no"}
HOSTILE = '[x](http://evil) <script>"quote"</script> \\ `tick` \n newline £ 😀 \u0000 \ud7ff'


KEY = "council-export-key-0123456789abcdef"


@pytest.fixture(scope="module")
def rs():
    return load()


@pytest.fixture(autouse=True)
def no_key(monkeypatch, tmp_path):
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYS_ENV, raising=False)
    monkeypatch.setenv("SCREENING_REGISTER", str(tmp_path / "register"))  # never the real one


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
                               "effective_date": rs.meta.effective_date.isoformat()}
    assert body["integrity"] == {"algorithm": "sha256", "value": integrity(body)}
    assert len(body["integrity"]["value"]) == 64


def test_round_trip_through_read_export(rs):
    rec, a = make(rs, departure=Departure(outcome="consider_safeguarding", reason=HOSTILE))
    opened = summary.read_export(summary.to_json(rs, a, rec).encode(), rs)
    assert opened.record == rec
    assert opened.stored_assessment == a
    assert opened.same_rules and opened.made_with_sha256 == rs.sha256
    assert not opened.replay.changed and opened.replay.outcome == a.outcome == "prevent_lead_advice"


def test_who_agreed_a_lowered_route_survives_the_round_trip(rs):
    d = Departure(outcome="consider_safeguarding", reason="Spoke to the DSL, known context",
                  agreed_by="Safeguarding Officer")
    rec, a = make(rs, departure=d)
    body = json.loads(summary.to_json(rs, a, rec))
    assert body["record"]["departure"]["agreed_by"] == "Safeguarding Officer"
    opened = summary.read_export(summary.to_json(rs, a, rec).encode(), rs)
    assert opened.record.departure == d


def test_an_old_export_without_agreed_by_still_opens(rs):
    """Files made before sign-off was recorded have no agreed_by, and may hold a short reason."""
    def old(b):
        b["record"]["departure"] = {"outcome": "consider_safeguarding", "reason": "DSL ok"}
    opened = summary.read_export(_resealed(rs, old), rs)
    d = opened.record.departure
    assert d is not None and d.agreed_by == "" and d.reason == "DSL ok"
    n = summary.narrative(rs, opened.stored_assessment, opened.record)
    assert "lowered without a recorded sign-off" in n.departure


def test_an_unknown_field_in_the_departure_is_still_refused(rs):
    def extra(b):
        b["record"]["departure"] = {"outcome": "consider_safeguarding", "reason": "spoke to the DSL",
                                    "agreed_by": "Prevent Lead", "signed": True}
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, extra), rs)
    assert code_of(e) == "EX005" and "record.departure.signed" in e.value.problems[0].message


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


@pytest.mark.parametrize("version", [True, 1.0, "1", {"a": "x" * 500}])
def test_format_version_must_be_the_integer_one(rs, version):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, lambda b: b.update(format_version=version)), rs)
    assert code_of(e) == "EX004" and len(e.value.problems[0].message) < 160


def test_exported_at_must_be_text(rs):
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, lambda b: b.update(exported_at=["x"])), rs)
    assert code_of(e) == "EX005" and "exported_at: it is not a date and time" in e.value.problems[0].message


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
    def add(b):
        for answers in (b["answers"], b["record"]["answers"], b["assessment"]["answers"]):
            answers["made_up"] = "no"
    with pytest.raises(ScreeningError) as e:
        summary.read_export(_resealed(rs, add), rs)
    assert code_of(e) == "EX006" and "'made_up' is not one of its questions" in e.value.problems[0].message


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
    # removing a question may break the rules' stable contract (a proof); the replay must cope anyway
    changed = load(copy_rules(tmp_path / "rules", {
        "      - id: stable_housing\n        question: Do they have stable housing?\n"
        "        definition: A settled, secure place to live.\n"
        "        example: They have had the same tenancy for five years.\n": ""}), check=False)
    opened = summary.read_export(export(rs, answers={**ANSWERS, "stable_housing": "yes"}).encode(), changed)
    assert opened.replay.dropped == ("stable_housing",)
    assert not opened.replay.changed


# --- refused, never a traceback: malformed files --------------------------------------------------

def refused(rs, data: bytes) -> tuple[str, str]:
    with pytest.raises(ScreeningError) as e:
        summary.read_export(data, rs)
    return code_of(e), e.value.problems[0].message


@pytest.mark.parametrize(("data", "words"), [
    (b"[" * 100_000 + b"]" * 100_000, "nested far deeper than any screening export"),
    (b'{"a":' * 100_000, "nested far deeper than any screening export"),
    (b"[" * 40 + b"]" * 40, "nested more than 16 levels deep"),  # parses, but nothing may walk it
    (b'{"format_version": ' + b"9" * 5000 + b"}", "a number 5,000 digits long"),
    (b'{"format": "prevent-screening-export", "n": -' + b"1" * 4301 + b"}", "a number 4,302 digits long"),
    (b'{"format": "\\ud800"}', "not valid Unicode (a lone surrogate"),
    (b'{"\\udfff": 1}', "not valid Unicode (a lone surrogate"),
    (b'{"format_version": NaN}', "it holds NaN, which is not a number"),
    (b'{"format_version": -Infinity}', "it holds -Infinity, which is not a number"),
    (b'{"format_version": 1e999}', "a number too large to read"),
    (b'{"format": "prevent-screening-export", "format": "x"}', "the name 'format' appears twice"),
])
def test_hostile_json_is_refused_with_ex001(rs, data, words):
    code, message = refused(rs, data)
    assert code == "EX001"
    assert message.startswith("this screening file cannot be opened: ") and words in message


def test_lone_surrogate_inside_a_real_export_is_refused_not_crashed(rs):
    text = export(rs).replace('"screener_role": "youth worker"', '"screener_role": "youth \\ud800 worker"')
    assert "\\ud800" in text
    code, message = refused(rs, text.encode())
    assert code == "EX001" and "not valid Unicode" in message


def test_oversized_file_is_refused_before_parsing(rs):
    code, message = refused(rs, b" " * (MAX_BYTES + 1))
    assert code == "EX002" and "2,000,001 bytes" in message


def test_uploader_limit_lets_a_too_large_file_reach_the_words_that_refuse_it():
    config = tomllib.loads((Path(__file__).resolve().parents[1] / ".streamlit" / "config.toml").read_text())
    mb = config["server"]["maxUploadSize"]
    # Streamlit's browser side counts an MB as 10^6 bytes (2^20 on Windows), its server as 2^20.  A
    # file somewhat over MAX_BYTES must reach read_export, which says its size and the limit (EX002),
    # rather than be stopped by the browser's icon; the cap still bounds what a session can hold.
    assert MAX_BYTES * 4 <= mb * 1_000_000 <= 10_000_000


def _mutations(body, rng):
    """Replace one value anywhere in the tree with something of another type."""
    paths = []
    stack = [((), body)]
    while stack:
        path, node = stack.pop()
        paths.append(path)
        items = node.items() if isinstance(node, dict) else enumerate(node) if isinstance(node, list) else ()
        stack.extend(((*path, k), v) for k, v in items)
    path = rng.choice(paths[1:])
    parent = body
    for k in path[:-1]:
        parent = parent[k]
    parent[path[-1]] = rng.choice([None, True, 0, -1, 1.5, "", "yes", "made_up", [], {}, [1], {"a": None},
                                   "x" * 300, "\u0000", "😀"])


def test_random_damage_is_refused_or_read_never_crashes(rs):
    """Random edits (resealed, so they get past the integrity check) and random byte damage."""
    rng = random.Random(20261202)
    text = export(rs)
    for _ in range(300):
        body = json.loads(text)
        _mutations(body, rng)
        if isinstance(body.get("integrity"), dict):
            body["integrity"]["value"] = integrity(body)
        try:
            summary.read_export(json.dumps(body).encode(), rs)
        except ScreeningError as e:
            assert e.problems[0].code.startswith("EX")
    raw = bytearray(text.encode())
    for _ in range(300):
        damaged = bytearray(raw)
        for _ in range(rng.randint(1, 4)):
            damaged[rng.randrange(len(damaged))] = rng.randrange(256)
        try:
            summary.read_export(bytes(damaged), rs)
        except ScreeningError as e:
            assert e.problems[0].code.startswith("EX")


# --- every copy in the file must agree (EX010) ----------------------------------------------------

@pytest.mark.parametrize(("change", "words"), [
    (lambda b: b["record"]["answers"].update(us_and_them="no"),
     "'us_and_them' is 'no' in the worker's record but 'yes' in the answers"),
    (lambda b: b["record"]["answers"].update(money_stress="yes"),
     "'money_stress' is 'yes' in the worker's record but 'unknown' in the answers"),
    (lambda b: b["answers"].update(isolated="no"),
     "'isolated' is 'no' in the answers but 'yes' in the stored result"),
    (lambda b: b["assessment"]["answers"].update(isolated="no"),
     "'isolated' is 'yes' in the answers but 'no' in the stored result"),
    (lambda b: (b["answers"].update(money_stress="no"), b["assessment"]["answers"].update(money_stress="no")),
     "'money_stress' is 'no' in the answers but was not answered in the worker's record"),
    (lambda b: b.update(started_at="2026-01-01T00:00:00+00:00"),
     "started_at is '2026-01-01T00:00:00+00:00' in the file but '2026-12-02T10:00:00+00:00' in the worker's"),
    (lambda b: b["ruleset"].update(sha256="0" * 64),
     "the file names rule set rochford_prevent_screening version"),
    (lambda b: b["assessment"]["ruleset"].update(version="9.9.9"),
     "but the stored result names rochford_prevent_screening version 9.9.9"),
])
def test_copies_that_disagree_are_refused(rs, change, words):
    code, message = refused(rs, _resealed(rs, change))
    assert code == "EX010", message
    assert message.startswith("the file's copies of") and words in message


def _forge_answers(rs, b, answers):
    """Change the answers consistently in every copy, with the stored result the rules give."""
    full = evaluate(rs, answers)
    b["answers"] = dict(full.answers)
    b["record"]["answers"] = answers
    b["assessment"] = full.to_dict()


def _swap_outcome(b, outcome):
    b["assessment"]["outcome"] = outcome
    for f in b["assessment"]["fired"]:
        if f["decisive"]:
            f["outcome"] = outcome


def _other_rules_hash(b):
    b["ruleset"]["sha256"] = b["assessment"]["ruleset"]["sha256"] = "f" * 64


def test_stored_result_that_does_not_fit_its_own_answers_is_refused_under_any_rules(rs):
    def evidence(b):
        _other_rules_hash(b)
        b["assessment"]["fired"][0]["evidence"][0]["answer"] = "no"
    code, message = refused(rs, _resealed(rs, evidence))
    assert code == "EX010" and "relied on 'us_and_them' being 'no', but it is 'yes'" in message

    def made_up(b):
        _other_rules_hash(b)
        b["assessment"]["outcome"] = "made_up"
    code, message = refused(rs, _resealed(rs, made_up))
    assert code == "EX010"
    assert "decided 'prevent_lead_advice' but the recommendation stored is 'made_up'" in message

    def yes_list(b):
        _other_rules_hash(b)
        b["assessment"]["yes_by_factor"] = {}
    code, message = refused(rs, _resealed(rs, yes_list))
    assert code == "EX010" and "its list of yes answers is not the answers given yes" in message

    def unknowns(b):
        _other_rules_hash(b)
        b["assessment"]["unknowns"] = b["assessment"]["unknowns"][1:]
    code, message = refused(rs, _resealed(rs, unknowns))
    assert code == "EX010" and "questions still to check" in message

    def no_decider(b):
        _other_rules_hash(b)
        for f in b["assessment"]["fired"]:
            f["decisive"] = False
    code, message = refused(rs, _resealed(rs, no_decider))
    assert code == "EX010" and "none decided the recommendation" in message


def test_stored_result_under_rules_not_on_record_opens_as_cannot_verify(rs, tmp_path):
    """Rules we do not hold cannot be re-run: a self-consistent trace opens, marked unverified."""
    def other(b):
        _other_rules_hash(b)
        _swap_outcome(b, "contact_prevent_lead")
    opened = summary.read_export(_resealed(rs, other), rs, register=tmp_path / "empty")
    assert not opened.same_rules and opened.made_with is None
    note = opened.unverified
    assert note is not None and note.code == "EX012"
    assert note.message.startswith("cannot verify: this installation has no record of the rule set it names")
    assert "sha256 ffffffffffff" in note.message
    assert opened.replay.stored_outcome == "contact_prevent_lead"
    assert opened.replay.outcome == "prevent_lead_advice"


def test_todays_rules_need_no_register_and_are_verified(rs, tmp_path):
    opened = summary.read_export(export(rs).encode(), rs, register=tmp_path / "empty")
    assert opened.made_with is rs and opened.unverified is None


# --- made with today's rules: the stored result must be what they give (EX011) ---------------------

def _step(b):
    b["assessment"]["additional_steps"].append("adult_social_care")


@pytest.mark.parametrize(("change", "words"), [
    (lambda b: _swap_outcome(b, "made_up"), "'made_up' is not one of its outcomes"),
    (lambda b: _swap_outcome(b, "contact_prevent_lead"),
     "the file says the recommendation was 'contact_prevent_lead', but these answers give "
     "'prevent_lead_advice'"),
    (lambda b: b["assessment"]["fired"][1].update(rule="made_up_rule"),
     "'made_up_rule' is not one of its rules"),
    (lambda b: b["assessment"]["fired"].pop(), "the file lists the rules that fired as "
     "'weaker_signs_with_circumstances', 'weaker_sign_alone', but these answers fire "
     "'weaker_signs_with_circumstances', 'weaker_sign_alone', 'circumstances_only'"),
    (_step, "the file lists the additional steps as 'adult_social_care', but these answers add none"),
    (lambda b: b["assessment"]["fired"][0].update(because="Something else."), "the stored reasons, evidence"),
    (lambda b: b["assessment"].update(could_become=None), "what could change the route"),
    (lambda b: b["record"].update(departure={"outcome": "made_up", "reason": "x"}),
     "the worker's chosen route 'made_up' is not one of its outcomes"),
    (lambda b: (b["ruleset"].update(version="0.1"), b["assessment"]["ruleset"].update(version="0.1")),
     "the file calls them rochford_prevent_screening version 0.1"),
    (lambda b: [d.pop("money_stress") for d in (b["answers"], b["assessment"]["answers"])]
     and b["assessment"]["unknowns"].remove("money_stress"),
     "it leaves out the question 'money_stress'"),
])
def test_stored_result_that_todays_rules_do_not_give_is_refused(rs, change, words):
    code, message = refused(rs, _resealed(rs, change))
    assert code == "EX011", message
    assert message.startswith("the file was made with today's rules (rochford_prevent_screening version")
    assert "which always give the same result for the same answers" in message and words in message


def test_consistent_forgery_without_a_key_is_not_detected_by_design(rs):
    """Documented limit: without a key, someone who re-runs the rules can forge a whole file."""
    forged = _resealed(rs, lambda b: _forge_answers(rs, b, {**ANSWERS, "us_and_them": "no"}))
    opened = summary.read_export(forged, rs)
    assert opened.answers["us_and_them"] == "no" and not opened.keyed


# --- keyed integrity (SCREENING_EXPORT_KEY) -------------------------------------------------------

def test_keyed_export_is_hmac_and_round_trips(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    body = json.loads(export(rs))
    assert body["integrity"]["algorithm"] == "hmac-sha256"
    assert body["integrity"]["value"] == keyed_integrity(body, KEY.encode())
    assert len(body["integrity"]["key_id"]) == 16 and body["integrity"]["key_id"] not in KEY
    assert KEY not in json.dumps(body)
    opened = summary.read_export(json.dumps(body).encode(), rs)
    assert opened.keyed and opened.same_rules


def test_key_with_surrounding_spaces_is_the_same_key_and_blank_is_none(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    text = export(rs)
    monkeypatch.setenv(KEY_ENV, f"  {KEY}\n")
    assert summary.read_export(text.encode(), rs).keyed
    monkeypatch.setenv(KEY_ENV, "   ")
    assert json.loads(export(rs))["integrity"]["algorithm"] == "sha256"


def test_keyed_file_forged_with_a_recomputed_hash_is_refused(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    body = json.loads(export(rs))
    _forge_answers(rs, body, {**ANSWERS, "us_and_them": "no"})
    body["integrity"]["value"] = integrity(body)  # all a forger without the key can compute
    code, message = refused(rs, json.dumps(body).encode())
    assert code == "EX003" and "changed after it was exported" in message
    body["integrity"] = {"algorithm": "sha256", "value": integrity(body)}
    code, message = refused(rs, json.dumps(body).encode())
    assert code == "EX007"
    assert "only a plain checksum, which anyone who edits a file can recompute" in message


def test_record_edit_with_a_key_is_refused(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    body = json.loads(export(rs))
    body["record"]["screener_role"] = "someone else"
    code, _ = refused(rs, json.dumps(body).encode())
    assert code == "EX003"


def test_plain_file_is_refused_when_a_key_is_set(rs, monkeypatch):
    text = export(rs)
    monkeypatch.setenv(KEY_ENV, KEY)
    code, message = refused(rs, text.encode())
    assert code == "EX007"
    assert "set up to open only files sealed with the council's export key" in message


def test_file_sealed_with_another_key_is_refused(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, "another-councils-key-fedcba9876543210")
    text = export(rs)
    monkeypatch.setenv(KEY_ENV, KEY)
    code, message = refused(rs, text.encode())
    assert code == "EX009"
    other = key_id(b"another-councils-key-fedcba9876543210")
    assert f"sealed with export key {other}, which this tool does not hold" in message


def test_keyed_file_is_refused_when_no_key_is_set(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, KEY)
    text = export(rs)
    monkeypatch.delenv(KEY_ENV)
    code, message = refused(rs, text.encode())
    assert code == "EX008"
    assert "sealed with an export key, but this tool has no export key set up" in message


# --- the rules a file was made with, from the register of published rule sets --------------------

def _strong_us_and_them(tmp_path):
    """Rules under which 'us and them' talk is a stronger sign (a different rule set and hash)."""
    return load(copy_rules(tmp_path / "strong", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()}))


def _claim_rules(b, other):
    """Say the file was made with ``other`` (id, version and hash in both copies)."""
    for block in (b["ruleset"], b["assessment"]["ruleset"]):
        block.update(id=other.id, version=other.version, sha256=other.sha256)


def test_forged_lower_outcome_naming_another_registered_rule_set_is_refused_as_altered(rs, tmp_path):
    """The issue's forgery, no key: lower the stored outcome and name other rules. Never 'rules changed'."""
    strong = _strong_us_and_them(tmp_path)
    register.record(strong)

    def forge(b):
        _claim_rules(b, strong)
        _swap_outcome(b, "consider_safeguarding")
    code, message = refused(rs, _resealed(rs, forge))
    assert code == "EX011", message
    assert message.startswith("the file was made with rules held in this installation's register "
                              f"(rochford_prevent_screening version {strong.version})")
    assert "the file says the recommendation was 'consider_safeguarding', but these answers give" in message


def test_forged_hash_alone_is_refused_under_the_registered_rules(rs, tmp_path):
    """Only the hash changed: the registered rules give another result, so the file was altered."""
    strong = _strong_us_and_them(tmp_path)
    register.record(strong)
    code, message = refused(rs, _resealed(rs, lambda b: _claim_rules(b, strong)))
    assert code == "EX011" and "but these answers give 'contact_prevent_lead'" in message


def test_forged_lower_outcome_naming_an_unregistered_rule_set_cannot_be_verified(rs, tmp_path):
    strong = _strong_us_and_them(tmp_path)  # loaded, never recorded

    def forge(b):
        _claim_rules(b, strong)
        _swap_outcome(b, "consider_safeguarding")
    opened = summary.read_export(_resealed(rs, forge), rs)
    assert opened.made_with is None and opened.unverified is not None
    assert opened.unverified.code == "EX012" and opened.unverified.severity.value == "warning"
    assert f"({rs.id} version {strong.version}, sha256 {strong.sha256[:12]}...)" in opened.unverified.message
    assert opened.replay.outcome == "prevent_lead_advice"  # today's replay is still checked


def test_a_genuine_file_made_with_registered_older_rules_is_verified_under_them(rs, tmp_path):
    strong = _strong_us_and_them(tmp_path)
    register.record(strong)
    rec, a = make(strong)
    text = summary.to_json(strong, a, rec)
    opened = summary.read_export(text.encode(), rs)
    assert opened.unverified is None and opened.made_with is not None
    assert opened.made_with.sha256 == strong.sha256 and not opened.same_rules
    assert opened.replay.stored_outcome == "contact_prevent_lead"
    assert opened.replay.changed and opened.replay.outcome == "prevent_lead_advice"
    # and the same file, lowered, is refused under those registered rules
    body = json.loads(text)
    _swap_outcome(body, "prevent_lead_advice")
    body["integrity"]["value"] = integrity(body)
    code, _ = refused(rs, canonical(body))
    assert code == "EX011"


def test_answers_unknown_to_the_registered_rules_are_refused(rs, tmp_path):
    strong = _strong_us_and_them(tmp_path)
    register.record(strong)

    def add(b):
        _claim_rules(b, strong)
        for answers in (b["answers"], b["record"]["answers"], b["assessment"]["answers"]):
            answers["made_up"] = "no"
    code, message = refused(rs, _resealed(rs, add))
    assert code == "EX006" and "'made_up' is not one of its questions" in message


def test_a_damaged_register_entry_refuses_the_file_it_would_vouch_for(rs, tmp_path):
    strong = _strong_us_and_them(tmp_path)
    entry = register.record(strong)
    blob = register.register_dir() / "files" / entry.ruleset_file
    blob.write_bytes(blob.read_bytes().replace(b"us_and_them]", b"us_and_them, closed_mindset]", 1))
    code, message = refused(rs, _resealed(rs, lambda b: _claim_rules(b, strong)))
    assert code == "EX013" and "one of its files was changed after it was recorded" in message


# --- unknown names are refused (EX016) -----------------------------------------------------------

@pytest.mark.parametrize(("change", "words"), [
    (lambda b: b.update(note="trust me"), "the top level of the file holds 'note'"),
    (lambda b: b["ruleset"].update(approved=True), "the block ruleset holds 'approved'"),
    (lambda b: b["assessment"].update(override="emergency"), "the block assessment holds 'override'"),
    (lambda b: b["assessment"]["ruleset"].update(x=1), "the block assessment.ruleset holds 'x'"),
    (lambda b: b["assessment"]["fired"][0].update(weight=3), "the block assessment.fired[0] holds 'weight'"),
    (lambda b: b["assessment"]["fired"][0]["evidence"][0].update(note="x"),
     "the block assessment.fired[0].evidence[0] holds 'note'"),
    (lambda b: b["assessment"]["could_become"].update(x=1), "the block assessment.could_become holds 'x'"),
    (lambda b: b["alternatives"][0].update(x=1), "the block alternatives[0] holds 'x'"),
    (lambda b: b["alternatives"][0]["changes"][0].update(x=1),
     "the block alternatives[0].changes[0] holds 'x'"),
    (lambda b: b.update({"x" * 500: 1}), "holds '" + "x" * 40 + "...'"),
])
def test_unknown_names_are_refused(rs, change, words):
    code, message = refused(rs, _resealed(rs, change))
    assert code == "EX016", message
    assert words in message and message.endswith("which is not part of a screening export")


def test_unknown_names_in_the_integrity_block_are_refused(rs, monkeypatch):
    """The integrity block is outside the seal, so nothing may ride along in it."""
    body = json.loads(export(rs))
    body["integrity"]["note"] = "genuine"
    code, message = refused(rs, json.dumps(body).encode())
    assert code == "EX016" and "the block integrity holds 'note'" in message
    body = json.loads(export(rs))
    body["integrity"]["key_id"] = "0" * 16  # a plain checksum has no key
    code, message = refused(rs, json.dumps(body).encode())
    assert code == "EX016" and "holds 'key_id'" in message
    monkeypatch.setenv(KEY_ENV, KEY)
    body = json.loads(export(rs))
    body["integrity"]["extra"] = 1
    code, _ = refused(rs, json.dumps(body).encode())
    assert code == "EX016"


# --- export keys: length, settings, rotation ------------------------------------------------------

NEW, OLD = "n3w-council-key-" + "N" * 24, "0ld-council-key-" + "O" * 24


def test_a_key_shorter_than_32_bytes_is_refused_to_export_and_open(rs, monkeypatch):
    plain = export(rs)
    monkeypatch.setenv(KEY_ENV, "x" * 31)
    with pytest.raises(ScreeningError) as e:
        export(rs)
    assert code_of(e) == "EX014"
    assert e.value.problems[0].message == ("the export key in SCREENING_EXPORT_KEY is 31 bytes long; a key "
                                           "must be at least 32 bytes")
    assert "x" * 31 not in str(e.value)
    code, _ = refused(rs, plain.encode())
    assert code == "EX014"
    monkeypatch.setenv(KEY_ENV, "x" * 32)
    assert json.loads(export(rs))["integrity"]["algorithm"] == "hmac-sha256"


@pytest.mark.parametrize(("env", "words"), [
    ({KEYS_ENV: "no-colon-here-" + "k" * 32}, "entry 1 is not written label:key"),
    ({KEYS_ENV: f"new:{NEW},bad!:{OLD}"}, "the label of entry 2 is not"),
    ({KEYS_ENV: f"a:{NEW},a:{OLD}"}, "the label 'a' is used twice"),
    ({KEYS_ENV: f"a:{NEW},b:{NEW}"}, "'a' and 'b' are the same key"),
    ({KEYS_ENV: f"a:{NEW}", KEY_ENV: OLD}, "both are set, so which key seals is unclear"),
])
def test_a_key_setting_that_cannot_be_read_is_refused(rs, monkeypatch, env, words):
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    with pytest.raises(ScreeningError) as e:
        export(rs)
    assert code_of(e) == "EX015" and words in e.value.problems[0].message
    assert NEW not in str(e.value) and OLD not in str(e.value)


def test_rotation_newest_seals_older_still_verify_retired_is_refused(rs, monkeypatch):
    monkeypatch.setenv(KEY_ENV, OLD)
    made_with_old = export(rs)  # before rotation: the single key
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv(KEYS_ENV, f"2026:{NEW}, 2025:{OLD}")
    made_with_new = export(rs)
    body = json.loads(made_with_new)
    assert body["integrity"]["key_id"] == key_id(NEW.encode())
    assert body["integrity"]["value"] == keyed_integrity(body, NEW.encode())
    fresh = summary.read_export(made_with_new.encode(), rs)
    assert fresh.keyed and fresh.key_label == "2026" and not fresh.older_key
    older = summary.read_export(made_with_old.encode(), rs)
    assert older.keyed and older.key_label == "2025" and older.older_key
    monkeypatch.setenv(KEYS_ENV, f"2027:{'z' * 40}\n2026:{NEW}")  # 2025 retired
    assert summary.read_export(made_with_new.encode(), rs).older_key
    code, message = refused(rs, made_with_old.encode())
    assert code == "EX009" and f"export key {key_id(OLD.encode())}, which this tool does not hold" in message
    assert "a key retired from this one" in message


def test_a_file_naming_a_held_key_but_sealed_with_another_is_changed(rs, monkeypatch):
    monkeypatch.setenv(KEYS_ENV, f"2026:{NEW},2025:{OLD}")
    body = json.loads(export(rs))
    body["integrity"]["key_id"] = key_id(OLD.encode())
    code, _ = refused(rs, json.dumps(body).encode())
    assert code == "EX003"
