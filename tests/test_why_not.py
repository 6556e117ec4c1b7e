"""'Why not' (explain_alternatives) reaches the narrative, the exports and the result page."""

from __future__ import annotations

import json

from rulefiles import RULES

from screening import evaluate, load
from screening.exports import summary
from screening.record import ScreeningRecord


def _made(answers: dict[str, str]):
    rs = load(RULES)
    record = ScreeningRecord(answers=answers, noticed_what="Repeated us-and-them talk at the office.")
    return rs, evaluate(rs, answers), record


def test_narrative_says_what_would_change_the_route() -> None:
    answers = {i: "no" for i in load(RULES).indicator_ids()} | {"us_and_them": "yes", "isolated": "yes"}
    rs, a, record = _made(answers)
    n = summary.narrative(rs, a, record)
    assert a.outcome == "prevent_lead_advice"
    text = " ".join(n.alternatives)
    # one more serious route needs one answer changed; the less serious one names the circumstance
    assert "'Contact the Prevent Lead today'" in text and "'Call 999 now'" in text
    # one answer less lowers it; which of the equally small changes is named is the solver's choice
    assert ("If 'Are they socially isolated' were no" in text
            or "If 'Do they talk about another group of people as enemies or as less than human' were no"
            in text)
    assert "What would change the recommendation" in summary.to_markdown(rs, a, record)


def test_json_export_carries_the_alternatives_as_data() -> None:
    rs, a, record = _made({"threatens_harm": "yes"})
    data = json.loads(summary.to_json(rs, a, record))
    outcomes = [alt["outcome"] for alt in data["alternatives"]]
    assert "emergency" in outcomes
    emergency = next(alt for alt in data["alternatives"] if alt["outcome"] == "emergency")
    assert len(emergency["changes"]) == 1 and emergency["changes"][0]["would_be"] == "yes"
    # still a valid, self-checking export
    assert summary.read_export(summary.to_json(rs, a, record).encode(), rs).replay.changed is False


def test_no_alternatives_under_other_rules(tmp_path) -> None:
    from rulefiles import copy_rules

    _rs, a, record = _made({"threatens_harm": "yes"})
    other = load(copy_rules(tmp_path / "r", {"Are they socially isolated?": "Are they lonely?"}))
    assert summary.narrative(other, a, record).alternatives == ()
