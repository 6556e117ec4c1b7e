"""The frontline journey, driven headless with Streamlit's AppTest.

Titles, questions and numbers are read from the rule file, so these tests check that the screen
shows what the YAML says, not what the tests happen to remember.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import screening
from screening.exports import summary

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "app.py")
RULES = screening.load(ROOT / "rules")
EMERGENCY, LEAD = RULES.emergency_contact.phone, RULES.default_contact.phone


@pytest.fixture(autouse=True)
def _shipped_rules(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_RULES", raising=False)


def start() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    return at


def texts(at: AppTest) -> str:
    """Every piece of text on the page, main area and sidebar."""
    parts: list[str] = []
    for kind in ("title", "header", "subheader", "markdown", "caption", "error", "warning", "info",
                 "success", "code"):
        parts += [str(e.value) for e in getattr(at, kind)]
    parts += [r.label for r in at.radio]
    text = re.sub(r"\\(.)", r"\1", "\n".join(parts))  # undo Markdown escaping
    return text.replace("\u00a0", " ")


def title(at: AppTest) -> str:
    return at.title[0].value


def qid(key: str) -> str:
    return key.rsplit(".", 1)[1]


def answer_page(at: AppTest, answers: dict[str, str] | None = None, default: str | None = "no") -> AppTest:
    """Answer every question on this page (``default`` for those not named), then Next."""
    answers = answers or {}
    for r in at.radio:
        value = answers.get(qid(r.key), default)
        if value is not None:
            r.set_value(value)
    return at.button(key="nav.next").click().run()


def to_account(at: AppTest, answers: dict[str, str]) -> AppTest:
    while at.radio:
        before = title(at)
        answer_page(at, answers)
        assert not at.exception
        assert title(at) != before, f"stuck on {before!r}: {texts(at)}"
    assert title(at) == "What happened"
    return at


def fill_account(at: AppTest, noticed: str = "Said attacks on a group were deserved.") -> AppTest:
    at.text_area(key="account.0.noticed_what").input(noticed)
    at.text_area(key="account.0.alternative_explanations").input("Was angry after an argument")
    at.selectbox(key="account.0.age_band").select("16 to 17")
    at.text_input(key="account.0.screener_role").input("Housing officer")
    return at.button(key="nav.next").click().run()


def complete(answers: dict[str, str]) -> AppTest:
    at = to_account(start(), answers)
    fill_account(at)
    assert title(at) == "Check your answers"
    at.button(key="nav.next").click().run()
    assert not at.exception
    return at


@pytest.mark.parametrize(("answers", "outcome"), [
    ({"justifies_violence": "yes"}, "contact_prevent_lead"),
    ({"researches_attacks": "yes", "rejects_violence": "yes"}, "contact_prevent_lead"),
    ({"violence_fixation": "yes"}, "prevent_lead_advice"),
    ({"us_and_them": "yes", "isolated": "yes"}, "prevent_lead_advice"),
    ({"isolated": "yes", "money_stress": "yes"}, "consider_safeguarding"),
    ({"us_and_them": "yes"}, "consider_safeguarding"),
    ({}, "no_prevent_concern"),
])
def test_each_outcome_reached_by_clicking_through(answers: dict[str, str], outcome: str) -> None:
    at = complete(answers)
    want = RULES.outcome(outcome)
    assert title(at) == want.title
    page = texts(at)
    assert want.what_to_do[0] in page
    assert RULES.contact(want.contact).phone in page
    assert RULES.version in page and RULES.sha256[:12] in page


def test_gate_yes_jumps_straight_to_emergency_screen_then_can_be_recorded() -> None:
    at = start()
    gate = RULES.outcome("emergency")
    at.radio(key="answer.0.named_target").set_value("yes").run()
    assert title(at) == gate.title
    page = texts(at)
    assert all(step in page for step in gate.what_to_do)
    assert f"Call [{EMERGENCY}]" in page and LEAD in page
    at.button(key="nav.record").click().run()
    assert title(at) == "What happened"
    fill_account(at)
    at.button(key="nav.next").click().run()
    assert title(at) == gate.title  # the result page keeps the emergency route


def test_back_from_emergency_screen_clears_the_mistaken_yes_and_asks_again() -> None:
    at = start()
    at.radio(key="answer.0.imminent_travel").set_value("no").run()
    at.radio(key="answer.0.imminent_danger").set_value("yes").run()
    assert title(at) == RULES.outcome("emergency").title
    at.button(key="nav.back").click().run()
    assert title(at) == RULES.factors[0].title
    assert at.radio(key="answer.0.imminent_danger").value is None  # no answer selected
    assert at.radio(key="answer.0.imminent_travel").value == "no"  # the other answers are kept
    assert "imminent_danger" not in at.session_state["journey"].answers
    note = "Your answer Yes was cleared because you said it was a mistake"
    assert note in texts(at)
    answer_page(at, {"imminent_danger": None})  # Next without it: it must be answered again
    assert title(at) == RULES.factors[0].title
    assert f"{summary.md(RULES.indicator('imminent_danger').question)}" in "\n".join(
        e.value for e in at.error)
    at.radio(key="answer.0.imminent_danger").set_value("no").run()
    assert note not in texts(at)
    at.button(key="nav.next").click().run()
    assert title(at) == RULES.factor("engagement").title


def _lower_the_route_then_back_to_check(answers: dict[str, str], chosen: str) -> AppTest:
    """Complete a screening, record a less serious route with its sign-off, go back to Check."""
    at = complete(answers)
    at.selectbox(key="departure.0.outcome").select(chosen).run()
    at.text_area(key="departure.0.reason").input("Known to the school; the remark was a quoted lyric")
    at.text_input(key="departure.0.agreed_by").input("Safeguarding Officer")
    at.checkbox(key="departure.0.confirmed").check()
    at.button(key="departure.save").click().run()
    assert at.session_state["journey"].departure is not None
    at.button(key="nav.back").click().run()
    assert title(at) == "Check your answers"
    return at


def _change(at: AppTest, factor: str, answers: dict[str, str]) -> AppTest:
    """Change on the check page: new answers on that factor's page, back to Check."""
    at.button(key=f"change.{factor}").click().run()
    for k, v in answers.items():
        at.radio(key=f"answer.0.{k}").set_value(v)
    at.button(key="nav.next").click().run()
    assert title(at) == "Check your answers"
    return at


