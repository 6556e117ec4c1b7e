"""The personal-data finder (screening/personal_data.py), measured on a labelled set of council notes.

``tests/data/personal_data.yaml`` holds realistic sentences with every piece of personal data marked,
about half with none (and those chosen to be hard).  A finding counts as right when it overlaps a
labelled span of the same kind; precision is right findings / findings, recall is labelled spans
found / labelled spans.  Run this file as a script to print the table the README quotes:
``PYTHONPATH=. .venv/bin/python tests/test_personal_data.py`` (``PERSONAL_DATA_SET=other.yaml`` to
measure another labelled set, with these tests or the script).
"""

from __future__ import annotations

import os
import time
from collections import Counter
from dataclasses import dataclass
from datetime import date
from functools import cache
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
import yaml

from screening import personal_data as pd
from screening.personal_data import KINDS, Finding, excerpt, find, remove

ROOT = Path(__file__).resolve().parents[1]
#: The labelled set; PERSONAL_DATA_SET names another (same format) to measure the finder on it.
DATA = Path(os.environ.get("PERSONAL_DATA_SET") or ROOT / "tests" / "data" / "personal_data.yaml")
#: The day the "a full date ten or more years ago is a birth date" test is measured from.
TODAY = date(2026, 11, 1)
#: Floors actually reached (see the README for the numbers measured).
PRECISION_FLOOR, RECALL_FLOOR = 0.90, 0.90
#: Each kind with at least KIND_MIN_SPANS labelled spans must reach this on its own.
KIND_FLOOR, KIND_MIN_SPANS = 0.75, 5


@cache
def known_numbers() -> tuple[str, ...]:
    """The shipped rule set's contacts, as the app passes them (never personal data)."""
    import screening

    return tuple(c.phone for c in screening.load(ROOT / "rules", check=False).document.contacts)


@dataclass(frozen=True)
class Span:
    start: int
    end: int
    kind: str


#: Other names a labelled set may use for a kind (the finder's own names are in KINDS).
KIND_ALIASES = {"phone_number": "phone", "telephone": "phone", "mobile": "phone", "email_address": "email",
                "post_code": "postcode", "dob": "date_of_birth", "birth_date": "date_of_birth",
                "nhs": "nhs_number", "ni": "ni_number", "nino": "ni_number",
                "national_insurance_number": "ni_number", "person": "name", "person_name": "name"}


def labelled(path: Path = DATA) -> list[tuple[str, list[Span]]]:
    """Each sentence with its labelled spans.

    A span is located by its ``text`` (``nth`` picks a repeat) or given as ``start``/``end``; a set
    may be a list or ``{sentences: [...]}``, and say ``sentence``/``expected`` for ``text``/``spans``.
    """
    raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    entries = raw["sentences"] if isinstance(raw, dict) else raw
    out = []
    for entry in entries:
        text: str = entry.get("text", entry.get("sentence"))
        spans = []
        for s in entry.get("spans", entry.get("expected")) or []:
            kind = KIND_ALIASES.get(str(s["kind"]).lower(), str(s["kind"]).lower())
            if "start" in s and "end" in s:
                spans.append(Span(int(s["start"]), int(s["end"]), kind))
                continue
            at = -1
            for _ in range(int(s.get("nth", 1))):
                at = text.index(s["text"], at + 1)
            spans.append(Span(at, at + len(s["text"]), kind))
        out.append((text, spans))
    return out


def _overlaps(f: Finding | Span, s: Span | Finding) -> bool:
    return f.start < s.end and s.start < f.end and f.kind == s.kind


@dataclass
class Scores:
    found: Counter[str]
    found_right: Counter[str]
    expected: Counter[str]
    expected_found: Counter[str]
    misses: list[str]

    def precision(self, kind: str | None = None) -> float:
        n = sum(self.found.values()) if kind is None else self.found[kind]
        right = sum(self.found_right.values()) if kind is None else self.found_right[kind]
        return right / n if n else 1.0

    def recall(self, kind: str | None = None) -> float:
        n = sum(self.expected.values()) if kind is None else self.expected[kind]
        got = sum(self.expected_found.values()) if kind is None else self.expected_found[kind]
        return got / n if n else 1.0

    def table(self) -> str:
        rows = ["| kind | labelled | found | precision | recall |", "|---|---|---|---|---|"]
        for k in KINDS:
            rows.append(f"| {k} | {self.expected[k]} | {self.found[k]} | {self.precision(k):.2f} | "
                        f"{self.recall(k):.2f} |")
        rows.append(f"| **all** | {sum(self.expected.values())} | {sum(self.found.values())} | "
                    f"**{self.precision():.2f}** | **{self.recall():.2f}** |")
        return "\n".join(rows)


