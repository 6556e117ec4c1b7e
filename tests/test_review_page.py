"""AppTest for 'Open a screening file': upload, refuse tampered files, and show the replay."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rulefiles import copy_rules, new_version
from streamlit.testing.v1 import AppTest

from screening import evaluate, load
from screening.exports import summary
from screening.exports.export import KEY_ENV, KEYS_ENV, canonical, integrity
from screening.record import Departure, ScreeningRecord
from screening.rules import register

PAGE = str(Path(__file__).resolve().parents[1] / "ui" / "review.py")
ANSWERS = {"us_and_them": "yes", "isolated": "yes", "trusted_adult": "yes"}


@pytest.fixture(autouse=True)
def shipped_rules(monkeypatch, tmp_path):
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    monkeypatch.delenv(KEY_ENV, raising=False)
    monkeypatch.delenv(KEYS_ENV, raising=False)
    monkeypatch.setenv(register.REGISTER_ENV, str(tmp_path / "register"))


def export(departure: Departure | None = None, noticed: str = "Said [x](http://evil) <b>loud</b>") -> bytes:
    rs = load()
    rec = ScreeningRecord(answers=ANSWERS, screener_role="youth worker", noticed_what=noticed,
                          departure=departure)
    return summary.to_json(rs, evaluate(rs, ANSWERS), rec).encode()


def upload(data: bytes, name: str = "screening.json", mime: str = "application/json") -> AppTest:
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    at.file_uploader(key="review.upload").set_value((name, data, mime)).run()
    assert not at.exception
    return at


def plain(text: str) -> str:
    """Markdown without its escapes, to compare with catalogue wording."""
    return text.replace("\\", "")


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
    seal = plain(at.info[0].value)
    assert seal.startswith("**The file's integrity check passed**: it has not been changed since it "
                           "was exported, unless whoever changed it also recomputed the check.")
    assert "detects accidental or casual changes only, not who made the file" in seal


def test_keyed_file_says_it_is_sealed_with_the_councils_key(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "council-export-key-0123456789abcdef")
    at = upload(export())
    seal = plain(at.success[1].value)
    assert seal.startswith("**The file's integrity check passed with the council's export key**")
    assert "sealed with the council's export key" in seal
    assert "it has not been changed since it was exported" in seal
    assert "not who made the file" not in " ".join(i.value for i in at.info)


def test_every_answer_is_listed_by_factor_in_journey_order_with_the_journeys_labels():
    from ui.state import ordered_factors

    rs = load()
    answers = {**ANSWERS, "imminent_danger": "no", "money_stress": "unknown"}
    rec = ScreeningRecord(answers=answers, noticed_what="Said the group is to blame")
    at = upload(summary.to_json(rs, evaluate(rs, answers), rec).encode())
    assert any(h.value == "Every answer, by factor" for h in at.header)  # h2 under the page's h1 (axe)
    text = plain(all_markdown(at))
    labels = rs.wording.answer_labels
    unanswered = f"Not answered (counts as {labels.unknown})"
    where = -1
    for factor in ordered_factors(rs):  # each factor's title, then its questions, in journey order
        where = text.index(f"**{factor.title}**", where + 1)
        for ind in factor.indicators:
            given = answers.get(ind.id)
            shown = {"yes": labels.yes, "no": labels.no, "unknown": labels.unknown}.get(given, unanswered)
            where = text.index(f"- {ind.question} — **{shown}**", where + 1)
    assert f"— **{labels.unknown}**" in text and f"— **{labels.no}**" in text


def test_a_file_of_another_type_is_refused_in_words():
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not list(at.file_uploader(key="review.upload").proto.type)  # the browser lets any through
    at = upload(b"%PDF-1.4 a summary", name="screening-summary.pdf", mime="application/pdf")
    assert len(at.error) == 1
    error = plain(at.error[0].value)
    assert error.startswith("**EX002**: this file is not a screening export: 'screening-summary.pdf' "
                            "is a .pdf file, and a screening is opened from the .json file saved "
                            "from its result page")
    assert not at.success


def test_a_file_with_no_type_is_refused_in_words():
    at = upload(export(), name="screening", mime="application/octet-stream")
    assert "'screening' is a file with no type in its name" in plain(at.error[0].value)


def test_a_file_too_large_is_refused_with_its_size_and_the_limit():
    from screening.exports.opening import MAX_BYTES

    at = upload(b" " * (MAX_BYTES + 500_000))
    error = plain(at.error[0].value)
    assert "EX002" in error
    assert "it is 2.5 MB (2,500,000 bytes), and the largest screening file this tool opens is 2 MB" in error
    assert "at most 2 MB" in plain(" ".join(c.value for c in at.caption))  # said before any upload


def test_a_file_whose_decision_departs_from_another_recommendation_is_refused():
    from screening.record import answers_fingerprint

    rs = load()
    other = {"justifies_violence": "yes"}
    a = evaluate(rs, other)  # the decision was made when the tool said contact_prevent_lead
    d = Departure(outcome="no_prevent_concern", reason="Known to the school; a quoted lyric",
                  agreed_by="Safeguarding Officer", recommended=a.outcome, ruleset_sha256=rs.sha256,
                  answers_sha256=answers_fingerprint(a.answer_map))
    at = upload(export(d))
    assert len(at.error) == 1
    error = plain(at.error[0].value)
    assert error.startswith("**EX019**: the worker's decision to choose 'no_prevent_concern' departs "
                            "from the recommendation 'contact_prevent_lead', but the file's stored "
                            "recommendation is 'prevent_lead_advice'")
    assert not at.success and "Talk it through" not in all_markdown(at)


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
    register.record(load())  # the rules it was made with are on record: a real change of rules
    folder = copy_rules(tmp_path / "rules", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()})
    monkeypatch.setenv("SCREENING_RULES", str(folder))
    at = upload(data)
    warning = at.warning[0].value
    assert "The rules have changed since this screening was made" in warning
    assert "Contact the Prevent Lead today" in warning and "Talk it through with the Prevent Lead" in warning
    assert any("replay" in e.label for e in at.expander)

    assert "cannot verify" not in " ".join(w.value for w in at.warning)


def test_replay_under_rules_not_on_record_says_cannot_verify_not_rules_changed(tmp_path, monkeypatch):
    data = export()  # made with the shipped rules, which this (empty) register has no record of
    folder = copy_rules(tmp_path / "rules", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()})
    monkeypatch.setenv("SCREENING_RULES", str(folder))
    at = upload(data)
    warnings = plain(" ".join(w.value for w in at.warning))
    assert "**EX012**: cannot verify: this installation has no record of the rule set it names" in warnings
    assert "Under today's rules the same answers give **Contact the Prevent Lead today" in warnings
    assert "rules have changed" not in warnings and "rules have changed" not in all_markdown(at)
    assert "python -m screening register add RULES" in warnings  # setting names keep their case
    assert not at.success and not at.error


def _strong_rules(tmp_path):
    return load(copy_rules(tmp_path / "strong", {
        "extremist_material, recruits_others]": "extremist_material, recruits_others, us_and_them]",
        **new_version()}))


def _forged(other) -> bytes:
    """The issue's forgery without a key: the stored outcome lowered and another rule set named."""
    def forge(b):
        for block in (b["ruleset"], b["assessment"]["ruleset"]):
            block.update(id=other.id, version=other.version, sha256=other.sha256)
        b["assessment"]["outcome"] = "consider_safeguarding"
        for f in b["assessment"]["fired"]:
            if f["decisive"]:
                f["outcome"] = "consider_safeguarding"
    return resealed(forge)


