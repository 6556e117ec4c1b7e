"""The command line: exit codes, file:line messages, JSON, and no tracebacks for bad input."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import pytest
from rulefiles import RULES, copy_rules, line_of_text, shipped_version

from screening.cli import main

ROOT = Path(__file__).resolve().parents[1]


def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def test_lint_shipped_rules_is_clean() -> None:
    code, out, _ = run("lint")
    assert code == 0
    assert f"OK: rochford_prevent_screening version {shipped_version()}" in out


def test_lint_broken_rules_exit_1_with_file_line(tmp_path: Path) -> None:
    d = copy_rules(tmp_path, {"answered_yes: violence_fixation": "answered_yes: violence_fixaton"})
    code, out, _ = run("lint", str(d))
    line = line_of_text(d / "ruleset.yaml", "violence_fixaton")
    assert code == 1
    assert out.splitlines()[0].startswith(f"{d / 'ruleset.yaml'}:{line}: RS007 'violence_fixaton'")


def test_evaluate_json(tmp_path: Path) -> None:
    answers = tmp_path / "a.yaml"
    answers.write_text("threatens_harm: yes\nisolated: no\nunder_18: yes\n")
    code, out, _ = run("evaluate", str(answers), "--json")
    assert code == 0
    data = json.loads(out)
    assert data["outcome"] == "contact_prevent_lead"
    assert data["additional_steps"] == ["childrens_safeguarding"]
    assert data["fired"][0]["rule"] == "intent_or_capability"
    assert data["could_become"]["outcome"] == "emergency"
    assert "isolated" not in data["unknowns"] and "imminent_danger" in data["unknowns"]
    assert set(data["ruleset"]) == {"id", "version", "sha256"}


def test_evaluate_with_explicit_rules_and_json_answers(tmp_path: Path) -> None:
    answers = tmp_path / "a.json"
    answers.write_text(json.dumps({"us_and_them": True, "isolated": True}))
    code, out, _ = run("evaluate", str(RULES), str(answers))
    assert code == 0
    # the danger questions were left out (unknown): the urgent check leads, then the recommendation
    first, second = out.splitlines()[:2]
    assert first.startswith("Check now, before anything else: Is anyone in danger right now?")
    assert second == "Recommendation: Talk it through with the Prevent Lead"
    assert "01702 546 366" in out


@pytest.mark.parametrize(("content", "code_expected", "fragment"), [
    (b"treatens_harm: yes\n", "AN001", ":1: AN001 'treatens_harm' is not a question"),
    (b"isolated: yes\nthreatens_harm: perhaps\n", "AN002", ":2: AN002 the answer to 'threatens_harm'"),
    (b"", "AN003", ":1: AN003 cannot read the answers: the file is empty"),
    (b"\x89PNG\r\n\x1a\n\x00\x00", "AN003", "AN003 cannot read the answers"),
    (b"- a\n- b\n", "AN003", "it must map question ids"),
    (b"a: [unclosed\n", "AN003", "AN003 cannot read the answers"),
    (b"justifies_violence: [yes]\n", "AN002", ":1: AN002 the answer to 'justifies_violence' is ['yes']"),
    (b"justifies_violence: {a: 1}\n", "AN002", ":1: AN002 the answer to 'justifies_violence'"),
    (b"[" * 5000 + b"]" * 5000, "RS016", ":1: RS016 this file is too large or complex to read: it is "
                                         "nested more than 40 levels deep"),
    (b"? [a]\n: yes\n", "AN003", "a list, set or mapping cannot be used as a key"),
    (b"? !!set {a}\n: yes\n", "AN003", "the tag '!!set' is not read by this tool"),
    (b"~: yes\n", "AN003", "an empty key (~ or null) cannot be used as a key"),
    (b"__lines__: yes\n", "AN003", "'__lines__' is reserved"),
])
def test_evaluate_bad_input_exit_2(tmp_path: Path, content: bytes, code_expected: str,
                                   fragment: str) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(content)
    code, out, err = run("evaluate", str(answers))
    assert code == 2 and out == ""
    assert code_expected in err and fragment in err
    assert "Traceback" not in err


def test_no_traceback_through_the_real_entry_point(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_bytes(b"\xff\xfe\x00garbage")
    proc = subprocess.run([sys.executable, "-m", "screening", "evaluate", str(answers)],
                          cwd=ROOT, capture_output=True, text=True, check=False)
    assert proc.returncode == 2
    assert "AN003" in proc.stderr and "Traceback" not in proc.stderr


@pytest.mark.parametrize("command", [[], ["lint"], ["evaluate"], ["test"]])
def test_help(command: list[str]) -> None:
    proc = subprocess.run([sys.executable, "-m", "screening", *command, "--help"], cwd=ROOT,
                          capture_output=True, text=True, check=False)
    assert proc.returncode == 0
    assert "usage: python -m screening" in proc.stdout


def test_unexpected_failure_is_a_catalogue_message_not_a_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import screening.cli

    def boom(*args: object) -> int:
        raise KeyError("internal")

    monkeypatch.setattr(screening.cli, "cmd_lint", boom)
    code, out, err = run("lint")
    assert code == 2 and out == ""
    assert err.startswith("<input>: IN001 something unexpected went wrong (KeyError); nothing was changed")
    assert "Traceback" not in err
