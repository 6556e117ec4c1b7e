"""The narrative, Markdown and PDF summaries: non-isolating sentences, escaped free text, no score."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from pydantic import ValidationError

from screening import evaluate, load, summary
from screening.narrative import fairness_terms, statement
from screening.record import Departure, ScreeningRecord, is_lowering, reason_is_meaningful

HOSTILE = ("[x](http://evil) ![img](x) <script>alert(1)</script> </div> *bold* `code` ```fence``` "
           "\n# heading\n- item\n> quote\n1. one\n| a | b |\n:red[red] $x$ www.evil.com a@b.co ~~s~~")


@pytest.fixture(scope="module")
def rs():
    return load()


def record(**kw) -> ScreeningRecord:
    base = dict(screener_role="housing officer", screener_team="Tenancy team", age_band="25 to 39",
                noticed_what="Said people like that deserve it", noticed_when="Tuesday",
                how_known="Said to me at the counter", started_at="2026-12-02T10:00:00+00:00")
    base.update(kw)
    return ScreeningRecord(**base)


CASE = {"justifies_violence": "yes", "isolated": "yes", "job_loss_or_neet": "yes",
        "trusted_adult": "yes", "violence_fixation": "no"}


def test_narrative_reads_signs_together_with_circumstances_in_sentences(rs):
    n = summary.narrative(rs, evaluate(rs, CASE), record(answers=CASE))
    assert n.recommendation.startswith("Recommendation: Contact the Prevent Lead today.")
    assert "01702 546 366" in n.recommendation
    together = " ".join(n.together)
    assert "What was noticed: they have said that violence against people is right" in together
    assert "read together with their circumstances: they are socially isolated" in together
    assert "Protective factors recorded: they have a trusted adult" in together
    assert "never lower the recommendation" in together
    # decisive rule first, named by the question's statement, never by id
    assert n.why[0].startswith("This decided the recommendation (Contact the Prevent Lead today)")
    assert "justifies_violence" not in " ".join(n.why)
    assert "justifies_violence" not in together


def test_no_score_or_tick_count_anywhere(rs):
    text = summary.to_markdown(rs, evaluate(rs, CASE), record(answers=CASE))
    assert not re.search(r"\bscore\s*[:=]|\d+\s*/\s*\d+|\bticks?\b|\btotal\b", text, re.I)


def test_context_only_says_it_is_never_a_prevent_concern(rs):
    answers = {"isolated": "yes", "money_stress": "yes"}
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers))
    assert n.recommendation.startswith("Recommendation: Consider safeguarding or other support.")
    assert any("never a Prevent concern" in s for s in n.together)


def test_unknowns_framed_as_notice_check_share(rs):
    answers = {"us_and_them": "yes"}
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers,
                                                          alternative_explanations="a family row"))
    text = " ".join(n.unknowns)
    assert text.startswith("Notice:")
    assert "Check" in text and "Share: if that turns out to be true" in text
    assert "Other explanations considered: a family row" in text


def test_steps_and_child_flag(rs):
    answers = {"under_18": "yes"}
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers, age_band="16 to 17"))
    assert n.steps and n.steps[0].startswith("Children's safeguarding:")
    assert "This is a child (under 18)." in n.person[0]


def test_never_indicators_only_when_free_text_mentions_protected_terms(rs):
    a = evaluate(rs, CASE)
    assert summary.narrative(rs, a, record(answers=CASE)).never_indicators == ()
    n = summary.narrative(rs, a, record(answers=CASE, noticed_what="He started going to the Mosque"))
    assert '"mosque" (religion or belief)' in n.never_indicators[0]
    assert "Age or sex." in n.never_indicators
    # whole words, any case: "conversation" is not "conversion", "PRAY" is "pray"
    assert fairness_terms(rs, ["a conversation about football"]) == []
    assert [t for t, _, _ in fairness_terms(rs, ["They PRAY daily"])] == ["pray"]


def test_departure_names_both_routes_and_reason(rs):
    rec = record(answers=CASE, departure=Departure(outcome="prevent_lead_advice", reason="spoke to DSL"))
    n = summary.narrative(rs, evaluate(rs, CASE), rec)
    assert "recommended Contact the Prevent Lead today" in n.departure
    assert "Talk it through with the Prevent Lead" in n.departure
    assert "spoke to DSL" in n.departure and "supervisor's sign-off" in n.departure
    assert "lowered without a recorded sign-off" in n.departure


def test_lowered_departure_says_who_agreed_it(rs):
    d = Departure(outcome="no_prevent_concern", reason="spoke to the DSL", agreed_by="Safeguarding Officer")
    n = summary.narrative(rs, evaluate(rs, CASE), record(answers=CASE, departure=d))
    assert "The route was lowered (less serious than the recommendation), agreed by Safeguarding " \
           "Officer." in n.departure
    assert "without a recorded sign-off" not in n.departure
    md = summary.to_markdown(rs, evaluate(rs, CASE), record(answers=CASE, departure=d))
    assert "agreed by Safeguarding Officer" in md
    assert "agreed by Safeguarding Officer" in _pdf_text(
        summary.to_pdf(rs, evaluate(rs, CASE), record(answers=CASE, departure=d)))


def test_raised_departure_needs_no_sign_off(rs):
    answers = {"isolated": "yes"}
    d = Departure(outcome="contact_prevent_lead", reason="named a banned group's leader as a hero")
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers, departure=d))
    assert "The route was raised (more serious than the recommendation)" in n.departure
    assert "sign-off" not in n.departure and "lowered" not in n.departure


def test_is_lowering_follows_the_rule_set_order(rs):
    assert is_lowering(rs, "emergency", "no_prevent_concern")
    assert is_lowering(rs, "contact_prevent_lead", "prevent_lead_advice")
    assert not is_lowering(rs, "consider_safeguarding", "contact_prevent_lead")
    assert not is_lowering(rs, "no_prevent_concern", "emergency")
    assert not is_lowering(rs, "prevent_lead_advice", "prevent_lead_advice")
    with pytest.raises(ValueError):
        is_lowering(rs, "prevent_lead_advice", "made_up")


@pytest.mark.parametrize("reason", ["", "   ", "x", "ok", "  too short  "])
def test_a_new_departure_needs_a_meaningful_reason(reason):
    with pytest.raises(ValidationError):
        Departure(outcome="no_prevent_concern", reason=reason)
    assert not reason_is_meaningful(reason)


def test_departure_defaults_and_stays_strict():
    d = Departure(outcome="no_prevent_concern", reason="spoke to the DSL")
    assert d.agreed_by == "" and reason_is_meaningful(d.reason)
    with pytest.raises(ValidationError):
        Departure.model_validate({"outcome": "x", "reason": "spoke to the DSL", "by": "me"})
    with pytest.raises(ValidationError):
        d.agreed_by = "Prevent Lead"  # type: ignore[misc]


def test_provenance_and_disclaimer(rs):
    n = summary.narrative(rs, evaluate(rs, {}), record())
    assert rs.sha256 in n.provenance and rs.version in n.provenance
    assert rs.meta.effective_date.isoformat() in n.provenance
    assert n.disclaimer.startswith("This tool supports, and does not replace, your professional judgement")


def test_statement_quotes_compound_questions_rather_than_guess():
    assert statement("Are they socially isolated?") == "they are socially isolated"
    assert statement("Is their housing unstable?") == 'the answer to "Is their housing unstable?" was yes'
    assert statement("Have they cut off friends, and will they talk?").startswith("the answer to")


def test_markdown_escapes_hostile_free_text(rs):
    rec = record(answers=CASE, noticed_what=HOSTILE, how_known=HOSTILE, other_agencies=HOSTILE,
                 alternative_explanations=HOSTILE, screener_role=HOSTILE,
                 departure=Departure(outcome="no_prevent_concern", reason=HOSTILE))
    text = summary.to_markdown(rs, evaluate(rs, CASE), rec)
    for bad in ("[x](", "![img]", "<script>", "</div>", "*bold*", "`code`", ":red[", "$x$",
                "http://", "www.evil", "~~s~~", "a@b"):
        assert bad not in text, bad
    # free text never starts a block: every line is our own structure
    for line in text.splitlines():
        assert not re.match(r"\s*(>|\d+\.|\|)", line), line
        if line.startswith("#"):
            assert re.match(r"#{1,3} [A-Z]", line), line
    assert "\\[x\\]\\(http\u2060\\:" in text  # still there, shown as the characters typed


def test_md_escapes_every_markdown_special_character():
    assert summary.md("a*b_c`d[e](f)<g>#h!i|j~k$l\\m") == \
        "a\\*b\\_c\\`d\\[e\\]\\(f\\)\\<g\\>\\#h\\!i\\|j\\~k\\$l\\\\m"
    assert summary.md("line one\n\n# two") == "line one \\# two"


def _pdf_text(data: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(data))
    return " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)


def test_pdf_opens_and_follows_referral_form_order(rs):
    data = summary.to_pdf(rs, evaluate(rs, CASE), record(answers=CASE))
    assert data.startswith(b"%PDF")
    text = _pdf_text(data)
    assert "Contact the Prevent Lead today" in text
    order = [text.index(h) for h in ("1. The concern", "2. The person's circumstances",
                                     "3. Other agencies and actions", "4. Recommendation and reasons",
                                     "5. Still to check", "Rules used")]
    assert order == sorted(order)
    assert "does not replace, your professional judgement" in text


@pytest.mark.parametrize("text", [
    HOSTILE, "“smart quotes” — £5 café naïve Łódź 😀 漢字 \u200b\t\r", "x" * 2000, "a" * 400 + " b",
])
def test_pdf_never_crashes_on_free_text(rs, text):
    rec = record(answers=CASE, noticed_what=text, other_agencies=text,
                 departure=Departure(outcome="no_prevent_concern", reason=text))
    data = summary.to_pdf(rs, evaluate(rs, CASE), rec)
    assert "Contact the Prevent Lead today" in _pdf_text(data)


def test_pdf_keeps_latin1_and_replaces_the_rest(rs):
    rec = record(answers=CASE, noticed_what="“Quote” costs £5 at the café in Łódź 😀")
    text = _pdf_text(summary.to_pdf(rs, evaluate(rs, CASE), rec))
    assert '"Quote" costs £5 at the café in Lódz ?' in text


def test_md_breaks_autolink_literals_but_reads_the_same():
    out = summary.md("see www.evil.example or http://x.example, mail foo@evil.example")
    assert "www\u2060\\." in out and "http\u2060\\:" in out and "foo\u2060\\@" in out
    # remove the joiners and the escapes: the worker's words are unchanged
    import re
    assert re.sub(r"\\(.)", r"\1", out.replace("\u2060", "")) == \
        "see www.evil.example or http://x.example, mail foo@evil.example"
