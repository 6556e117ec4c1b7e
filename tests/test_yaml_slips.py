"""The usual slips of hand-editing YAML are named as such, with the fix (RS017-RS020, 1-based
list positions), instead of a parser's words."""

from __future__ import annotations

from pathlib import Path

import pytest
from rulefiles import copy_rules, line_of_text, shipped_version

from screening import RuleSetError, load
from screening.rules.loading import field_path
from screening.rules.yamlio import parse


def refused(folder: Path) -> list:
    with pytest.raises(RuleSetError) as info:
        load(folder, check=False)
    return list(info.value.problems)


def test_rs017_an_unquoted_version_is_read_as_a_number(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {f'version: "{shipped_version()}"': "version: 1.10"})
    (p,) = refused(d)
    assert p.code == "RS017" and p.line == line_of_text(d / "ruleset.yaml", "version: 1.10")
    assert p.message == "ruleset > version: 1.10 is read as the number 1.1, not as the text you wrote"
    assert p.fix.startswith('put it in quotes, so it stays exactly as written: version: "1.10"')


def test_rs017_an_unquoted_phone_number_loses_its_leading_zero(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"    phone: 01702 546 366\n    when_to_use: Any Prevent":
                              "    phone: 01702546366\n    when_to_use: Any Prevent"})
    (p,) = refused(d)
    assert p.code == "RS017"
    assert p.message == ("contacts #2 > phone: 01702546366 is read as the number 252366070, not as "
                         "the text you wrote")
    assert 'phone: "01702546366"' in p.fix


def test_rs018_a_colon_inside_a_text(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"summary: Someone may be in immediate danger.":
                              "summary: Note: someone may be in immediate danger."})
    (p,) = refused(d)
    assert p.code == "RS018"
    assert p.line == line_of_text(d / "ruleset.yaml", "summary: Note:")
    assert p.message == ("the text after 'summary:' holds a colon and a space ('Note: someone may be "
                         "in immediate danger.'), which YAML reads as the start of another setting")
    assert p.fix.startswith('put the whole text in quotes: summary: "Note: someone may be in '
                            'immediate danger."')


def test_rs018_a_colon_that_turns_a_list_item_into_a_setting(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"      - Record a factual note under local policy.":
                              "      - Remember: record a factual note under local policy."})
    (p,) = refused(d)
    assert p.code == "RS018"
    assert p.message.startswith("the text after the '-' of a list item holds a colon and a space "
                                "('Remember: record a factual note")
    assert '- "Remember: record a factual note under local policy."' in p.fix


def test_rs019_a_tab_is_named_as_a_tab(tmp_path: Path) -> None:
    data, (p,) = parse("ruleset:\n  id: x\n\ttitle: y\n", "f.yaml")
    assert data is None and (p.code, p.line) == ("RS019", 3)
    assert p.message == ("this line is indented with a tab character; YAML allows only spaces for "
                         "indentation")


def test_rs020_a_date_in_another_form(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {'effective_date: "2026-11-29"': "effective_date: 29/11/2026"})
    (p,) = refused(d)
    assert p.code == "RS020"
    assert p.message == "ruleset > effective_date: '29/11/2026' is not a date in the form YYYY-MM-DD"
    assert p.fix == 'write it as year-month-day in quotes, for example effective_date: "2026-11-30"'


def test_list_positions_are_counted_from_one() -> None:
    assert field_path(("factors", 0, "indicators", 2, "question")) == \
        "factors #1 > indicators #3 > question"
    assert field_path(()) == "the file"