def measure(path: Path = DATA) -> Scores:
    s = Scores(Counter(), Counter(), Counter(), Counter(), [])
    known = known_numbers()
    for text, spans in labelled(path):
        got = find(text, known, today=TODAY)
        for f in got:
            s.found[f.kind] += 1
            if any(_overlaps(f, sp) for sp in spans):
                s.found_right[f.kind] += 1
            else:
                s.misses.append(f"false {f.kind} {f.text!r} in {text!r}")
        for sp in spans:
            s.expected[sp.kind] += 1
            if any(_overlaps(f, sp) for f in got):
                s.expected_found[sp.kind] += 1
            else:
                s.misses.append(f"missed {sp.kind} {text[sp.start:sp.end]!r} in {text!r}")
    return s


@pytest.fixture(scope="module")
def scores() -> Scores:
    return measure()


# --- the labelled set itself ------------------------------------------------------------------------
def test_the_labelled_set_is_big_balanced_and_covers_every_kind() -> None:
    data = labelled()
    assert len(data) >= 150
    with_data = sum(1 for _, spans in data if spans)
    assert 0.4 <= with_data / len(data) <= 0.6, f"{with_data} of {len(data)} sentences hold personal data"
    kinds = Counter(sp.kind for _, spans in data for sp in spans)
    assert set(kinds) == set(KINDS), f"kinds labelled: {sorted(kinds)}; the finder's: {KINDS}"
    assert len({text for text, _ in data}) == len(data), "a sentence is there twice"


# --- precision and recall ---------------------------------------------------------------------------
def test_precision_and_recall_overall(scores: Scores) -> None:
    print("\n" + scores.table())
    assert scores.precision() >= PRECISION_FLOOR, "\n".join(scores.misses)
    assert scores.recall() >= RECALL_FLOOR, "\n".join(scores.misses)


@pytest.mark.parametrize("kind", KINDS)
def test_precision_and_recall_per_kind(scores: Scores, kind: str) -> None:
    if scores.expected[kind] < KIND_MIN_SPANS:  # (the shipped set has at least 8 of each)
        pytest.skip(f"fewer than {KIND_MIN_SPANS} labelled {kind} spans: too few to measure alone")
    misses = "\n".join(m for m in scores.misses if f" {kind} " in m)
    assert scores.precision(kind) >= KIND_FLOOR, misses
    assert scores.recall(kind) >= KIND_FLOOR, misses


# --- each kind's rule, on its own -------------------------------------------------------------------
def kinds_found(text: str, **kw: Any) -> list[tuple[str, str]]:
    return [(f.kind, f.text) for f in find(text, today=TODAY, **kw)]


def test_nhs_numbers_need_the_modulus_11_check_digit_unless_named() -> None:
    assert pd.nhs_check_digit_ok("9434765919")  # the NHS's own published example
    assert not pd.nhs_check_digit_ok("9434765918")
    assert kinds_found("logged as 943 476 5919 today") == [("nhs_number", "943 476 5919")]
    assert kinds_found("logged as 943 476 5918 today") == []
    assert kinds_found("NHS number 943 476 5918") == [("nhs_number", "943 476 5918")]  # a typo is still one
    assert kinds_found("case ref 9434765919") == []  # a reference that happens to pass the check


def test_ni_numbers_need_a_prefix_hmrc_issues() -> None:
    assert kinds_found("AB 12 34 56 C") == [("ni_number", "AB 12 34 56 C")]
    for never_issued in ("GB 12 34 56 C", "QQ 12 34 56 C", "BG 12 34 56 C", "DA 12 34 56 C"):
        assert kinds_found(never_issued) == [], never_issued
    assert kinds_found("NI number AB 12 34 56") == [("ni_number", "AB 12 34 56")]
    assert kinds_found("AB 12 34 56") == []


