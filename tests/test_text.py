"""Text that is shown: direction controls neutralised, rule wording plain (CK025), escaping that holds.

A CommonMark parser with GitHub's bare-link finder (markdown-it-py + linkify) stands in for the
browser: whatever the app hands Streamlit as Markdown must parse to no link, image or HTML.
"""

from __future__ import annotations

import dataclasses
import io
import json
from pathlib import Path
from typing import Any

import pypdf
import pytest
from markdown_it import MarkdownIt
from rulefiles import copy_rules, line_of_text
from streamlit.testing.v1 import AppTest

from screening import evaluate, load
from screening.exports import summary
from screening.exports.export import canonical, integrity
from screening.proofs.checks import check_ruleset
from screening.proofs.wording import markup
from screening.record import Departure, ScreeningRecord
from screening.text import BIDI_CONTROLS, neutral
from ui.widgets import label

ROOT = Path(__file__).resolve().parents[1]
BROKEN = ROOT / "tests" / "broken" / "ck025_markup"
#: "THIS IS FACT" as a reader would see it, stored backwards behind a right-to-left override.
REVERSED = "\u202eTCAF SI SIHT\u202c"
HOSTILE = ("[click](http://evil.example/l) ![img](http://evil.example/x.png) <img src=x onerror=alert(1)> "
           "<script>alert(1)</script> <http://evil.example> www.evil.example https://evil.example "
           "foo@evil.example &lt;b&gt; [ref]: http://evil.example <!-- c --> <a href=x>a</a>")
CASE = {"justifies_violence": "yes", "isolated": "yes"}
_PARSER = MarkdownIt("gfm-like")


def live_markup(markdown: str) -> list[str]:
    """Links, images and raw HTML that this Markdown would become (empty when it is safe).

    The app's own ``tel:`` links to the contacts' numbers are the only links it makes.
    """
    found = []
    for token in _PARSER.parse(markdown):
        for t in [token, *(token.children or [])]:
            if t.type == "link_open" and str(t.attrs.get("href", "")).startswith("tel:"):
                continue
            if t.type in ("link_open", "image", "html_inline", "html_block"):
                found.append(f"{t.type} {t.attrs or t.content}")
    return found


@pytest.fixture(scope="module")
def rs():
    return load()


# --- neutral: direction controls -------------------------------------------------------------

def test_neutral_strips_every_direction_control_and_nothing_else() -> None:
    controls = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f\u061c"
    assert frozenset(controls) == BIDI_CONTROLS
    assert neutral(REVERSED) == "TCAF SI SIHT"
    assert neutral(f"a{controls}b") == "ab"
    kept = "Café, naïve, Łódź, שלום, مرحبا, 漢字, \u200b, \u00a0 and 😀"
    assert neutral(kept) == kept


def test_record_strips_direction_controls_where_text_enters() -> None:
    rec = ScreeningRecord(noticed_what=REVERSED, screener_role="\u2067Housing officer\u2069",
                          departure=Departure(outcome="x", reason=f"{REVERSED} and more words"))
    assert rec.noticed_what == "TCAF SI SIHT"
    assert rec.screener_role == "Housing officer"
    assert rec.departure is not None and rec.departure.reason == "TCAF SI SIHT and more words"


def test_a_reason_of_direction_controls_only_is_not_a_reason() -> None:
    with pytest.raises(ValueError, match="at least 1 character"):
        Departure(outcome="x", reason="\u202e" * 12)


def _hostile_narrative(rs):
    """A narrative whose every sentence carries a reversal, as if the text had bypassed the record."""
    n = summary.narrative(rs, evaluate(rs, CASE), ScreeningRecord(answers=CASE))
    return dataclasses.replace(n, concern=(f"What was noticed: {REVERSED}",),
                               why=tuple(f"{w} {REVERSED}" for w in n.why),
                               departure=f"Their reason: {REVERSED}")


def test_markdown_summary_has_no_direction_controls(rs) -> None:
    text = summary.narrative_markdown(_hostile_narrative(rs))
    assert not set(text) & BIDI_CONTROLS
    assert "What was noticed: TCAF SI SIHT" in text


def test_pdf_summary_reads_in_stored_order(rs) -> None:
    data = summary.narrative_pdf(_hostile_narrative(rs))
    reader = pypdf.PdfReader(io.BytesIO(data))
    text = " ".join(" ".join((p.extract_text() or "").split()) for p in reader.pages)
    assert "What was noticed: TCAF SI SIHT" in text  # not "?TCAF SI SIHT?" (a control drawn as ?)
    assert "TCAF SI SIHT?" not in text and not set(text) & BIDI_CONTROLS


def _strings(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for k, v in node.items() for s in (*_strings(k), *_strings(v))]
    if isinstance(node, list):
        return [s for v in node for s in _strings(v)]
    return []


