"""rules/schema.json is generated, up to date, and accepts exactly the rule-file grammar."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from rulefiles import RULES

from screening.rules import schema
from screening.rules.yamlio import parse, strip_lines

jsonschema = pytest.importorskip("jsonschema")
BROKEN = Path(__file__).resolve().parent / "broken"


def _data(path: Path) -> dict:
    raw, problems = parse(path.read_text(encoding="utf-8"), str(path))
    assert problems == []
    return json.loads(json.dumps(strip_lines(raw), default=str))


def _errors(data: dict) -> list[str]:
    validator = jsonschema.Draft202012Validator(json.loads((RULES / "schema.json").read_text()))
    return sorted("/".join(map(str, e.absolute_path)) for e in validator.iter_errors(data))


def test_committed_schema_is_up_to_date() -> None:
    assert (RULES / "schema.json").read_text(encoding="utf-8") == schema.render(), (
        "rules/schema.json is stale: run .venv/bin/python -m screening.rules.schema")


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(schema.generate())


def test_shipped_and_broken_rule_files_follow_the_grammar() -> None:
    assert _errors(_data(RULES / "ruleset.yaml")) == []
    for folder in sorted(p for p in BROKEN.iterdir() if p.is_dir()):
        assert _errors(_data(folder / "ruleset.yaml")) == [], folder.name  # semantic defects only


def _first_rule_when(data: dict, when: object) -> dict:
    data["routing"]["rules"][0]["when"] = when
    return data


@pytest.mark.parametrize("when", [
    {"at_least": 2},                                   # at_least needs 'of'
    {"answerd_yes": "imminent_danger"},                # misspelt condition
    {"any_yes": {"kind": "contex"}},                   # not a kind
    {"any_yes": {"factor": []}},                       # empty set
    {"all": []},                                       # empty list
    {"answered_yes": "imminent_danger", "any_yes": {"kind": "gate"}},  # two conditions in one
    {"not": {"at_least": 0, "of": {"kind": "gate"}}},  # at_least below 1, nested
    "imminent_danger",                                 # not a mapping
])
def test_bad_conditions_are_rejected(when: object) -> None:
    data = _first_rule_when(_data(RULES / "ruleset.yaml"), when)
    assert _errors(data) == ["routing/rules/0/when"]


def test_nested_conditions_are_accepted() -> None:
    when = {"any": [{"all": [{"at_least": 2, "of": {"kinds": ["context"], "indicators": "us_and_them"}},
                             {"not": {"answered_yes": "rejects_violence"}}]},
                    {"any_yes": {"group": ["stronger_engagement"], "factors": ["intent_capability"]}}]}
    assert _errors(_first_rule_when(_data(RULES / "ruleset.yaml"), when)) == []


def test_model_errors_outside_conditions_are_caught_too() -> None:
    data = _data(RULES / "ruleset.yaml")
    data["factors"][0]["indicators"][0]["questoin"] = "misspelt key"
    data["outcomes"][0]["category"] = "urgent"
    assert _errors(data) == ["factors/0/indicators/0", "outcomes/0/category"]


def test_check_flag_reports_a_stale_file(tmp_path: Path, monkeypatch, capsys) -> None:
    stale = tmp_path / "schema.json"
    stale.write_text("{}\n")
    monkeypatch.setattr(schema, "SCHEMA_PATH", stale)
    assert schema.main(["--check"]) == 1
    assert "out of date" in capsys.readouterr().out
    assert schema.main([]) == 0
    assert schema.main(["--check"]) == 0
    assert stale.read_text() == schema.render()