def test_forged_file_naming_a_registered_rule_set_is_refused_as_altered(tmp_path):
    strong = _strong_rules(tmp_path)
    register.record(strong)
    at = upload(_forged(strong))
    assert len(at.error) == 1 and "EX011" in at.error[0].value
    assert "rules held in this installation" in at.error[0].value
    assert "the recommendation was 'consider_safeguarding'" in plain(at.error[0].value)
    assert "rules have changed" not in " ".join(w.value for w in at.warning)
    assert not at.success and "The worker followed" not in all_markdown(at)


def test_forged_file_naming_an_unregistered_rule_set_cannot_be_verified(tmp_path):
    at = upload(_forged(_strong_rules(tmp_path)))  # the strong rules were never recorded
    warnings = plain(" ".join(w.value for w in at.warning))
    assert "cannot verify: this installation has no record of the rule set it names" in warnings
    assert "rules have changed" not in warnings and not at.success
    # the lowered claim is shown as the file's claim only, beside today's checked replay
    then = load().outcome("consider_safeguarding").title
    assert f"the file says the worker was told **{then}**" in warnings
    assert "the same answers give **Talk it through with the Prevent Lead" in warnings


def test_a_genuine_file_from_registered_older_rules_shows_the_rules_changed(tmp_path):
    strong = _strong_rules(tmp_path)
    register.record(strong)
    rec = ScreeningRecord(answers=ANSWERS, screener_role="youth worker", noticed_what="Said it")
    at = upload(summary.to_json(strong, evaluate(strong, ANSWERS), rec).encode())
    assert not at.error
    warning = at.warning[0].value
    assert "The rules have changed since this screening was made" in warning
    assert "Talk it through with the Prevent Lead" in warning and "Contact the Prevent Lead today" in warning