def test_json_export_holds_no_direction_control(rs) -> None:
    rec = ScreeningRecord(answers=CASE, noticed_what=REVERSED, how_known=REVERSED,
                          departure=Departure(outcome="no_prevent_concern", reason=f"{REVERSED} because"))
    out = summary.to_json(rs, evaluate(rs, CASE), rec)
    assert "\\u202e" not in out.lower() and not set(out) & BIDI_CONTROLS
    assert not set("".join(_strings(json.loads(out)))) & BIDI_CONTROLS
    assert json.loads(out)["record"]["noticed_what"] == "TCAF SI SIHT"


def test_review_page_shows_text_from_a_file_in_stored_order(rs, tmp_path, monkeypatch) -> None:
    # a file made elsewhere (or before this fix) still holds the override, sealed as it is
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    monkeypatch.delenv("SCREENING_EXPORT_KEY", raising=False)
    monkeypatch.setenv("SCREENING_REGISTER", str(tmp_path / "register"))
    body = json.loads(summary.to_json(rs, evaluate(rs, CASE), ScreeningRecord(answers=CASE)))
    body["record"]["noticed_what"] = REVERSED
    body["record"]["how_known"] = f"<b>{REVERSED}</b> ![x](http://evil.example/p.png)"
    body["integrity"]["value"] = integrity(body)
    at = AppTest.from_file(str(ROOT / "ui" / "review.py"), default_timeout=30).run()
    at.file_uploader(key="review.upload").set_value(("s.json", canonical(body), "application/json")).run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    shown = [str(e.value) for kind in ("markdown", "caption", "warning", "success", "info")
             for e in getattr(at, kind)]
    assert any("TCAF SI SIHT" in s for s in shown)
    assert not set("".join(shown)) & BIDI_CONTROLS
    assert [m for s in shown for m in live_markup(s)] == []


# --- escaping for Streamlit ------------------------------------------------------------------

def test_md_renders_no_link_image_or_html() -> None:
    assert live_markup(HOSTILE) != []  # the parser does see the markup when it is not escaped
    assert live_markup(summary.md(HOSTILE)) == []
    assert live_markup(summary.md(REVERSED + " :material/home:")) == []
    assert "\u2060material" in summary.md(":material/home:")  # Streamlit ignores \\: before an icon


def test_label_renders_no_link_image_or_html_and_leaves_plain_words_alone(rs) -> None:
    assert live_markup(label(HOSTILE)) == []
    assert "\\" not in label(HOSTILE)  # a label is also the accessible name: no backslashes
    assert label(REVERSED) == "TCAF SI SIHT"
    plain = [i.question for f in rs.factors for i in f.indicators]
    plain += ["A&E, age < 18, 10:30, [see below] (maybe), data: none, Note: this"]
    for text in plain:
        assert label(text) == text


# --- CK025: rule wording is plain text -----------------------------------------------------------

def ck025(folder: Path) -> list:
    return [p for p in check_ruleset(load(folder, check=False)) if p.code == "CK025"]


def test_ck025_markup_fixture_is_refused_at_its_line() -> None:
    found = ck025(BROKEN)
    assert [p.format() for p in found] == [
        f"{BROKEN / 'ruleset.yaml'}:{line_of_text(BROKEN / 'ruleset.yaml', 'intro:', 2)}: CK025 the intro "
        "of factor 'engagement' contains a Markdown image: '![x](http://evil.example/pixel.png)'; rule "
        "wording is shown to workers as plain text: remove links, images, web and email addresses, HTML "
        "and direction controls (a number to call belongs in contacts:)"]


DEFINITION = ("        definition: Saying harm to others is justified, deserved or a duty because of a cause "
              "or grievance.")
#: (exact text in ruleset.yaml, its replacement, where the message says, what it found, line needle)
PLACES = [
    (DEFINITION,
     "        definition: See [the guidance](https://evil.example/phish).",
     "the definition of indicator 'justifies_violence'", "a Markdown link",
     "definition: See [the guidance]"),
    ("      - Call 999 now.\n", "      - Call 999 now, or see www.evil.example\n",
     "item 1 of what_to_do of outcome 'emergency'", "a web address", "what_to_do:"),  # the list's line
    ("    name: Anti-Terrorism Hotline", "    name: <b>Anti-Terrorism Hotline</b>",
     "the name of contact 'anti_terrorism_hotline'", "HTML", "name: <b>"),
    ("        hint: For example housing officer or youth worker.",
     "        hint: For example housing officer. Questions? help@evil.example",
     "the hint of account field 'screener_role'", "an email address", "help@evil.example"),
    ("      because: Someone may be in immediate danger.",
     "      because: Someone may be in immediate danger.\u202e",
     "the because of rule 'immediate_danger'", "an invisible direction control", "danger.\u202e"),
    ("    unknown: Don't know", "    unknown: Don't know ![](http://evil.example/p.png)",
     "the unknown of journey.answer_labels", "a Markdown image", "Don't know ![]"),
    ("  council: Rochford District Council", "  council: Rochford District Council &lt;script&gt;",
     "the council of ruleset", "an HTML entity", "&lt;script"),
    ("        - {label: not known}", "        - {label: '<http://evil.example>'}",
     "the label of journey.account.age.bands item 8", "an autolink", "<http://evil.example>"),
]


