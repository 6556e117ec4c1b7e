"""Length limits on every free-text field: in the boxes, in the record, and in an opened file (AN004)."""

from __future__ import annotations

import io
import json
import random
import time
from pathlib import Path

import pypdf
import pytest
from pydantic import ValidationError
from streamlit.testing.v1 import AppTest

from screening import ScreeningError, evaluate, load
from screening.exports import summary
from screening.exports.export import canonical, integrity
from screening.record import Departure, ScreeningRecord
from screening.rules.ruleset import AccountFieldId
from screening.text import LIMITS, limit, too_long

ROOT = Path(__file__).resolve().parents[1]
CASE = {"justifies_violence": "yes", "isolated": "yes"}
RECORD_TEXT = [f for f in LIMITS if f in ScreeningRecord.model_fields]
DEPARTURE_TEXT = [f for f in LIMITS if f in Departure.model_fields]


@pytest.fixture(scope="module")
def rs():
    return load()


def prose(n: int) -> str:
    """n characters of ordinary words (a PDF lays these out as a worker's notes would be)."""
    words = ["the", "person", "said", "they", "were", "angry", "about", "council", "and", "would",
             "not", "talk", "to", "anyone"]
    rnd, out = random.Random(n), ""
    while len(out) < n:
        out += rnd.choice(words) + " "
    return out[:n]


def test_every_text_field_of_the_record_has_a_limit() -> None:
    text_fields = {name for model in (ScreeningRecord, Departure)
                   for name, f in model.model_fields.items() if f.annotation in (str, str | None)}
    assert text_fields == set(LIMITS)
    assert set(AccountFieldId.__args__) <= set(LIMITS)  # every box the rule file can ask for
    assert limit("noticed_what") == 4_000 and limit("screener_role") == 200


@pytest.mark.parametrize("field", RECORD_TEXT)
def test_record_refuses_text_over_its_limit_with_the_catalogue_message(field: str) -> None:
    ScreeningRecord(**{field: "x" * limit(field)})  # the limit itself is fine
    with pytest.raises(ValidationError) as info:
        ScreeningRecord(**{field: "x" * (limit(field) + 100)})
    err = info.value.errors()[0]
    assert err["loc"] == (field,)
    assert err["msg"] == (f"'{LIMITS[field].name}' is {limit(field) + 100:,} characters long; "
                          f"the limit is {limit(field):,}")


@pytest.mark.parametrize("field", DEPARTURE_TEXT)
def test_departure_refuses_text_over_its_limit(field: str) -> None:
    ok = {"outcome": "no_prevent_concern", "reason": "A reason of some length", "agreed_by": "Manager"}
    with pytest.raises(ValidationError, match=f"the limit is {limit(field):,}"):
        Departure(**{**ok, field: "x" * (limit(field) + 1)})


def test_limit_counts_what_is_kept_not_direction_controls() -> None:
    rec = ScreeningRecord(screener_role="\u202e" * 50 + "x" * limit("screener_role"))
    assert len(rec.screener_role) == limit("screener_role")


def test_an4_message_names_the_label_the_worker_saw() -> None:
    p = too_long("noticed_what", "x" * 4_100, "What did you notice?")
    assert p is not None and p.code == "AN004"
    assert p.message == "'What did you notice?' is 4,100 characters long; the limit is 4,000"
    assert p.fix.startswith("shorten it") and "the Prevent Lead will ask for detail" in p.fix
    assert too_long("noticed_what", "x" * 4_000) is None
    assert too_long("noticed_what", "x" * 4_000, at_limit=True) is not None


def _sealed_file(rs, change) -> bytes:
    body = json.loads(summary.to_json(rs, evaluate(rs, CASE), ScreeningRecord(answers=CASE)))
    change(body["record"])
    body["integrity"]["value"] = integrity(body)
    return canonical(body)


