"""The YAML reader's limits (RS015 anchors and aliases, RS016 size, entries and depth, plain tags only)
and the cap on how many problems are printed or shown (CLI and app share screening.errors.capped)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path
from unittest import mock

import pytest
from streamlit.testing.v1 import AppTest

from screening.cli import main
from screening.errors import Problem, Severity, capped, capped_lines, printable, problem, suggest
from screening.rules.yamlio import ANSWERS_FILE, RULE_FILE, Limits, parse, read_yaml, strip_lines

ROOT = Path(__file__).resolve().parents[1]
RULES = ROOT / "rules"
APP = str(ROOT / "app.py")

LAUGHS = 'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n' + "".join(
    f"{b}: &{b} [{', '.join(['*' + a] * 9)}]\n" for a, b in zip("abcdefgh", "bcdefghi", strict=True))


def only(text: str, limits: Limits = RULE_FILE) -> Problem:
    data, problems = parse(text, "f.yaml", limits)
    assert data is None and len(problems) == 1, problems
    return problems[0]


# --- RS015: anchors, aliases, merge keys ------------------------------------------------------------

def test_billion_laughs_is_refused_at_its_first_anchor_with_why_and_how() -> None:
    p = only(LAUGHS)
    assert p.format().startswith("f.yaml:1: RS015 this line uses an anchor ('&a')")
    assert "read aloud" in p.message and "billion" in p.message
    assert "write the text out in full" in p.fix


@pytest.mark.parametrize(("text", "line", "written"), [
    ("a: 1\nb: *a\n", 2, "*a"),                            # an alias (of nothing) is refused too
    ("a: 1\nb:\n  - &x [1]\n", 3, "&x"),
    ("a: {x: 1}\nb:\n  <<: {y: 2}\n", 3, "<<"),           # a merge key, even without an alias
    ("? &k key\n: v\n", 1, "&k"),                          # an anchor on a key
])
def test_anchors_aliases_and_merge_keys_name_their_line(text: str, line: int, written: str) -> None:
    p = only(text)
    assert (p.code, p.line) == ("RS015", line)
    assert f"('{written}')" in p.message


def test_quoted_ampersands_asterisks_and_chevrons_are_just_text() -> None:
    data, problems = parse('a: "&a *b"\nb: "<<"\nc: x & y * z\n', "f")
    assert problems == []
    assert strip_lines(data) == {"a": "&a *b", "b": "<<", "c": "x & y * z"}


# --- RS016: bytes, entries, depth -----------------------------------------------------------------

def test_a_file_over_the_byte_limit_is_refused_before_it_is_read_whole(tmp_path: Path) -> None:
    f = tmp_path / "big.yaml"
    f.write_bytes(b"k: v\n" + b"#" * RULE_FILE.max_bytes)
    got = read_yaml(f)
    assert [p.code for p in got.problems] == ["RS016"]
    assert "more than 1,000,000 bytes" in got.problems[0].message


def test_an_endless_file_costs_one_read_of_the_limit() -> None:
    got = read_yaml(Path("/dev/zero"), ANSWERS_FILE)  # would never end if read whole
    assert [p.code for p in got.problems] == ["RS016"]
    assert "100,000 bytes, the most an answers file may be" in got.problems[0].message


def test_exactly_the_byte_limit_is_read(tmp_path: Path) -> None:
    f = tmp_path / "edge.yaml"
    f.write_bytes(b"k: v\n" + b"#" * (ANSWERS_FILE.max_bytes - 5))
    got = read_yaml(f, ANSWERS_FILE)
    assert got.problems == () and strip_lines(got.raw) == {"k": "v"}


def test_entries_are_counted_while_parsing() -> None:
    limits = Limits(max_bytes=10**6, max_nodes=9, max_depth=10, what="a test file")
    assert parse("a: 1\nb: 2\nc: 3\nd: 4\n", "f", limits)[1] == []  # 1 mapping + 8 = 9 entries
    p = only("a: 1\nb: 2\nc: 3\nd: 4\ne: 5\n", limits)
    assert (p.code, p.line) == ("RS016", 5)
    assert "more than 9 entries" in p.message


def test_nesting_is_capped_at_the_limit_and_not_before() -> None:
    depth = RULE_FILE.max_depth
    assert parse("[" * depth + "]" * depth, "f")[1] == []
    p = only("[" * (depth + 1) + "]" * (depth + 1))
    assert p.code == "RS016" and f"nested more than {depth} levels" in p.message


def test_libyaml_s_own_depth_cap_is_reported_as_rs016() -> None:
    p = only("[" * 5000)  # libyaml scans ahead in flow context and stops at 1,000 itself
    assert p.code == "RS016" and "nested more than" in p.message


# --- tags and characters ---------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "shown"), [
    ("a: !!binary aGVsbG8=\n", "!!binary"), ("a: !!set {x}\n", "!!set"), ("a: !!omap [x: 1]\n", "!!omap"),
    ("a: !!timestamp 2026-01-01\n", "!!timestamp"), ("a: !council x\n", "!council"),
    ("a: !!python/object/apply:os.system [ls]\n", "!!python/object/apply:os.system"),
])
def test_only_plain_tags_are_read(text: str, shown: str) -> None:
    p = only(text)
    assert (p.code, p.line) == ("RS002", 1)
    assert f"the tag '{shown}' is not read by this tool" in p.message


def test_plain_tags_still_work() -> None:
    data, problems = parse("a: !!str 1\nb: !!int '2'\nc: yes\nd: true\n", "f")
    assert problems == [] and strip_lines(data) == {"a": "1", "b": 2, "c": "yes", "d": True}


def test_lone_surrogates_are_refused_escaped_or_raw() -> None:
    assert only('a: 1\nb: "\\ud800"\n').line == 2
    raw = only("a: 1\nb: x\ud800\n")
    assert (raw.code, raw.line) == ("RS002", 2)


# --- the cap on problems shown -----------------------------------------------------------------------

def _many(n: int, code: str = "RS004") -> list[Problem]:
    return [problem(code, "r.yaml", i + 1, key=f"k{i}", suggestion="", allowed="x") for i in range(n)]


def test_at_most_ten_problems_then_how_many_more() -> None:
    lines = capped_lines(_many(200_000))
    assert len(lines) == 11
    assert lines[0].startswith("r.yaml:1: RS004 'k0'") and lines[9].startswith("r.yaml:10: ")
    assert lines[10] == "... and 199,990 more"


def test_ten_or_fewer_are_shown_as_they_are() -> None:
    warning = problem("CK006", "r.yaml", 1, rule="a", other="b")
    probs = [warning, *_many(9)]
    assert capped(probs) == (probs, "")


def test_when_some_are_left_out_errors_come_first() -> None:
    warnings = [problem("CK006", "r.yaml", i, rule="a", other="b") for i in range(12)]
    shown, more = capped([*warnings, *_many(3)])
    assert [p.severity for p in shown[:3]] == [Severity.ERROR] * 3
    assert more == "... and 5 more"


def test_control_characters_in_a_problem_cannot_break_or_rewrite_a_line() -> None:
    p = problem("AN001", "a.yaml", 1, id="x\r\x1b[2J\u202eevil", ruleset="r", suggestion="")
    (line,) = capped_lines([p])
    assert "\r" not in line and "\x1b" not in line and "\u202e" not in line
    assert "x\\r\\x1b[2J\\u202eevil" in line
    assert printable("plain é 😀") == "plain é 😀"


# --- through the command line ----------------------------------------------------------------------

def run(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    return main(list(argv), out, err), out.getvalue(), err.getvalue()


def _rules_with(tmp_path: Path, extra: str) -> Path:
    d = tmp_path / "rules"
    d.mkdir()
    shutil.copy(RULES / "fairness.yaml", d / "fairness.yaml")
    (d / "ruleset.yaml").write_text((RULES / "ruleset.yaml").read_text(encoding="utf-8") + extra,
                                    encoding="utf-8")
    return d


def test_lint_refuses_an_alias_bomb(tmp_path: Path) -> None:
    d = _rules_with(tmp_path, "\nlaughs:\n" + "".join("  " + ln + "\n" for ln in LAUGHS.splitlines()))
    code, out, _ = run("lint", str(d))
    assert code == 1
    shipped_lines = (RULES / "ruleset.yaml").read_text(encoding="utf-8").count("\n")
    assert out.startswith(f"{d / 'ruleset.yaml'}:{shipped_lines + 3}: RS015 this line uses an anchor")


def test_evaluate_refuses_an_alias_bomb_as_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text(LAUGHS, encoding="utf-8")
    code, out, err = run("evaluate", str(RULES), str(answers))
    assert code == 2 and out == ""
    assert err.startswith(f"{answers}:1: RS015 this line uses an anchor ('&a')")


def test_evaluate_refuses_answers_over_their_entry_limit(tmp_path: Path) -> None:
    answers = tmp_path / "answers.yaml"
    answers.write_text("".join(f"q{i}: yes\n" for i in range(ANSWERS_FILE.max_nodes)), encoding="utf-8")
    code, _, err = run("evaluate", str(RULES), str(answers))
    assert code == 2 and ": RS016 " in err and "5,000 entries" in err


def test_lint_prints_ten_of_20000_problems_and_only_looks_up_hints_for_those(tmp_path: Path) -> None:
    d = _rules_with(tmp_path, "".join(f"\nunknown_setting_{i}: v" for i in range(20_000)))
    with mock.patch("screening.rules.loading.suggest", wraps=suggest) as hint:
        code, out, err = run("lint", str(d))
    assert code == 1
    lines = out.splitlines()
    assert len(lines) == 11 and all(": RS004 'unknown_setting_" in ln for ln in lines[:10])
    assert lines[10] == "... and 19,990 more"
    assert "20,000 problems found" in err
    assert hint.call_count <= 10  # not 20,000 fuzzy matches for lines nobody sees


# --- in the app ------------------------------------------------------------------------------------

def test_the_app_shows_ten_broken_rule_problems_and_the_count(tmp_path: Path,
                                                             monkeypatch: pytest.MonkeyPatch) -> None:
    d = _rules_with(tmp_path, "".join(f"\nunknown_setting_{i}: v" for i in range(25)))
    monkeypatch.setenv("SCREENING_RULES", str(d))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    (block,) = [c.value for c in at.code]
    assert block.count(": RS004 ") == 10 and block.endswith("... and 15 more")


def test_the_app_survives_an_alias_bomb_rule_file_and_keeps_the_numbers(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    d = _rules_with(tmp_path, "\nlaughs:\n" + "".join("  " + ln + "\n" for ln in LAUGHS.splitlines()))
    monkeypatch.setenv("SCREENING_RULES", str(d))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    page = "\n".join([*(c.value for c in at.code), *(e.value for e in at.error)]).replace("\u00a0", " ")
    assert "RS015" in page and "01702 546 366" in page and "999" in page


def _review_problems_page() -> None:
    from screening.errors import problem
    from ui.widgets import show_problems  # what the review page (and the queue) show problems with

    show_problems(tuple(problem("EX005", "", 0, field=f"f{i}", reason="bad") for i in range(23)))


def test_the_review_page_shows_ten_problems_and_the_count() -> None:
    at = AppTest.from_function(_review_problems_page, default_timeout=60).run()
    assert not at.exception
    assert len(at.error) == 10
    assert [c.value for c in at.caption] == ["... and 13 more"]