@pytest.mark.parametrize(("old", "new", "where", "what", "needle"), PLACES,
                         ids=[p[2] for p in PLACES])
def test_ck025_finds_markup_in_every_kind_of_wording(tmp_path: Path, old: str, new: str, where: str,
                                                     what: str, needle: str) -> None:
    folder = copy_rules(tmp_path, {old: new})
    found = ck025(folder)
    assert [(p.message.split(" contains ")[0], p.message.split(" contains ")[1].split(":")[0])
            for p in found] == [(where, what)]
    assert found[0].line == line_of_text(folder / "ruleset.yaml", needle)
    assert found[0].path == str(folder / "ruleset.yaml")


def test_ck025_reads_fairness_yaml_too(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path)
    fair = folder / "fairness.yaml"
    fair.write_text(fair.read_text(encoding="utf-8").replace(
        "explanation: >-\n", "explanation: >-\n  Read https://evil.example first.\n", 1), encoding="utf-8")
    found = ck025(folder)
    assert [(p.path, p.line, p.message) for p in found] == [
        (str(fair), line_of_text(fair, "explanation:"),
         "the explanation contains a web address: 'https://evil.example'")]


def test_ck025_leaves_plain_wording_alone(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path, {
        DEFINITION: "        definition: 'Taken to A&E, age < 18, at 10:30 [see below] (maybe); data: none; "
                    "3 > 2.'"})
    assert ck025(folder) == []
    assert ck025(ROOT / "rules") == []


@pytest.mark.parametrize("text", [
    "![x](http://e/p.png)", "[x](y)", "[x][y]", "[x]: http://e", "<https://e>", "<img src=x>", "<script",
    "</div>", "<!-- x -->", "&#60;", "&#x3c;", "&amp;", "http://e", "HTTPS://E", "www.e.org",
    "javascript:alert(1)", "data:text/html,x", "a@b.co.uk", "\u2066x\u2069", "\u200f",
])
def test_markup_catches_each_form(text: str) -> None:
    assert markup(f"Plain words {text} more words") is not None


# --- a rule intro with an image, on the page -------------------------------------------------------

def test_rule_intro_with_an_image_is_refused_by_the_app(monkeypatch) -> None:
    monkeypatch.setenv("SCREENING_RULES", str(BROKEN))
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60).run()
    assert not at.exception
    assert at.title[0].value == "The screening questions are not available"
    assert "CK025 the intro of factor 'engagement' contains a Markdown image" in at.code[0].value
    assert [m for e in (*at.markdown, *at.error, *at.info) for m in live_markup(str(e.value))] == []


def _engagement_page(path: str) -> None:
    """The engagement question page drawn from rules that were never linted (as if CK025 were off)."""
    from screening import load
    from ui.questions import factor_page
    from ui.state import journey

    rules = load(path, check=False)
    factor_page(rules, journey(), rules.factor("engagement"))


def test_rule_text_that_reaches_a_page_is_shown_escaped(tmp_path: Path) -> None:
    folder = copy_rules(tmp_path, {
        "    title: What did you notice?": "    title: What did you notice? <img src=http://evil.example/t.png>",
        "        question: Have they said that violence against people is right or necessary for a cause?":
        "        question: Have they said violence is right? [Read more](http://evil.example)",
        "        example: '\"People like that deserve to be attacked; it is the only way things will "
        "change.\"'": "        example: 'They said so. ![x](http://evil.example/e.png) www.evil.example'",
    })
    text = (folder / "ruleset.yaml").read_text(encoding="utf-8")
    (folder / "ruleset.yaml").write_text(text.replace(
        "      supports violence. Think about what you saw or heard yourself, not about who the person is.\n",
        "      supports violence. ![x](http://evil.example/pixel.png) \u202eTCAF SI SIHT\n"),
        encoding="utf-8")
    at = AppTest.from_function(_engagement_page, args=(str(folder),), default_timeout=30).run()
    assert not at.exception
    shown = [str(e.value) for kind in ("title", "markdown", "error", "info") for e in getattr(at, kind)]
    assert any("pixel" in s for s in shown) and any("TCAF SI SIHT" in s for s in shown)
    assert [m for s in shown for m in live_markup(s)] == []
    assert not set("".join(shown)) & BIDI_CONTROLS
    radio = at.radio(key="answer.0.justifies_violence")
    assert "Read more" in radio.label and live_markup(radio.label) == []