def test_a_decision_is_cleared_when_the_answers_change_and_asked_again() -> None:
    # the case: lower the route, then change answers until the tool recommends that route
    at = _lower_the_route_then_back_to_check({"us_and_them": "yes", "isolated": "yes"},
                                             "consider_safeguarding")
    _change(at, "personal_circumstances", {"isolated": "no"})
    at.button(key="nav.next").click().run()
    support, advice = RULES.outcome("consider_safeguarding").title, RULES.outcome("prevent_lead_advice").title
    assert title(at) == support
    j = at.session_state["journey"]
    assert j.departure is None
    assert (f"Your earlier decision to choose {support} instead of {advice} was cleared because you "
            "changed your answers; decide again.") in texts(at)
    assert at.selectbox(key="departure.0.outcome") is not None  # asked again: the form is open
    md = _markdown_export(at)
    assert "The worker chose" not in md and "quoted lyric" not in md
    # deciding again records a new decision, on these answers, and the note goes
    at.selectbox(key="departure.0.outcome").select("contact_prevent_lead")
    at.text_area(key="departure.0.reason").input("They named a banned group's leader as a hero")
    at.button(key="departure.save").click().run()
    j = at.session_state["journey"]
    assert j.departure is not None and j.departure.recommended == "consider_safeguarding"
    assert "was cleared because" not in texts(at)
    assert f"The tool recommended {support}. The worker chose" in _markdown_export(at)


def test_any_change_of_answer_clears_the_decision_even_with_the_same_recommendation() -> None:
    at = _lower_the_route_then_back_to_check({"us_and_them": "yes", "isolated": "yes"}, "no_prevent_concern")
    _change(at, "protective", {"trusted_adult": "yes"})  # protective: never changes the route
    at.button(key="nav.next").click().run()
    assert title(at) == RULES.outcome("prevent_lead_advice").title
    assert at.session_state["journey"].departure is None
    assert "was cleared because you changed your answers" in texts(at)


