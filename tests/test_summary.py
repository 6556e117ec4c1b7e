"""The narrative, Markdown and PDF summaries: non-isolating sentences, escaped free text, no score."""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from markdown_it import MarkdownIt
from pydantic import ValidationError

from screening import evaluate, load
from screening.exports import summary
from screening.exports.narrative import ALTERNATIVES_NOTE, SECTIONS, fairness_terms, statement
from screening.record import Departure, ScreeningRecord, is_lowering, reason_is_meaningful

HOSTILE = ("[x](http://evil) ![img](x) <script>alert(1)</script> </div> *bold* `code` ```fence``` "
           "\n# heading\n- item\n> quote\n1. one\n| a | b |\n:red[red] $x$ www.evil.com a@b.co ~~s~~")


_PARSER = MarkdownIt("gfm-like")  # CommonMark, tables, strikethrough and linkify's bare links


def live_markup(markdown: str) -> list[str]:
    """Links, images and raw HTML this Markdown would become (empty when it is safe)."""
    return [f"{t.type} {t.attrs or t.content}" for token in _PARSER.parse(markdown)
            for t in [token, *(token.children or [])]
            if t.type in ("link_open", "image", "html_inline", "html_block")]


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
    assert "Signs of concern answered yes: they have said that violence against people is right" in together
    assert "The signs above were read together with their circumstances: they are socially isolated" \
        in together
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


def test_unknowns_say_how_many_and_what_to_find_out(rs):
    answers = {"us_and_them": "yes"}
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers,
                                                          alternative_explanations="a family row"))
    total = len(rs.indicator_ids())
    assert n.unknowns[0] == f"{total - 1} of the {total} questions are still unknown."
    assert "without investigating yourself" in n.unknowns[1]
    assert n.explanations == "Other explanations considered: a family row"


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
        assert not re.match(r"\s*(>|\d+\.\s*one|\|)", line), line  # numbered steps are the rules' own
        if line.startswith("#"):
            assert re.match(r"#{1,3} [A-Z0-9]", line), line
    assert "\\[x\\](http\u2060:/\u2060/evil)" in text  # still there, shown as the characters typed
    assert live_markup(text) == []


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
    order = [text.index(h) for h in SECTIONS]
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


# --- what to check next: every unknown, grouped by the route it alone would reach -----------------

def _all_no(rs, **given: str) -> dict[str, str]:
    return {i: "no" for i in rs.indicator_ids()} | given


def test_every_unknown_that_could_raise_the_route_is_listed_by_route_most_serious_first(rs):
    unknown = ["imminent_danger", "named_target", "threatens_harm", "isolated", "trusted_adult", "under_18"]
    answers = _all_no(rs, us_and_them="yes", **dict.fromkeys(unknown, "unknown"))
    a = evaluate(rs, answers)
    assert a.outcome == "consider_safeguarding"
    n = summary.narrative(rs, a, record(answers=answers))
    # the definition: each unknown alone turned yes, routed by the engine
    reach: dict[str, list[str]] = {}
    for i in unknown:
        outcome = evaluate(rs, {**answers, i: "yes"}).outcome
        if rs.rank(outcome) < rs.rank(a.outcome):
            reach.setdefault(outcome, []).append(rs.indicator(i).question)
    expected = sorted(reach.items(), key=lambda kv: rs.rank(kv[0]))
    raising = [g for g in n.to_check if g.lead.startswith("If ")]
    def lead(k: int) -> str:
        return "this question turned out" if k == 1 else f"any one of these {k} questions turned out"

    assert [(g.lead, list(g.items)) for g in raising] == [
        (f"If {lead(len(qs))} to be yes, the recommendation would become {rs.outcome(o).title}:", qs)
        for o, qs in expected]
    # and, by hand, so a wrong engine cannot make the test agree with itself
    assert [o for o, _ in expected] == ["emergency", "contact_prevent_lead", "prevent_lead_advice"]
    assert raising[0].items == tuple(rs.indicator(i).question for i in ("imminent_danger", "named_target"))
    # the rest, briefly, by factor, after the ones that matter
    rest = n.to_check[-1]
    assert rest.lead.startswith("Also still unknown, but none of these would change")
    assert rest.items == (f"{rs.factor('protective').title} (1 question)",
                          f"{rs.factor('about_the_person').title} (1 question)")


