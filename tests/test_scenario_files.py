"""One bad scenario file does not stop the others (python -m screening test, TS007)."""

from __future__ import annotations

import io
from pathlib import Path

from rulefiles import copy_rules

from screening.rules.scenario_results import main

GOOD = """- name: fixation_alone
  description: A young person talks about nothing but footage of mass killings.
  answers:
    violence_fixation: yes
  expect:
    outcome: prevent_lead_advice
"""
FAILING = GOOD.replace("fixation_alone", "fixation_expected_wrongly").replace(
    "outcome: prevent_lead_advice", "outcome: no_prevent_concern")


def run(folder: Path) -> tuple[int, list[str]]:
    out = io.StringIO()
    code = main(folder, out)
    return code, out.getvalue().splitlines()


def test_a_bad_file_is_named_and_the_good_files_still_run(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules")
    (rules / "tests").mkdir()
    (rules / "tests" / "a_good.yaml").write_text(GOOD, encoding="utf-8")
    bad = rules / "tests" / "b_bad.yaml"
    bad.write_text("- name: broken\n  description: [never closed\n", encoding="utf-8")
    (rules / "tests" / "c_failing.yaml").write_text(FAILING, encoding="utf-8")
    code, lines = run(rules)
    assert code == 2  # a file could not be read: never reported as all passing
    assert any(line.startswith(f"{bad}:") and " RS002 " in line for line in lines)
    assert f"{bad}: TS007 this scenario file was not run (1 problem above); the scenarios in the " \
           "other files were run and are reported below; fix the problems listed for this file " \
           "and run the scenarios again; until then its cases are not checked" in lines
    # the failing scenario in the third file was still run and reported
    assert any(" TS001 scenario 'fixation_expected_wrongly'" in line for line in lines)
    assert lines[-2].startswith(f"2 scenarios in {rules / 'tests'} (")
    assert lines[-2].endswith("1 passed, 1 failed; rules rochford_prevent_screening "
                              + lines[-2].rsplit(" ", 1)[1])
    assert lines[-1] == "1 scenario file not run: 1 problem in the scenario files"


def test_all_files_bad_still_says_nothing_ran(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules")
    (rules / "tests").mkdir()
    (rules / "tests" / "only.yaml").write_text("- name: x\n  description: [\n", encoding="utf-8")
    code, lines = run(rules)
    assert code == 2
    assert lines[-1] == "cannot run the scenarios: 1 problem in the scenario files"