def test_answers_changed_and_changed_back_keep_the_decision() -> None:
    at = _lower_the_route_then_back_to_check({"us_and_them": "yes", "isolated": "yes"}, "no_prevent_concern")
    _change(at, "personal_circumstances", {"isolated": "no"})
    _change(at, "personal_circumstances", {"isolated": "yes"})
    at.button(key="nav.next").click().run()
    j = at.session_state["journey"]
    assert j.departure is not None and j.departure.outcome == "no_prevent_concern"
    assert "was cleared" not in texts(at)


def test_the_export_keeps_the_recommendation_the_worker_departed_from() -> None:
    at = _lower_the_route_then_back_to_check({"us_and_them": "yes", "isolated": "yes"}, "no_prevent_concern")
    at.button(key="nav.next").click().run()
    from ui.result import record_of
    record = record_of(RULES, at.session_state["journey"])
    a = screening.evaluate(RULES, record.answers)
    body = json.loads(summary.to_json(RULES, a, record))
    d = body["record"]["departure"]
    assert d["recommended"] == "prevent_lead_advice" and d["ruleset_sha256"] == RULES.sha256
    assert summary.read_export(json.dumps(body).encode(), RULES).record.departure == record.departure
    advice = RULES.outcome("prevent_lead_advice").title
    assert f"The tool recommended {advice}. The worker chose" in _markdown_export(at)


def test_back_keeps_answers() -> None:
    at = start()
    answer_page(at, {"imminent_travel": "unknown"})
    assert title(at) == RULES.factor("engagement").title
    at.radio(key="answer.0.us_and_them").set_value("yes")
    at.radio(key="answer.0.closed_mindset").set_value("unknown")
    at.button(key="nav.back").click().run()
    assert title(at) == RULES.factor("immediate_risk").title
    assert at.radio(key="answer.0.imminent_travel").value == "unknown"
    assert at.radio(key="answer.0.imminent_danger").value == "no"
    at.button(key="nav.next").click().run()
    assert at.radio(key="answer.0.us_and_them").value == "yes"
    assert at.radio(key="answer.0.closed_mindset").value == "unknown"
    assert at.radio(key="answer.0.justifies_violence").value is None


def test_change_from_check_page_returns_to_it() -> None:
    at = to_account(start(), {})
    fill_account(at)
    assert title(at) == "Check your answers"
    at.button(key="change.engagement").click().run()
    assert title(at) == RULES.factor("engagement").title
    assert at.radio(key="answer.0.praises_attackers").value == "no"
    at.radio(key="answer.0.praises_attackers").set_value("yes")
    at.button(key="nav.next").click().run()
    assert title(at) == "Check your answers"
    assert f"{RULES.indicator('praises_attackers').question} **Yes**" in texts(at)
    at.button(key="change.account").click().run()
    assert at.text_area(key="account.0.noticed_what").value.startswith("Said attacks")
    at.button(key="nav.next").click().run()
    assert title(at) == "Check your answers"
    at.button(key="nav.next").click().run()
    assert title(at) == RULES.outcome("contact_prevent_lead").title


def test_missing_answers_show_the_error_summary() -> None:
    at = start()
    at.radio(key="answer.0.imminent_danger").set_value("no")
    at.button(key="nav.next").click().run()
    assert title(at) == RULES.factors[0].title
    summary_box = at.error[-1].value if "There is a problem" in at.error[-1].value else \
        next(e.value for e in at.error if "There is a problem" in e.value)
    for ind in RULES.factors[0].indicators[1:]:
        assert ind.question in summary_box
    assert RULES.factors[0].indicators[0].question not in summary_box
    answer_page(at)  # answering the rest clears the problem and moves on
    assert "There is a problem" not in texts(at)
    assert title(at) == RULES.factor("engagement").title


def test_account_needs_what_was_noticed() -> None:
    at = to_account(start(), {})
    at.button(key="nav.next").click().run()
    assert title(at) == "What happened"
    assert "There is a problem" in texts(at)


def banner(at: AppTest) -> str:
    """The contact line in the main area (the sidebar is folded away on a phone)."""
    return texts_of(at.main.markdown)


