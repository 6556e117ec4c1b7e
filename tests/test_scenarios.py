"""The rule-scenario runner: it must catch a wrong expectation, refuse bad files at file:line,
and exit 0/1/2 as the CLI promises. Also: the shipped scenarios cover what the brief requires."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import textwrap
from collections import Counter
from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text, shipped_version

from screening import RuleSet, load
from screening.rules.scenario_results import coverage_warnings, main, run, run_all
from screening.rules.scenarios import load_dir, load_file

ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(scope="module")
def ruleset() -> RuleSet:
    return load(RULES)


def write_scenarios(rules_dir: Path, text: str, name: str = "cases.yaml") -> Path:
    """A rules folder (copy of the shipped rules) holding one scenario file."""
    copy_rules(rules_dir)
    tests = rules_dir / "tests"
    tests.mkdir(exist_ok=True)
    path = tests / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def run_main(rules_dir: Path) -> tuple[int, str]:
    out = io.StringIO()
    code = main(rules_dir, out)
    return code, out.getvalue()


GOOD = """\
- name: fixation_alone
  description: A young person talks about nothing but footage of mass killings.
  answers:
    violence_fixation: yes
  expect:
    outcome: prevent_lead_advice
"""

WRONG = """\
- name: fixation_alone
  description: A young person talks about nothing but footage of mass killings.
  answers:
    violence_fixation: yes
  expect:
    outcome: prevent_lead_advice

- name: fixation_wrongly_expected
  description: The same young person; the expectation below is deliberately wrong.
  answers:
    violence_fixation: yes
    isolated: yes
  expect:
    outcome: contact_prevent_lead