def test_the_app_records_todays_rules_so_their_files_replay_later(tmp_path):
    from ui import state

    state._load.clear()  # the app loads rules once per content; this test wants that first load
    upload(export())
    assert register.find(load().sha256) is not None


def test_a_short_export_key_is_shown_calmly_before_any_upload(monkeypatch):
    monkeypatch.setenv(KEY_ENV, "too-short")
    at = AppTest.from_file(PAGE, default_timeout=30).run()
    assert not at.exception
    assert len(at.error) == 1 and "EX014" in at.error[0].value
    assert "9 bytes long; a key must be at least 32 bytes" in at.error[0].value
    assert "too\\-short" not in at.error[0].value and "too-short" not in at.error[0].value
    assert not at.get("file_uploader")


def test_a_file_sealed_with_an_older_key_says_so(monkeypatch):
    old, new = "0ld-council-key-" + "O" * 24, "n3w-council-key-" + "N" * 24
    monkeypatch.setenv(KEY_ENV, old)
    data = export()
    monkeypatch.delenv(KEY_ENV)
    monkeypatch.setenv(KEYS_ENV, f"2026:{new},2025:{old}")
    at = upload(data)
    assert "integrity check passed with an older council export key (2025)" in at.success[1].value
    monkeypatch.setenv(KEYS_ENV, f"2026:{new}")
    at = upload(data)
    assert len(at.error) == 1 and "EX009" in at.error[0].value and "retired" in at.error[0].value


def test_a_short_export_key_replaces_the_json_download_on_the_result_page(monkeypatch):
    """Export refuses a weak key calmly: the catalogue message where the JSON button would be."""
    from test_app import complete

    monkeypatch.setenv(KEY_ENV, "too-short")
    at = complete({"us_and_them": "yes", "isolated": "yes"})
    assert not at.exception
    errors = plain(" ".join(e.value for e in at.error))
    assert "EX014" in errors and "9 bytes long; a key must be at least 32 bytes" in errors
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download PDF", "Download Markdown"]  # the other downloads remain


def test_in_the_browser_a_wrong_or_too_large_file_is_refused_in_words(page, app_url):
    """The real uploader: Streamlit's own refusal (a small icon and 'application/pdf files are not
    allowed') never happens; the file reaches the page, which says why in words."""
    from playwright.sync_api import expect

    from screening.exports.opening import MAX_BYTES

    page.set_default_timeout(60_000)
    page.goto(f"{app_url}/review")
    chooser = page.locator("input[type=file]")
    chooser.set_input_files(files=[{"name": "screening-summary.pdf", "mimeType": "application/pdf",
                                    "buffer": b"%PDF-1.4 a summary"}])
    expect(page.get_by_text("'screening-summary.pdf' is a .pdf file", exact=False)).to_be_visible()
    expect(page.get_by_text("files are not allowed", exact=False)).to_have_count(0)
    chooser.set_input_files(files=[{"name": "screening.json", "mimeType": "application/json",
                                    "buffer": b" " * (MAX_BYTES * 3 // 2)}])
    expect(page.get_by_text("it is 3 MB (3,000,000 bytes), and the largest screening file this tool "
                            "opens is 2 MB", exact=False)).to_be_visible()
    expect(page.get_by_text("File is too large", exact=False)).to_have_count(0)