def test_phone_numbers_but_not_the_councils_or_helplines() -> None:
    assert kinds_found("his mobile is 07911 123456") == [("phone", "07911 123456")]
    # Ofcom's drama range is not allocated, but a worker cannot tell: it looks like a mobile number
    assert kinds_found("ring 07700 900123") == [("phone", "07700 900123")]
    assert kinds_found("call 01702 546 366") == [("phone", "01702 546 366")]
    assert kinds_found("call 01702 546 366", known_numbers=["01702 546 366"]) == []
    assert kinds_found("the hotline 0800 789 321 or 0300 123 4567") == []
    assert kinds_found("crime ref 42/123456/24, 999 and 101") == []


def test_emails_but_not_shared_mailboxes() -> None:
    assert kinds_found("wrote to j.obi@hotmail.co.uk") == [("email", "j.obi@hotmail.co.uk")]
    assert kinds_found("sent to safeguarding@rochford.gov.uk") == []


def test_postcodes_whole_not_districts() -> None:
    assert kinds_found("near SS4 1BW") == [("postcode", "SS4 1BW")]
    assert kinds_found("near ss4 1bw") == [("postcode", "ss4 1bw")]
    assert kinds_found("somewhere in SS4, off the A127") == []


def test_a_date_is_a_birth_date_after_a_cue_or_when_long_ago() -> None:
    assert kinds_found("born 3rd May 2009") == [("date_of_birth", "3rd May 2009")]
    assert kinds_found("DOB 3.5.09") == [("date_of_birth", "3.5.09")]
    assert kinds_found("it happened on 12/03/2009") == [("date_of_birth", "12/03/2009")]
    assert kinds_found("it happened on 12/03/2025") == []
    assert kinds_found("appointment on 12 May") == []
    assert kinds_found("DOB 31/02/2009") == []  # no such day


def test_addresses_need_a_number_and_a_street_or_a_cue() -> None:
    assert kinds_found("at 22 St Mary's Road") == [("address", "22 St Mary's Road")]
    assert kinds_found("he lives on Brook Road now") == [("address", "Brook Road")]
    assert kinds_found("the youth club on Brook Road") == []
    assert kinds_found("Room 12 was booked") == []


@pytest.mark.parametrize(("text", "name"), [
    ("Her son Reece is 15", "Reece"),
    ("A lad called Zoltan was there", "Zoltan"),   # not in the name list: the cue finds him
    ("Mrs Okafor rang", "Mrs Okafor"),
    ("Spoke to J. Smith about it", "J. Smith"),
    ("the Okonjo family were told", "Okonjo"),
    ("Grace said he left", "Grace"),
    ("Jordan Whitfield has left", "Jordan Whitfield"),
])
def test_names(text: str, name: str) -> None:
    assert kinds_found(text) == [("name", name)]


@pytest.mark.parametrize("text", [
    "Grace period ends on Friday", "Will check with the manager", "He wants to travel to Jordan",
    "Victoria Road car park", "St Mary's Church hall", "He quoted the Prophet Muhammad",
    "He praised Brenton Tarrant online", "Senior Housing Officer, Rochford District Council",
    "A Muslim family reported it", "Spoke with Essex Police", "Hope Church runs a food bank",
])
def test_not_names(text: str) -> None:
    assert kinds_found(text) == []


# --- removing, showing, and staying quick -----------------------------------------------------------
def test_remove_replaces_the_span_and_only_while_it_can_be_found() -> None:
    text = "Ring Darren on 07823 456 789 today"
    found = find(text, today=TODAY)
    assert [f.suggestion for f in found] == ["[name removed]", "[phone number removed]"]
    once = remove(text, found[1])
    assert once == "Ring Darren on [phone number removed] today"
    assert remove(once, found[1]) == once  # stale: the text changed under it
    moved = "Note: " + text  # typed before it since it was found: its only occurrence is replaced
    assert remove(moved, found[1]) == "Note: Ring Darren on [phone number removed] today"
    twice = "Darren, Darren"
    assert remove(twice, find("Ring Darren")[0]) == twice  # which one is lost: nothing is changed
    assert remove(remove(text, found[1]), found[0]) == "Ring [name removed] on [phone number removed] today"


def test_findings_are_exact_sorted_and_never_overlap() -> None:
    for text, _ in labelled():
        found = find(text, known_numbers(), today=TODAY)
        assert all(text[f.start:f.end] == f.text for f in found)
        assert all(a.end <= b.start for a, b in pairwise(found)), text