def test_export_reader_refuses_over_limit_text_with_ex005(rs, monkeypatch, tmp_path) -> None:
    monkeypatch.delenv("SCREENING_EXPORT_KEY", raising=False)
    monkeypatch.setenv("SCREENING_REGISTER", str(tmp_path / "register"))
    data = _sealed_file(rs, lambda r: r.update(noticed_what="x" * 200_000))
    with pytest.raises(ScreeningError) as info:
        summary.read_export(data, rs)
    [p] = info.value.problems
    assert p.code == "EX005"
    assert p.message == ("record.noticed_what: 'What was noticed' is 200,000 characters long; the limit "
                         "is 4,000")
    data = _sealed_file(rs, lambda r: r.update(departure={"outcome": "no_prevent_concern",
                                                          "reason": "y" * 5_000, "agreed_by": ""}))
    with pytest.raises(ScreeningError, match=r"EX005 record\.departure\.reason: 'The reason for choosing"):
        summary.read_export(data, rs)


def test_a_screening_at_every_limit_makes_a_short_pdf_quickly(rs) -> None:
    """Measured: 200 000 characters a box made a 289-page PDF; at the limits it is a few pages."""
    fields = {f: prose(limit(f)) for f in ("noticed_what", "noticed_when", "how_known", "other_agencies",
                                           "alternative_explanations", "screener_role", "screener_team")}
    rec = ScreeningRecord(answers=CASE, **fields,
                          departure=Departure(outcome="no_prevent_concern", reason=prose(limit("reason"))))
    n = summary.narrative(rs, evaluate(rs, CASE), rec)
    began = time.perf_counter()
    data = summary.narrative_pdf(n)
    seconds = time.perf_counter() - began
    pages = len(pypdf.PdfReader(io.BytesIO(data)).pages)
    print(f"PDF at every limit: {pages} pages, {seconds:.2f} s")
    assert pages <= 8  # 4-5 pages of text, and the table of every answer (about 2 pages)
    assert seconds < 5  # about 1 s on a busy 2-core machine; 200 000 characters a box took 8-10 s


# --- the boxes ----------------------------------------------------------------------------------

def _account_page() -> AppTest:
    from test_app import start, to_account

    return to_account(start(), {})


def test_every_box_stops_at_its_limit(monkeypatch) -> None:
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    at = _account_page()
    boxes = [*at.text_area, *at.text_input]
    assert {b.key.rsplit(".", 1)[1] for b in boxes} == {f.id for f in (
        *load().wording.account.fields, *load().wording.account.screener_fields)}
    for box in boxes:
        assert box.proto.max_chars == limit(box.key.rsplit(".", 1)[1]), box.key


def test_a_paste_longer_than_a_box_is_cut_and_the_worker_is_told(monkeypatch) -> None:
    monkeypatch.delenv("SCREENING_RULES", raising=False)
    at = _account_page()
    # a browser stops typing at max_chars; a paste, or a client that ignores it, sends more, and
    # Streamlit keeps only the first max_chars characters
    at.text_area(key="account.0.noticed_what").set_value("Said it. " + "x" * 200_000).run()
    assert len(at.text_area(key="account.0.noticed_what").value) == limit("noticed_what")
    message = "'What did you notice?' is 4,000 characters long; the limit is 4,000"
    assert any(message in e.value.replace("\\", "") for e in at.error), [e.value for e in at.error]
    assert any(message in m.value.replace("\\", "") for m in at.markdown)


def test_departure_boxes_stop_at_their_limits(monkeypatch) -> None:
    from test_app import fill_account

    monkeypatch.delenv("SCREENING_RULES", raising=False)
    at = fill_account(_account_page())
    at.button(key="nav.next").click().run()  # check page -> the recommendation
    reason = next(t for t in at.text_area if t.key.endswith(".reason"))
    assert reason.proto.max_chars == limit("reason")
    reason.set_value("r" * 3_000).run()
    assert len(next(t for t in at.text_area if t.key.endswith(".reason")).value) == limit("reason")
    assert any("'Why?' is 2,000 characters long; the limit is 2,000" in m.value.replace("\\", "")
               for m in at.markdown)