def test_a_combination_more_serious_than_any_single_answer_leads(rs):
    answers = _all_no(rs, closed_mindset="unknown", extremist_contacts="unknown")
    a = evaluate(rs, answers)
    n = summary.narrative(rs, a, record(answers=answers))
    first, second = n.to_check[:2]
    assert first.lead == ("If all of these turned out to be yes together, the recommendation would "
                          "become Talk it through with the Prevent Lead:")
    assert set(first.items) == {rs.indicator("closed_mindset").question,
                                rs.indicator("extremist_contacts").question}
    assert second.lead.endswith("would become Consider safeguarding or other support:")
    assert len(second.items) == 2


def test_nothing_to_check_when_every_question_is_answered(rs):
    n = summary.narrative(rs, evaluate(rs, _all_no(rs)), record())
    assert n.to_check == () and n.unknowns == ("Every question was answered yes or no.",)


# --- wording: plurals, no jargon, no contradictions -----------------------------------------------

def test_words_count_and_agree():
    from screening.words import count, plural, verb

    assert [count(k, "question") for k in (0, 1, 2, 1200)] == \
        ["0 questions", "1 question", "2 questions", "1,200 questions"]
    assert plural(1, "person", "people") == "person" and plural(3, "person", "people") == "people"
    assert (verb(1), verb(2)) == ("is", "are")


@pytest.mark.parametrize(("unknowns", "sentence"), [
    (["isolated"], "1 of the {total} questions is still unknown."),
    (["isolated", "money_stress"], "2 of the {total} questions are still unknown."),
])
def test_counts_of_unknowns_agree_in_number(rs, unknowns, sentence):
    answers = _all_no(rs, **dict.fromkeys(unknowns, "unknown"))
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers))
    assert n.unknowns[0] == sentence.format(total=len(rs.indicator_ids()))


def test_no_jargon_or_rule_ids_in_what_the_worker_reads(rs):
    answers = {"us_and_them": "yes", "threatens_harm": "unknown"}
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers))
    groups = [x for g in n.to_check for x in (g.lead, *g.items)]
    shown = " ".join([*n.unknowns, *n.why, *n.alternatives, *groups])
    assert "Notice:" not in shown and "(rule " not in shown
    for rule in rs.rules:
        assert rule.id not in shown, rule.id
    # the rule is named by what it says instead
    assert any(rs.rules[0].because.lower().rstrip(".") in a.lower() for a in n.alternatives)


def test_age_band_and_child_flag_agree_after_the_emergency_screen(rs):
    answers = {"named_target": "yes"}  # the 999 screen: the under-18 question was never asked
    n = summary.narrative(rs, evaluate(rs, answers), record(answers=answers, age_band="16 to 17"))
    assert "not known" not in n.person[0]
    assert n.person[0].startswith("Age band: 16 to 17. By the age band this is a child (under 18).")
    assert "children's safeguarding procedure" in n.person[0]
    adult = summary.narrative(rs, evaluate(rs, answers), record(answers=answers, age_band="40 to 64"))
    assert "By the age band this is an adult (18 or over)." in adult.person[0]
    told = summary.narrative(rs, evaluate(rs, {"under_18": "no"}), record(age_band="16 to 17"))
    assert "disagree" in told.person[0]


def test_the_caveat_travels_with_what_would_change_into_every_export(rs):
    import json

    answers = {"us_and_them": "yes"}
    a, rec = evaluate(rs, answers), record(answers=answers)
    md = summary.to_markdown(rs, a, rec)
    section = md[md.index("### What would change the recommendation"):]
    assert section.index(ALTERNATIVES_NOTE) < section.index("- If ")
    assert ALTERNATIVES_NOTE in _pdf_text(summary.to_pdf(rs, a, rec))
    body = json.loads(summary.to_json(rs, a, rec))
    assert body["alternatives"] and body["alternatives_note"] == ALTERNATIVES_NOTE