def texts_of(elements: object) -> str:
    return re.sub(r"\\(.)", r"\1", "\n".join(str(e.value) for e in elements)).replace("\u00a0", " ")


def test_contacts_on_every_step() -> None:
    at = start()
    seen = 0
    while True:
        page = texts(at)
        assert EMERGENCY in page and LEAD in page, title(at)
        assert "If in doubt, call the" in page
        assert f"In an emergency call **[{EMERGENCY}]" in banner(at), title(at)
        assert LEAD in banner(at), title(at)
        seen += 1
        if at.radio:
            answer_page(at, {})
        elif title(at) == "What happened":
            fill_account(at)
        elif title(at) == "Check your answers":
            at.button(key="nav.next").click().run()
        else:
            break
    assert seen == len(RULES.factors) + 3  # every factor, the account, the check page, the result


def _copy_rules(tmp_path: Path) -> Path:
    dest = tmp_path / "rules"
    shutil.copytree(ROOT / "rules", dest, ignore=shutil.ignore_patterns("tests"))
    return dest


def test_broken_rules_show_the_problem_and_still_the_numbers(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _copy_rules(tmp_path)
    with (rules / "ruleset.yaml").open("a") as f:
        f.write("\nbroken: [this list is never closed\n")
    monkeypatch.setenv("SCREENING_RULES", str(rules))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    page = texts(at)
    assert "RS002" in page
    assert "999" in page and "01702 546 366" in page
    assert "Traceback" not in page


def test_question_wording_comes_from_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "ruleset.yaml"
    old = RULES.indicator("imminent_danger").question
    path.write_text(path.read_text().replace(old, "Could somebody be hurt in the next hour?"))
    from rulefiles import approve_as_shipped
    approve_as_shipped(rules)  # an edited danger question goes live only once approved (CK030)
    monkeypatch.setenv("SCREENING_RULES", str(rules))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.radio(key="answer.0.imminent_danger").label == "Could somebody be hurt in the next hour?"
    assert old not in texts(at)


def test_departure_needs_a_reason_and_is_kept_in_the_summary() -> None:
    at = complete({"isolated": "yes"})
    assert title(at) == RULES.outcome("consider_safeguarding").title
    at.selectbox(key="departure.0.outcome").select("prevent_lead_advice")
    at.button(key="departure.save").click().run()
    assert "There is a problem" in texts(at)
    assert at.session_state["journey"].departure is None
    at.text_area(key="departure.0.reason").input("They also talked about a banned group's leader")
    at.button(key="departure.save").click().run()
    j = at.session_state["journey"]
    assert j.departure is not None and j.departure.outcome == "prevent_lead_advice"
    assert "banned group" in texts(at)
    assert title(at) == RULES.outcome("consider_safeguarding").title  # the recommendation is kept

    from ui.result import record_of
    record = record_of(RULES, j)
    assessment = screening.evaluate(RULES, record.answers)
    md = summary.to_markdown(RULES, assessment, record)
    assert "banned group" in md.replace("\\", "")
    assert record.age_band == "16 to 17" and record.screener_role == "Housing officer"


def _markdown_export(at: AppTest) -> str:
    from ui.result import record_of
    record = record_of(RULES, at.session_state["journey"])
    return summary.to_markdown(RULES, screening.evaluate(RULES, record.answers), record).replace("\\", "")


def test_a_one_word_reason_is_not_enough() -> None:
    at = complete({"isolated": "yes"})
    at.selectbox(key="departure.0.outcome").select("prevent_lead_advice")
    at.text_area(key="departure.0.reason").input("  ok  ")
    at.button(key="departure.save").click().run()
    assert "There is a problem" in texts(at) and "at least 10 characters" in texts(at)
    assert at.session_state["journey"].departure is None


def test_lowering_the_route_needs_who_agreed_it_and_a_confirmation() -> None:
    at = complete({"us_and_them": "yes", "isolated": "yes"})
    assert title(at) == RULES.outcome("prevent_lead_advice").title
    at.selectbox(key="departure.0.outcome").select("no_prevent_concern")
    at.text_area(key="departure.0.reason").input("Known to the school; the remark was a quoted lyric")
    at.button(key="departure.save").click().run()
    page = texts(at)
    assert "There is a problem" in page
    assert "Say who agreed this: their role, not their name" in page
    assert "Confirm you have agreed this with your supervisor or the Prevent Lead" in page
    assert "Give your reason" not in page  # the reason was fine
    assert at.session_state["journey"].departure is None
    # the role alone is not enough: the worker must also confirm
    at.text_input(key="departure.0.agreed_by").input("Safeguarding Officer")
    at.button(key="departure.save").click().run()
    assert "Confirm you have agreed this" in texts(at) and "Say who agreed this" not in texts(at)
    assert at.session_state["journey"].departure is None
    at.checkbox(key="departure.0.confirmed").check()
    at.button(key="departure.save").click().run()
    assert not at.exception
    j = at.session_state["journey"]
    assert j.departure is not None and j.departure.outcome == "no_prevent_concern"
    assert j.departure.agreed_by == "Safeguarding Officer"
    page = texts(at)
    assert "There is a problem" not in page
    assert "Agreed by: **Safeguarding Officer**" in page
    assert "lowered (less serious than the recommendation), agreed by Safeguarding Officer" in page
    assert title(at) == RULES.outcome("prevent_lead_advice").title  # the recommendation is kept
    md = _markdown_export(at)
    assert "agreed by Safeguarding Officer" in md and "quoted lyric" in md


def test_raising_the_route_needs_only_a_reason() -> None:
    at = complete({"isolated": "yes"})
    at.selectbox(key="departure.0.outcome").select("contact_prevent_lead")
    at.text_area(key="departure.0.reason").input("They named a banned group's leader as a hero")
    at.button(key="departure.save").click().run()
    j = at.session_state["journey"]
    assert j.departure is not None and j.departure.outcome == "contact_prevent_lead"
    assert j.departure.agreed_by == ""
    assert not at.checkbox and "Who agreed this" not in [t.label for t in at.text_input]
    assert "The route was raised" in _markdown_export(at)


def test_moving_away_from_an_emergency_keeps_the_999_warning() -> None:
    at = start()
    at.radio(key="answer.0.named_target").set_value("yes").run()
    at.button(key="nav.record").click().run()
    fill_account(at)
    at.button(key="nav.next").click().run()
    assert title(at) == RULES.outcome("emergency").title
    assert "999 is still the right call if anyone is in danger" in texts(at)
    at.selectbox(key="departure.0.outcome").select("consider_safeguarding")
    at.text_area(key="departure.0.reason").input("The named person has already been told by police")
    at.button(key="departure.save").click().run()
    assert at.session_state["journey"].departure is None  # lowering: who agreed it is required
    at.text_input(key="departure.0.agreed_by").input("Prevent Lead")
    at.checkbox(key="departure.0.confirmed").check()
    at.button(key="departure.save").click().run()
    j = at.session_state["journey"]
    assert j.departure is not None and j.departure.agreed_by == "Prevent Lead"
    assert "999 is still the right call if anyone is in danger" in texts(at)


def test_start_a_new_screening_clears_everything() -> None:
    at = complete({"isolated": "yes"})
    at.button(key="nav.restart").click().run()
    assert title(at) == RULES.factors[0].title
    assert all(r.value is None for r in at.radio)
    j = at.session_state["journey"]
    assert j.answers == {} and j.account == {} and j.step == 0


def test_unexpected_error_is_calm_and_keeps_the_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.questions

    def boom(*args: object) -> None:
        raise RuntimeError("simulated failure")

    monkeypatch.setattr(ui.questions, "factor_page", boom)
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    page = texts(at)
    assert "Something went wrong" in page and "simulated failure" not in page
    assert EMERGENCY in page and LEAD in page


def test_rules_failing_a_safeguard_proof_cannot_start_a_screening(monkeypatch: pytest.MonkeyPatch) -> None:
    # a rule set where circumstances alone reach a Prevent outcome is refused, saying why
    monkeypatch.setenv("SCREENING_RULES", str(ROOT / "tests" / "broken" / "ck001_context_alone"))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    page = texts(at)
    assert "CK001" in page and "is reached with no gate, engagement, intent or capability sign" in page
    assert "999" in page and "01702 546 366" in page
    assert not [r for r in at.radio], "no question may be asked under a rule set that failed a proof"


def test_review_page_shows_the_contacts_in_the_main_area() -> None:
    at = start()
    at.switch_page("ui/review.py").run()
    assert not at.exception
    assert EMERGENCY in banner(at) and LEAD in banner(at)


def test_emergency_screen_keeps_the_banner() -> None:
    at = start()
    at.radio(key="answer.0.imminent_danger").set_value("yes").run()
    assert title(at) == RULES.outcome("emergency").title
    assert EMERGENCY in banner(at) and LEAD in banner(at)


def test_failing_callback_is_calm_keeps_answers_and_numbers(monkeypatch: pytest.MonkeyPatch) -> None:
    import ui.nav

    at = start()
    at.radio(key="answer.0.imminent_danger").set_value("no").run()

    def boom(*args: object) -> bool:
        raise RuntimeError("simulated failure in a callback")

    monkeypatch.setattr(ui.nav, "is_emergency", boom)
    at.radio(key="answer.0.named_target").set_value("no").run()
    assert not at.exception
    page = texts(at)
    assert "Something went wrong" in page and "simulated failure" not in page
    assert EMERGENCY in page and LEAD in page
    assert at.session_state["journey"].answers["imminent_danger"] == "no"


def test_broken_rules_show_this_councils_number_not_another(tmp_path: Path,
                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "ruleset.yaml"
    path.write_text(path.read_text().replace(LEAD, "01234 567 890") + "\nbroken: [never closed\n")
    monkeypatch.setenv("SCREENING_RULES", str(rules))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert not at.exception
    page = texts(at)
    assert "RS002" in page and "01234 567 890" in page and EMERGENCY in page
    assert LEAD not in page


def test_streamlit_never_shows_error_details() -> None:
    # 'false' is a legacy value that Streamlit 1.67 reads as "show the stack trace"
    import tomllib

    config = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())
    assert config["client"]["showErrorDetails"] == "none"


def test_age_band_that_disagrees_with_the_under_18_answer_is_flagged() -> None:
    at = to_account(start(), {"under_18": "no"})
    fill_account(at)  # chooses the age band "16 to 17"
    assert title(at) == "Check your answers"
    question = RULES.indicator("under_18").question
    warnings = [w.value for w in at.warning]
    assert any("You chose the age band '16 to 17' but answered 'No'" in w and question in w
               for w in warnings), warnings


def test_age_band_that_agrees_is_not_flagged() -> None:
    at = to_account(start(), {"under_18": "yes"})
    fill_account(at)
    assert not [w for w in at.warning if "You chose the age band" in w.value]


def test_account_wording_comes_from_the_yaml(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    rules = _copy_rules(tmp_path)
    path = rules / "ruleset.yaml"
    path.write_text(path.read_text().replace("label: What did you notice?",
                                             "label: Tell us what you saw or heard")
                    .replace("unknown: Don't know", "unknown: Not sure"))
    monkeypatch.setenv("SCREENING_RULES", str(rules))
    at = AppTest.from_file(APP, default_timeout=30).run()
    assert at.radio[0].options == ["Yes", "No", "Not sure"]
    at = to_account(at, {})
    assert at.text_area(key="account.0.noticed_what").label == "Tell us what you saw or heard"
    assert "What did you notice?" not in texts(at)


def test_right_to_left_override_cannot_reverse_what_a_reader_sees() -> None:
    """'THIS IS FACT' stored backwards behind U+202E shows as the characters typed, on every page."""
    from screening.text import BIDI_CONTROLS

    at = to_account(start(), {"justifies_violence": "yes"})
    at.text_area(key="account.0.how_known").input("\u202eTCAF SI SIHT\u202c")
    at = fill_account(at, noticed="Said \u2067attacks\u2069 were deserved \u202eTCAF SI SIHT")
    for page in ("Check your answers", RULES.outcome("contact_prevent_lead").title):
        if page != "Check your answers":
            at.button(key="nav.next").click().run()
        assert title(at) == page
        shown = texts(at)
        assert "TCAF SI SIHT" in shown, page
        assert not set(shown) & BIDI_CONTROLS, page