def test_excerpt_cuts_long_text_at_word_breaks() -> None:
    text = "word " * 30 + "Mrs Okafor" + " rang" * 30
    f = next(iter(find(text, today=TODAY)))
    before, span, after = excerpt(text, f, width=20)
    assert span == "Mrs Okafor"
    assert before.startswith("…") and after.endswith("…")
    assert len(before) <= 22 and len(after) <= 22
    assert excerpt("Mrs Okafor", find("Mrs Okafor")[0]) == ("", "Mrs Okafor", "")


@pytest.mark.parametrize("hostile", [
    "Aa " * 1333, "Mr " * 1333, "1/1/" * 1000, "07700 " * 666, "her son " * 500, "a@b." * 1000,
    "12 May 2009 " * 333, "Flat 1, 2 A B C " * 250,
])
def test_a_full_box_of_anything_is_checked_quickly(hostile: str) -> None:
    text = hostile[:4000]
    started = time.perf_counter()
    find(text, today=TODAY)
    assert time.perf_counter() - started < 3.0


if __name__ == "__main__":
    result = measure()
    print(result.table())
    print("\n".join(result.misses))


# --- the account page (AppTest) -----------------------------------------------------------------------
def _account_page() -> Any:
    from test_app import start, to_account

    return to_account(start(), {})


def _warnings(at: Any) -> str:
    import re

    return re.sub(r"\\(.)", r"\1", "\n".join(str(w.value) for w in at.warning))


def _marked(at: Any) -> list[str]:
    return [str(m.value) for m in at.markdown if "<mark>" in str(m.value)]


def test_an005_personal_details_are_pointed_out_under_their_box_with_the_span_marked() -> None:
    from screening.errors import CATALOGUE

    at = _account_page()
    noticed = "He said his name is Tyler Bennett, mobile 07911 123456."
    at.text_area(key="account.0.noticed_what").input(noticed).run()
    assert not at.exception
    said = CATALOGUE["AN005"].template.format(field="What did you notice?", what="a name and a phone number")
    assert said in _warnings(at)
    marked = _marked(at)
    assert len(marked) == 2
    assert "<mark>Tyler Bennett</mark>" in marked[0] and "<mark>07911 123456</mark>" in marked[1]
    keys = [b.key for b in at.button]
    assert "personal_data.0.noticed_what.0.remove" in keys and "personal_data.0.noticed_what.1.keep" in keys


def test_next_waits_until_each_finding_is_replaced_or_confirmed() -> None:
    from test_app import title

    at = _account_page()
    at.text_area(key="account.0.noticed_what").input("Ring Darren on 07823 456 789 about the flags.")
    at.text_input(key="account.0.screener_role").input("Housing officer")
    at.button(key="nav.next").click().run()
    assert title(at) == "What happened", "went on with personal details in the box"
    at.button(key="personal_data.0.noticed_what.1.remove").click().run()  # the phone number
    box = at.text_area(key="account.0.noticed_what").value
    assert box == "Ring Darren on [phone number removed] about the flags."
    at.button(key="personal_data.0.noticed_what.0.keep").click().run()  # "Darren" is not personal data
    assert _marked(at) == [] and "may contain" not in _warnings(at)
    at.button(key="nav.next").click().run()
    assert title(at) == "Check your answers"
    assert any("[phone number removed]" in str(m.value).replace("\\", "") for m in at.markdown)


def test_a_name_in_your_role_is_personal_data_too() -> None:
    at = _account_page()
    at.text_area(key="account.0.noticed_what").input("Said an attack was deserved.")
    at.text_input(key="account.0.screener_role").input("Jane Smith, housing officer").run()
    assert "'Your role' may contain a name" in _warnings(at)
    at.button(key="personal_data.0.screener_role.0.remove").click().run()
    assert at.text_input(key="account.0.screener_role").value == "[name removed], housing officer"


def test_typed_markup_in_a_finding_is_shown_as_text() -> None:
    from markdown_it import MarkdownIt

    at = _account_page()
    at.text_area(key="account.0.noticed_what").input(
        "Mrs Okafor <b>said</b> [x](http://evil.example) <img src=x onerror=alert(1)>").run()
    marked = _marked(at)
    assert marked
    rendered = MarkdownIt("commonmark", {"html": True}).render(marked[0])
    assert "<mark>Mrs Okafor</mark>" in rendered
    assert "<b>" not in rendered and "<img" not in rendered and "<a " not in rendered