# --- the Markdown export reads as plain text ----------------------------------------------------

def test_markdown_leaves_ordinary_punctuation_alone(rs):
    typed = "Tuesday 3.30 - at the counter: they said (twice) it's \"their right\"; 50% sure! Why? #1"
    text = summary.to_markdown(rs, evaluate(rs, CASE), record(answers=CASE, noticed_what=typed))
    assert f"- What was noticed: {typed}" in text
    assert "\\." not in text and "\\-" not in text and "\\:" not in text and "\\(" not in text


@pytest.mark.parametrize(("typed", "shown"), [
    ("# not a heading", "\\# not a heading"), ("- not a list", "\\- not a list"),
    ("1. not a list", "1\\. not a list"), ("> not a quote", "\\> not a quote"),
    ("--- not a rule", "\\--- not a rule"), ("a *b* _c_ `d`", "a \\*b\\* \\_c\\_ \\`d\\`"),
    ("snake_case stays", "snake_case stays"), ("&lt;b&gt;", "\\&lt;b\\&gt;"),
])
def test_md_text_escapes_only_what_markdown_would_misread(typed, shown):
    assert summary.md_text(typed) == shown


def test_md_text_never_makes_a_link_image_or_html():
    hostile = ("[click](http://evil.example/l) ![img](http://e.example/x.png) <img src=x> <script>x</script> "
               "<http://evil.example> www.evil.com https://evil.com foo@evil.com evil.com &lt;b&gt; "
               "[ref]: http://evil.example <!-- c --> :material/home: :red[x] $x$ //evil.co.uk/x "
               "http://192.168.1.1 x@192.168.1.1 HTTPS://EVIL.COM mailto:a@b.com ftp://f.org")
    assert live_markup(hostile)  # the parser does see markup when it is not escaped
    for placed in (hostile, f"- {hostile}", f"# {hostile}"):
        assert live_markup(placed.replace(hostile, summary.md_text(hostile))) == []
    out = summary.md_text(hostile)
    assert ":red[" not in out and "$x$" not in out and "\u2060material" in out
    # the joiners are invisible: without them and the escapes, the words are as typed
    assert re.sub(r"\\(.)", r"\1", out.replace("\u2060", "")) == " ".join(hostile.split())


# --- file names, sections, the new account fields ----------------------------------------------

def test_file_names_carry_date_time_and_the_random_reference(rs):
    from screening.record import REFERENCE_ALPHABET, new_reference

    summer = record(completed_at="2026-07-02T13:32:00+00:00", reference="7KQ3")
    assert summary.file_name(summer, "pdf") == "prevent-screening-2026-07-02-1432-7KQ3.pdf"  # BST
    winter = record(completed_at="2026-12-02T10:20:59+00:00", reference="7KQ3")
    assert summary.file_name(winter, "md") == "prevent-screening-2026-12-02-1020-7KQ3.md"
    refs = {new_reference() for _ in range(200)}
    assert all(len(r) == 4 and set(r) <= set(REFERENCE_ALPHABET) for r in refs)
    assert len(refs) > 150  # random: the same screening details give a different reference each time
    names = {summary.file_name(record(completed_at="2026-12-02T10:20:00+00:00", reference=r), "pdf")
             for r in refs}
    assert len(names) == len(refs)
    assert summary.file_name(record(reference="../../x y"), "json").endswith("-xy.json")


def test_the_result_page_names_every_download_by_date_time_and_reference(monkeypatch) -> None:
    from test_app import complete

    import ui.result
    from ui.state import Journey

    names: list[str] = []
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    monkeypatch.setattr(ui.result, "download_button", lambda *a, file_name, **k: names.append(file_name))
    at = complete({"isolated": "yes"})
    j = at.session_state["journey"]
    stem = summary.file_name(ui.result.record_of(load(), j), "x")[:-2]
    assert re.fullmatch(r"prevent-screening-\d{4}-\d\d-\d\d-\d{4}-[A-Z0-9]{4}", stem) and j.reference in stem
    assert sorted(names) == sorted(f"{stem}.{ext}" for ext in ("pdf", "md", "json"))
    assert len({Journey().reference for _ in range(50)}) > 40  # each screening draws its own