"""


# --- the shipped scenarios ------------------------------------------------------------------------


def test_shipped_scenarios_all_pass_and_cover_every_outcome_rule_and_step(ruleset: RuleSet) -> None:
    scenarios, problems = load_dir(RULES / "tests", ruleset)
    assert problems == []
    assert len(scenarios) >= 30
    results = run_all(scenarios, ruleset)
    assert [r.scenario.name for r in results if not r.passed] == []
    by_outcome = Counter(s.expect.outcome for s in scenarios)
    assert set(by_outcome) == {o.id for o in ruleset.outcomes}
    # every rule decides some scenario's outcome, and every step is added in some scenario
    assert coverage_warnings(results, ruleset) == []


def test_shipped_scenarios_include_the_required_edge_cases(ruleset: RuleSet) -> None:
    scenarios = {s.name: s for s in load_dir(RULES / "tests", ruleset)[0]}
    context = [i.id for f in ruleset.factors if f.kind.value == "context" for i in f.indicators]
    every_context = [s for s in scenarios.values()
                     if {k for k, v in s.answers.items() if v == "yes"} == set(context)]
    assert [s.expect.outcome for s in every_context] == ["consider_safeguarding"]
    profile_only = scenarios["profile_only_child_with_care_needs"]
    assert profile_only.expect.outcome == "no_prevent_concern"
    assert profile_only.expect.additional_steps == ("childrens_safeguarding", "adult_safeguarding")
    assert scenarios["shawcross_mental_health_need_alone"].expect.outcome == "consider_safeguarding"
    assert scenarios["anderson_fixation_on_violence_without_ideology"].expect.outcome == \
        "prevent_lead_advice"
    assert any(s.expect.could_become is not None for s in scenarios.values())


def test_shipped_scenarios_catch_a_rule_edit_that_drops_the_anderson_lesson(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules", {
        "    - id: fixation_on_violence\n      outcome: prevent_lead_advice":
        "    - id: fixation_on_violence\n      outcome: consider_safeguarding"})
    shutil.copytree(RULES / "tests", rules / "tests")
    code, out = run_main(rules)
    assert code == 1
    assert "TS001 scenario 'anderson_fixation_on_violence_without_ideology': expected outcome " \
           "prevent_lead_advice, got consider_safeguarding" in out
    path = rules / "tests" / "prevent_lead_advice.yaml"
    assert f"{path}:{line_of_text(path, 'anderson_fixation_on_violence_without_ideology')}:" in out


def test_shipped_scenarios_catch_a_dropped_childrens_step(tmp_path: Path) -> None:
    rules = copy_rules(tmp_path / "rules", {
        "    when:\n      answered_yes: under_18":
        "    when:\n      all:\n        - answered_yes: under_18\n"
        "        - answered_yes: care_and_support_needs"})  # steps may read only profile (CK019)
    shutil.copytree(RULES / "tests", rules / "tests")
    code, out = run_main(rules)
    assert code == 1
    assert ("scenario 'profile_only_under_18': expected additional_steps [childrens_safeguarding], "
            "got []") in out


# --- a wrong expectation is caught, with file:line, expected, actual and the trace --------------


def test_wrong_expectation_reports_file_line_expected_actual_and_trace(tmp_path: Path) -> None:
    path = write_scenarios(tmp_path / "rules", WRONG)
    code, out = run_main(tmp_path / "rules")
    assert code == 1
    line = line_of_text(path, "fixation_wrongly_expected")
    first = out.splitlines()[0]
    assert first.startswith(f"{path}:{line}: TS001 scenario 'fixation_wrongly_expected': ")
    assert "expected outcome contact_prevent_lead, got prevent_lead_advice" in first
    assert "fixation_on_violence -> prevent_lead_advice, decisive, on violence_fixation=yes" in first
    assert "weaker_signs_with_circumstances -> prevent_lead_advice, decisive, on " \
           "violence_fixation=yes, isolated=yes" in first
    assert out.splitlines()[-1].endswith(
        "1 passed, 1 failed; rules rochford_prevent_screening " + shipped_version())
    assert "fixation_alone" not in "".join(out.splitlines()[:-1])  # passing scenarios print nothing


@pytest.mark.parametrize(("expect", "message"), [
    ("outcome: prevent_lead_advice\n    additional_steps: [childrens_safeguarding]",
     "expected additional_steps [childrens_safeguarding], got []"),
    ("outcome: prevent_lead_advice\n    fired: [stronger_engagement]",
     "expected fired to include [stronger_engagement], got fired [fixation_on_violence, "
     "weaker_sign_alone]"),
    ("outcome: prevent_lead_advice\n    not_fired: [weaker_sign_alone]",
     "expected not to fire [weaker_sign_alone], got fired [fixation_on_violence, weaker_sign_alone]"),
    ("outcome: prevent_lead_advice\n    could_become: none",
     "expected could_become none, got emergency if yes to [imminent_danger]"),
    ("outcome: prevent_lead_advice\n    could_become: {outcome: emergency, if_yes: [named_target]}",
     "expected could_become emergency if yes to [named_target], got emergency if yes to [imminent_danger]"),
])
def test_every_kind_of_expectation_can_fail(tmp_path: Path, ruleset: RuleSet, expect: str,
                                            message: str) -> None:
    path = write_scenarios(tmp_path / "rules", GOOD.replace("outcome: prevent_lead_advice", expect))
    scenarios, problems = load_file(path, ruleset)
    assert problems == []
    result = run(scenarios[0], ruleset)
    assert not result.passed
    failure = result.problem()
    assert failure is not None and failure.code == "TS001" and failure.line == 1
    assert message in failure.message
    report = result.report()
    assert report.startswith(f"{path}:1: scenario 'fixation_alone' TS001")
    assert "fixation_on_violence -> prevent_lead_advice, decisive, on violence_fixation=yes" in report


def test_matching_expectations_pass(tmp_path: Path, ruleset: RuleSet) -> None:
    path = write_scenarios(tmp_path / "rules", GOOD.replace(
        "outcome: prevent_lead_advice",
        "outcome: prevent_lead_advice\n    additional_steps: []\n    fired: [fixation_on_violence]\n"
        "    not_fired: [stronger_engagement]\n"
        "    could_become: {outcome: emergency, if_yes: [imminent_danger]}"))
    scenarios, problems = load_file(path, ruleset)
    assert problems == []
    assert run(scenarios[0], ruleset).passed


# --- bad scenario files: catalogue message at file:line -----------------------------------------


BAD_FILES = [
    pytest.param("- name: a\n  description: d\n  answers: {}\n  expcet: {outcome: emergency}\n",
                 "TS002", 4, "'expcet' is not a setting of a scenario (did you mean 'expect'?)",
                 id="unknown-scenario-key"),
    pytest.param("- name: a\n  description: d\n  answers: {}\n", "TS002", 1,
                 "scenario 'a' has no 'expect'", id="missing-expect"),
    pytest.param("- name: a\n  description: d\n  answers: {}\n  expect:\n    fired: []\n", "TS002", 4,
                 "scenario 'a': expect has no outcome", id="expect-without-outcome"),
    pytest.param("- name: a\n  description: d\n  answers: {}\n  expect:\n    outcome: emergency\n"
                 "    outcom: emergency\n", "TS002", 6,
                 "'outcom' is not a setting under expect (did you mean 'outcome'?)", id="unknown-expect-key"),
    pytest.param("- name: a\n  description: d\n  answers:\n    isolated: yes\n    violense_fixation: yes\n"
                 "  expect: {outcome: emergency}\n", "AN001", 5,
                 "'violense_fixation' is not a question in rule set rochford_prevent_screening "
                 "(did you mean 'violence_fixation'?)", id="unknown-indicator"),
    pytest.param("- name: a\n  description: d\n  answers:\n    isolated: maybe\n"
                 "  expect: {outcome: emergency}\n", "AN002", 4,
                 "the answer to 'isolated' is 'maybe', which is not an answer", id="bad-answer"),
    pytest.param("- name: a\n  description: d\n  answers: {}\n  expect:\n    outcome: emergancy\n",
                 "TS003", 5, "scenario 'a': 'emergancy' is not a known outcome in rule set "
                 "rochford_prevent_screening (did you mean 'emergency'?)", id="unknown-outcome"),
    pytest.param("- name: a\n  description: d\n  answers: {}\n  expect:\n    outcome: emergency\n"
                 "    fired: [stronger_engagment]\n", "TS003", 6,
                 "'stronger_engagment' is not a known rule", id="unknown-rule"),
    pytest.param("- name: a\n  description: d\n  answers: {}\n  expect: {outcome: emergency}\n"
                 "- name: a\n  description: d\n  answers: {}\n  expect: {outcome: emergency}\n",
                 "TS002", 5, "the scenario name 'a' is used twice (first on line 1)", id="duplicate-name"),
    pytest.param("- name: a\n  description: He stopped going to the mosque.\n  answers: {}\n"
                 "  expect: {outcome: no_prevent_concern}\n", "TS006", 2,
                 "scenario 'a': the description uses 'mosque' (religion or belief)", id="characteristic"),
    pytest.param("", "TS002", 1, "the file holds no scenarios", id="empty-file"),
    pytest.param("name: a\n", "TS002", 1, "the file has no 'scenarios:' list; to write a single "
                 "scenario, start it with '- name:'", id="mapping-without-scenarios"),
    pytest.param("- name: a\n  name: b\n", "RS003", 2,
                 "'name' appears twice in the same block (first on line 1)", id="duplicate-key"),
    pytest.param("- name: a\n  description: [unclosed\n", "RS002", 3, "this is not valid YAML",
                 id="invalid-yaml"),
]


@pytest.mark.parametrize(("text", "code", "line", "message"), BAD_FILES)
def test_bad_scenario_file_is_refused_at_file_line(tmp_path: Path, ruleset: RuleSet, text: str,
                                                   code: str, line: int, message: str) -> None:
    path = tmp_path / "bad.yaml"
    path.write_text(text, encoding="utf-8")
    scenarios, problems = load_file(path, ruleset)
    assert scenarios == []
    assert [(p.code, p.path, p.line) for p in problems][:1] == [(code, str(path), line)]
    assert message in problems[0].message
    assert problems[0].format().startswith(f"{path}:{line}: {code} ")


def test_scenarios_mapping_form_is_accepted(tmp_path: Path, ruleset: RuleSet) -> None:
    path = tmp_path / "cases.yaml"
    path.write_text("description: grouped\nscenarios:\n" + textwrap.indent(GOOD, "  "), encoding="utf-8")
    scenarios, problems = load_file(path, ruleset)
    assert problems == [] and [s.line for s in scenarios] == [3]


def test_duplicate_names_across_files_are_refused(tmp_path: Path, ruleset: RuleSet) -> None:
    write_scenarios(tmp_path / "rules", GOOD, "a.yaml")
    second = write_scenarios(tmp_path / "rules", GOOD, "b.yaml")
    _, problems = load_dir(tmp_path / "rules" / "tests", ruleset)
    assert [(p.code, p.path, p.line) for p in problems] == [("TS002", str(second), 1)]
    assert f"first at {tmp_path / 'rules' / 'tests' / 'a.yaml'}:1" in problems[0].message


# --- main(): exit codes 0 / 1 / 2 ---------------------------------------------------------------


def test_main_exit_0_on_the_shipped_rules() -> None:
    code, out = run_main(RULES)
    assert code == 0, out
    assert " 0 failed; rules rochford_prevent_screening" in out.splitlines()[-1]


def test_main_exit_0_with_coverage_warnings(tmp_path: Path) -> None:
    write_scenarios(tmp_path / "rules", GOOD)
    code, out = run_main(tmp_path / "rules")
    assert code == 0
    assert "warning TS005 no scenario exercises the rule 'immediate_danger'" in out
    assert "warning TS005 no scenario exercises the rule 'fixation_on_violence'" not in out
    assert out.splitlines()[-1].endswith(
        "1 passed, 0 failed; rules rochford_prevent_screening " + shipped_version())


def test_main_exit_1_when_a_scenario_fails(tmp_path: Path) -> None:
    write_scenarios(tmp_path / "rules", WRONG)
    assert run_main(tmp_path / "rules")[0] == 1


def test_main_exit_2_for_a_bad_scenario_file(tmp_path: Path) -> None:
    path = write_scenarios(tmp_path / "rules", GOOD.replace("expect:", "expcet:"))
    code, out = run_main(tmp_path / "rules")
    assert code == 2
    assert f"{path}:5: TS002 'expcet' is not a setting of a scenario (did you mean 'expect'?)" in out
    assert out.splitlines()[-1] == "cannot run the scenarios: 2 problems in the scenario files"


def test_main_exit_2_when_the_rules_cannot_be_read(tmp_path: Path) -> None:
    code, out = run_main(tmp_path / "missing")
    assert code == 2
    assert "RS001 cannot read" in out and "the rule set cannot be read" in out


def test_main_exit_2_when_there_are_no_scenarios(tmp_path: Path) -> None:
    copy_rules(tmp_path / "rules")
    code, out = run_main(tmp_path / "rules")
    assert code == 2
    assert f"TS004 no scenario files (*.yaml) in {tmp_path / 'rules' / 'tests'}" in out


def test_main_accepts_the_ruleset_file_itself(tmp_path: Path) -> None:
    write_scenarios(tmp_path / "rules", GOOD)
    assert run_main(tmp_path / "rules" / "ruleset.yaml")[0] == 0


# --- the pytest plugin (rules/tests/conftest.py), end to end ------------------------------------


def _pytest(rules_dir: Path) -> subprocess.CompletedProcess[str]:
    shutil.copy(RULES / "tests" / "conftest.py", rules_dir / "tests" / "conftest.py")
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           str(rules_dir / "tests")], cwd=rules_dir, env=env,
                          capture_output=True, text=True, timeout=120)


def test_pytest_plugin_one_item_per_scenario_and_readable_failure(tmp_path: Path) -> None:
    path = write_scenarios(tmp_path / "rules", WRONG)
    proc = _pytest(tmp_path / "rules")
    assert proc.returncode == 1, proc.stdout + proc.stderr
    assert "1 failed, 1 passed" in proc.stdout
    line = line_of_text(path, "fixation_wrongly_expected")
    assert f"{path}:{line}: scenario 'fixation_wrongly_expected' TS001" in proc.stdout
    assert "outcome: expected contact_prevent_lead" in proc.stdout
    assert "actual   prevent_lead_advice" in proc.stdout


def test_pytest_plugin_reports_a_bad_file_as_a_collection_error(tmp_path: Path) -> None:
    path = write_scenarios(tmp_path / "rules",
                           GOOD.replace("violence_fixation: yes", "violense_fixation: yes"))
    proc = _pytest(tmp_path / "rules")
    assert proc.returncode == 2, proc.stdout + proc.stderr
    assert f"{path}:4: AN001 'violense_fixation' is not a question" in proc.stdout