def test_markdown_headings_follow_the_referral_form(rs):
    answers = {**CASE, "imminent_danger": "unknown"}
    text = summary.to_markdown(rs, evaluate(rs, answers), record(answers=answers))
    headings = [line.split(" ", 1)[1] for line in text.splitlines() if line.startswith("## ")]
    assert headings[0] == rs.wording.urgent.title
    expected = [*SECTIONS[:6], f"{SECTIONS[6]}: Contact the Prevent Lead today", *SECTIONS[7:]]
    assert [h for h in headings if h != "Never an indicator"][1:] == expected
    protective = text[text.index("## 6. Protective factors"):text.index("## 7. Recommendation")]
    assert "Protective factors recorded: they have a trusted adult" in protective


def test_what_the_referral_form_asks_is_in_the_summary(rs):
    rec = record(answers=CASE, person_aware="Not told; for a child, parents do not know yet",
                 actions_taken="Spoke to my manager on Tuesday", safeguarding_in_place="Early help plan")
    text = summary.to_markdown(rs, evaluate(rs, CASE), rec)
    for heading, words in (("## 3. ", "Early help plan"), ("## 4. ", "Spoke to my manager on Tuesday"),
                           ("## 5. ", "Not told; for a child, parents do not know yet")):
        start = text.index(heading)
        assert words in text[start:text.index("\n## ", start + 1)]
    empty = summary.narrative(rs, evaluate(rs, CASE), record(answers=CASE))
    assert "was not recorded" in empty.aware and "were recorded" in empty.actions


def test_new_account_fields_come_from_the_rule_file_with_limits(rs):
    from screening.text import limit

    ids = [f.id for f in rs.wording.account.fields]
    for new in ("safeguarding_in_place", "actions_taken", "person_aware"):
        assert new in ids and limit(new) == 2_000
        with pytest.raises(ValidationError):
            ScreeningRecord(**{new: "x" * 2_001})


# --- the PDF reads as a council document --------------------------------------------------------

def _pdf_pages(data: bytes) -> list[str]:
    return [" ".join((p.extract_text() or "").split()) for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_pdf_has_the_council_and_reference_on_every_page_and_a_table_of_answers(rs):
    answers = {**CASE, "imminent_danger": "unknown"}
    data = summary.to_pdf(rs, evaluate(rs, answers), record(answers=answers, reference="7KQ3"))
    pages = _pdf_pages(data)
    assert len(pages) > 1
    for page in pages:
        assert page.startswith(f"{rs.meta.council} Prevent concern screening | Reference 7KQ3"), page[:80]
    text = " ".join(pages)
    table = text[text.index("Every answer, by factor"):text.index("Rules used")]
    assert table.startswith("Every answer, by factor Question Answer")
    labels = {"yes": "Yes", "no": "No", "unknown": "Don't know"}
    for factor in rs.factors:  # a row per factor, then each of its questions with its answer
        assert factor.title in table
        for ind in factor.indicators:
            assert f"{ind.question} {labels[answers.get(ind.id, 'unknown')]}" in table, ind.id


def test_pdf_lists_are_real_lists_and_text_is_left_aligned(rs):
    data = summary.to_pdf(rs, evaluate(rs, CASE), record(answers=CASE))
    text = " ".join(_pdf_pages(data))
    outcome = rs.outcome("contact_prevent_lead")
    steps = " ".join(f"{i}. {s}" for i, s in enumerate(outcome.what_to_do, 1))
    assert f"7. Recommendation: {outcome.title} {outcome.summary} {steps}" in text
    assert "\u2022 What was noticed:" in text and "- What was noticed" not in text
    # justified text sets word spacing (Tw); left-aligned text never does
    reader = pypdf.PdfReader(io.BytesIO(data))
    streams = b"".join(p.get_contents().get_data() for p in reader.pages)
    assert not re.search(rb"[1-9][0-9.]* Tw", streams)
