"""Hostile input, by hand and by machine: every reader answers with a catalogue code, nothing else.

Two halves.  ``tests/data/hostile_inputs.yaml`` is a table of hand-made attacks (billion laughs,
merge keys, 200,000 unknown keys, deep nesting, NUL bytes, lone surrogates, python tags...) with the
code each reader must give; the bombs are also run through the real command line in a child
process with a memory ceiling, and must be refused in under a second and 200 MB.  Then hypothesis
throws arbitrary and structured text and bytes at the YAML reader, mutates the shipped rule file,
fuzzes answers files through ``python -m screening evaluate`` and export files through
``read_export``: the only acceptable failures are catalogue errors (a :class:`ScreeningError` or a
list of Problems), never another exception, a hang or a memory blow-up.  Examples are derandomised
and there is no example database, so a run is reproducible and CI stays under a minute.
"""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import screening
from screening import cli
from screening.engine import evaluate, normalise_answers
from screening.errors import CATALOGUE, AnswersError, Problem, RuleSetError, ScreeningError
from screening.exports.export import KEY_ENV, integrity
from screening.exports.opening import read_export
from screening.exports.summary import to_json
from screening.record import ScreeningRecord
from screening.rules.scenarios import load_file
from screening.rules.yamlio import ANSWERS_FILE, RULE_FILE, parse, read_yaml, strip_lines

ROOT = Path(__file__).resolve().parents[1]
RULES_DIR = ROOT / "rules"
SHIPPED = (RULES_DIR / "ruleset.yaml").read_text(encoding="utf-8")
SHIPPED_SCENARIO = (RULES_DIR / "tests" / "emergency.yaml").read_text(encoding="utf-8")
RULES = screening.load(RULES_DIR)
IDS = sorted(RULES.indicator_ids())
CODE = re.compile(r": ([A-Z]{2}\d{3}) ")
PROBLEM_LINE = re.compile(r"^(?P<path>.*?)(?::(?P<line>\d+))?: (?P<code>[A-Z]{2}\d{3}) (?P<message>.*)$")

# the test table is our own trusted data (it uses no anchors, only describes them), read plainly
TABLE: list[dict[str, Any]] = yaml.safe_load(
    (ROOT / "tests" / "data" / "hostile_inputs.yaml").read_text(encoding="utf-8"))
BY_NAME = {case["name"]: case for case in TABLE}

FUZZ = settings(max_examples=60, deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


# --- building and running the table ----------------------------------------------------------------

def build(spec: Any, reader: str) -> bytes:
    """The bytes of one table input (see the header of hostile_inputs.yaml)."""
    if isinstance(spec, str):
        return spec.encode("utf-8", "surrogatepass")
    if "same_as" in spec:
        return build(BY_NAME[str(spec["same_as"])]["input"], reader)
    if "hex" in spec:
        return bytes.fromhex(spec["hex"].replace(" ", ""))
    text = (SHIPPED if reader == "rules" else SHIPPED_SCENARIO) if spec.get("shipped") else ""
    nest = ""
    if "nest" in spec:
        n = spec["nest"]
        nest = n["open"] * n["times"] + n["inner"] + n["close"] * n["times"]
    if "replace" in spec:
        old, new = spec["replace"]
        assert old in text, f"the table's replace target is not in the shipped file: {old!r}"
        text = text.replace(old, new.replace("{nest}", nest), 1)
    elif nest:
        text += nest
    repeat = spec.get("repeat", "")
    if "{i}" in repeat:
        text += "".join(repeat.replace("{i}", str(i)) for i in range(spec["times"]))
    else:
        text += repeat * spec.get("times", 0)
    return f"{spec.get('prefix', '')}{text}{spec.get('suffix', '')}".encode()


@contextmanager
def shipped_rules_for_the_cli() -> Iterator[None]:
    """`evaluate` without re-proving the shipped rules for every input (the answers path is real)."""
    with mock.patch.object(cli, "load", lambda path: RULES):
        yield


def run_cli(*argv: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = cli.main(list(argv), out, err)
    return code, out.getvalue(), err.getvalue()


def problems_from(reader: str, data: bytes, folder: Path) -> list[Problem] | None:
    """Run one reader on ``data``; its problems, or None when it accepted the input."""
    if reader in ("rules", "fairness"):
        for name in ("fairness.yaml", "ruleset.yaml", "approvals.yaml"):
            shutil.copy(RULES_DIR / name, folder / name)
        (folder / f"{'ruleset' if reader == 'rules' else 'fairness'}.yaml").write_bytes(data)
        try:
            screening.load(folder)
        except RuleSetError as e:
            return list(e.problems)
        return None
    if reader == "scenario":
        (folder / "case.yaml").write_bytes(data)
        _, found = load_file(folder / "case.yaml", RULES)
        return found or None
    if reader == "answers":
        (folder / "answers.yaml").write_bytes(data)
        with shipped_rules_for_the_cli():
            code, out, err = run_cli("evaluate", str(RULES_DIR), str(folder / "answers.yaml"))
        assert "Traceback" not in err + out
        if code == 0:
            return None
        assert code == 2
        return [Problem(m["code"], m["message"], "", m["path"], int(m["line"] or 0))
                for m in map(PROBLEM_LINE.match, err.splitlines()) if m]
    if reader == "export":
        try:
            read_export(data, RULES, register=folder)
        except ScreeningError as e:
            return list(e.problems)
        return None
    raise AssertionError(f"unknown reader {reader}")


@pytest.mark.parametrize("case", TABLE, ids=[c["name"] for c in TABLE])
def test_hand_made_hostile_input(case: dict[str, Any], tmp_path: Path) -> None:
    data = build(case["input"], case["reader"])
    with mock.patch.dict(os.environ, {}, clear=False):
        os.environ.pop(KEY_ENV, None)
        found = problems_from(case["reader"], data, tmp_path)
    if case["expect"] == "ok":
        assert found is None, [p.format() for p in found or []]
        return
    assert found, f"{case['name']}: accepted, expected {case['expect']}"
    assert found[0].code == case["expect"], [p.format() for p in found[:3]]
    assert all(p.code in CATALOGUE and p.code != "IN001" for p in found)
    if "line" in case:
        assert found[0].line == case["line"], found[0].format()
    if "problems" in case:
        assert len(found) == case["problems"]


CHILD = """
import io, json, resource, sys, time
resource.setrlimit(resource.RLIMIT_AS, (2 << 30, 2 << 30))  # a regression dies here, not the machine
from pathlib import Path
from screening.cli import main
from screening.rules.yamlio import ANSWERS_FILE, RULE_FILE, read_yaml
path, argv = Path(sys.argv[1]), sys.argv[2:]


def peak_mb():
    # this process's own peak (VmHWM); ru_maxrss would report the forking pytest's size after exec
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


t = time.perf_counter()
read = read_yaml(path, ANSWERS_FILE if argv[0] == "evaluate" else RULE_FILE)
read_s = time.perf_counter() - t
t = time.perf_counter()
out = io.StringIO()
code = main(argv, out, out)
print(json.dumps({"read_s": read_s, "command_s": time.perf_counter() - t, "code": code,
                  "codes": [p.code for p in read.problems], "out": out.getvalue(),
                  "maxrss_mb": peak_mb()}))
"""


@pytest.mark.parametrize("case", [c for c in TABLE if c.get("bomb")],
                         ids=[c["name"] for c in TABLE if c.get("bomb")])
def test_bombs_are_refused_fast_and_small_through_the_real_command_line(case: dict[str, Any],
                                                                         tmp_path: Path) -> None:
    data = build(case["input"], case["reader"])
    if case["reader"] == "answers":
        target = tmp_path / "answers.yaml"
        argv = ["evaluate", str(RULES_DIR), str(target)]
    else:
        shutil.copy(RULES_DIR / "fairness.yaml", tmp_path / "fairness.yaml")
        target = tmp_path / "ruleset.yaml"
        argv = ["lint", str(tmp_path)]
    target.write_bytes(data)
    proc = subprocess.run([sys.executable, "-c", CHILD, str(target), *argv], cwd=ROOT,
                          capture_output=True, text=True, check=False, timeout=120)
    assert proc.returncode == 0, proc.stderr[-2000:]
    got = json.loads(proc.stdout)
    print(f"{case['name']}: read {got['read_s'] * 1000:.1f} ms, whole command {got['command_s']:.2f} s, "
          f"max RSS {got['maxrss_mb']:.0f} MB")
    assert got["codes"] == [case["expect"]]
    assert got["read_s"] < 1.0  # the refusal itself takes about a millisecond
    assert got["maxrss_mb"] < 200  # measured 34 MB (lint), 69 MB (evaluate proves the rules first)
    assert got["code"] in (1, 2) and f" {case['expect']} " in got["out"]
    assert got["command_s"] < 30  # generous: lint/evaluate also load (and prove) the shipped rules


def test_the_table_covers_every_reader_and_both_codes() -> None:
    readers = {c["reader"] for c in TABLE}
    assert readers == {"rules", "fairness", "scenario", "answers", "export"}
    expected = {c["expect"] for c in TABLE}
    assert {"RS015", "RS016", "RS002", "RS003", "AN003", "EX001", "ok"} <= expected


# --- property-based: the YAML reader ---------------------------------------------------------------

PIECES = ["a", "k", "isolated", "yes", "no", "~", "null", "1", "-1", "1e999", "0x1F", "0o17", ".nan",
          ".inf", "2026-13-45", ":", ": ", "- ", "? ", ",", "[", "]", "{", "}", "&a ", "*a", "&b ",
          "*b", "<<: ", "<<", "=", "!!python/object:os.system ", "!!python/name:os.system ",
          "!!binary ", "!!set ", "!!omap ", "!!timestamp ", "!!str ", "!!int ", "!x ", "! ", "|", "|-",
          ">", "'", '"', '"\\ud800"', '"\\x00"', '"\\U0010FFFF"', "#", "\n", "\n  ", "\n    ", "\t",
          "\x00", "\x7f", "\ufeff", "\u202e", "\u2028", "---\n", "...\n", "%YAML 1.1\n",
          "%TAG !e! tag:x,2000:\n", "!e!y ", "__lines__", "\\", "é", "\U0001f600", " ", "\r\n"]

hostile_yaml = st.lists(st.one_of(st.sampled_from(PIECES), st.text(max_size=4)), max_size=80).map("".join)


def _plain(value: Any, depth: int = 0) -> bool:
    """Only the types a person can write plainly: no bytes, sets, tuples or timestamps."""
    assert depth <= RULE_FILE.max_depth
    if isinstance(value, dict):
        return all(isinstance(k, (str, int, float, bool)) and _plain(v, depth + 1)
                   for k, v in value.items())
    if isinstance(value, list):
        return all(_plain(v, depth + 1) for v in value)
    return value is None or isinstance(value, (str, int, float, bool))


def _check_parse(text: str) -> None:
    data, problems = parse(text, "f.yaml")
    if problems:
        assert data is None and len(problems) == 1
        assert problems[0].code in CATALOGUE and problems[0].path == "f.yaml"
        assert problems[0].format()  # can be printed
        return
    data = strip_lines(data)
    assert _plain(data)
    # what was read can be written out again as UTF-8 (no lone surrogates slipped through)
    json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")


@FUZZ
@given(st.text())
def test_any_text_is_read_or_refused_with_one_catalogue_problem(text: str) -> None:
    _check_parse(text)


@FUZZ
@given(hostile_yaml)
def test_hostile_yaml_is_read_or_refused_with_one_catalogue_problem(text: str) -> None:
    _check_parse(text)
    if re.search(r"(^|[\s\[{,:-])[&*][A-Za-z]", text) and not parse(text, "f")[1]:
        # an anchor or alias that YAML itself read would have been refused
        raise AssertionError(f"anchor or alias accepted: {text!r}")


SCALAR_TAGS = ["!!str", "!!binary", "!!timestamp", "!!python/object:os.system", "!council"]
COLLECTION_TAGS = ["!!set", "!!omap", "!!pairs", "!council", "!!python/object/new:os.system"]


@st.composite
def yaml_documents(draw: st.DrawFn) -> tuple[str, bool, bool]:
    """Well-formed YAML (flow style) decorated at random with anchors, aliases, merge keys and tags;
    with whether it holds an anchor, alias or merge key, and whether it holds a tag we refuse."""
    found = {"alias": False, "tag": False}

    def node(depth: int) -> str:
        kind = draw(st.sampled_from(["scalar", "scalar", "list", "map"] if depth < 4 else ["scalar"]))
        deco = draw(st.sampled_from(["", "", "", "", "", "anchor", "alias", "tag"]))
        prefix = ""
        if deco == "alias":
            found["alias"] = True
            return draw(st.sampled_from(["*n0", "*n1", "*x"]))
        if deco == "anchor":
            found["alias"] = True
            prefix = draw(st.sampled_from(["&n0 ", "&n1 ", "&x "]))
        if deco == "tag":
            tag = draw(st.sampled_from(SCALAR_TAGS if kind == "scalar" else COLLECTION_TAGS))
            found["tag"] = found["tag"] or tag != "!!str"
            prefix += tag + " "
        if kind == "scalar":
            return prefix + draw(st.sampled_from(["yes", "no", "x", "1", "2.5", "~", "'a b'", '"c: d"',
                                                  "true", "2026-01-01", "<"]))
        n = draw(st.integers(0, 4))
        if kind == "list":
            return prefix + "[" + ", ".join(node(depth + 1) for _ in range(n)) + "]"
        items = [f"k{i}: {node(depth + 1)}" for i in range(n)]
        if draw(st.integers(0, 9)) == 0:
            found["alias"] = True
            items.insert(draw(st.integers(0, len(items))), f"<<: {node(depth + 1)}")
        return prefix + "{" + ", ".join(items) + "}"

    return node(0), found["alias"], found["tag"]


@FUZZ
@given(yaml_documents())
def test_anchors_aliases_merge_keys_and_odd_tags_are_always_refused(doc: tuple[str, bool, bool]) -> None:
    text, alias, tag = doc
    data, problems = parse(text, "f.yaml")
    codes = [p.code for p in problems]
    if alias and tag:
        assert codes in (["RS015"], ["RS002"]), (text, codes)
    elif alias:
        assert codes == ["RS015"], (text, codes)
    elif tag:
        assert codes == ["RS002"] and "is not read by this tool" in problems[0].message, (text, codes)
    else:
        assert codes == [] and _plain(strip_lines(data)), (text, codes)


@FUZZ
@given(st.binary(max_size=400), st.sampled_from([RULE_FILE, ANSWERS_FILE]))
def test_any_bytes_in_a_file_are_read_or_refused(data: bytes, limits: Any) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "f.yaml"
        path.write_bytes(data)
        file = read_yaml(path, limits)
    assert all(p.code in CATALOGUE for p in file.problems)
    assert file.data == data or file.problems


# --- property-based: the rule file, mutated --------------------------------------------------------

LINES = SHIPPED.splitlines(keepends=True)
mutation = st.tuples(st.sampled_from(["delete", "duplicate", "insert", "replace", "swap", "cut"]),
                     st.integers(0, len(LINES) - 1), st.integers(0, len(LINES) - 1),
                     st.one_of(st.sampled_from(PIECES), hostile_yaml))


def mutate(lines: list[str], ops: list[tuple[str, int, int, str]]) -> str:
    lines = list(lines)
    for kind, i, j, piece in ops:
        i, j = i % max(len(lines), 1), j % max(len(lines), 1)
        if not lines:
            break
        if kind == "delete":
            del lines[i]
        elif kind == "duplicate":
            lines.insert(i, lines[i])
        elif kind == "insert":
            at = j % (len(lines[i]) + 1)
            lines[i] = lines[i][:at] + piece + lines[i][at:]
        elif kind == "replace":
            lines[i] = piece + "\n"
        elif kind == "swap":
            lines[i], lines[j] = lines[j], lines[i]
        else:
            lines = lines[: max(i, 1)]
    return "".join(lines)


@settings(FUZZ, max_examples=40)
@given(st.lists(mutation, min_size=1, max_size=4))
def test_a_mutated_rule_file_loads_or_is_refused_with_catalogue_problems(
        ops: list[tuple[str, int, int, str]]) -> None:
    text = mutate(LINES, ops)
    with tempfile.TemporaryDirectory() as d:
        folder = Path(d)
        shutil.copy(RULES_DIR / "fairness.yaml", folder / "fairness.yaml")
        (folder / "ruleset.yaml").write_text(text, encoding="utf-8", errors="surrogatepass")
        code, out, err = run_cli("lint", str(folder))  # load, validate, compile, prove
        assert code in (0, 1) and "Traceback" not in out + err and "IN001" not in out + err
        assert len([ln for ln in out.splitlines() if CODE.search(ln)]) <= 10


# --- property-based: answers, through the evaluate path and the engine ----------------------------

answer_key = st.one_of(st.sampled_from(IDS), st.text(max_size=12), st.integers(-5, 5))
answer_value = st.one_of(
    st.sampled_from(["yes", "no", "unknown", "Yes", " NO ", "true", "false", "perhaps", ""]),
    st.booleans(), st.none(), st.integers(), st.floats(), st.text(max_size=20),
    st.lists(st.sampled_from(["yes", "no"]), max_size=3),
    st.dictionaries(st.text(max_size=3), st.text(max_size=3), max_size=2))
answers = st.dictionaries(answer_key, answer_value, max_size=12)


def _evaluate_cli(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d:
        path = Path(d) / "answers.yaml"
        path.write_bytes(data)
        with shipped_rules_for_the_cli():
            code, out, err = run_cli("evaluate", str(RULES_DIR), str(path))
    assert "Traceback" not in out + err and "IN001" not in err
    if code == 0:
        # urgent checks (a danger question not answered) lead, above the recommendation
        assert out.startswith(("Recommendation: ", "Check now, before anything else: ")) and err == ""
        assert "\nRecommendation: " in "\n" + out
    else:
        assert code == 2 and out == ""
        lines = err.splitlines()
        assert 1 <= len(lines) <= 11
        assert all(CODE.search(ln) for ln in lines[:10])


@FUZZ
@given(answers, st.sampled_from(["json", "yaml"]))
def test_answers_files_evaluate_or_are_refused_with_catalogue_problems(
        given_answers: dict[Any, Any], form: str) -> None:
    if form == "json":
        data = json.dumps(given_answers).encode()
    else:
        data = yaml.safe_dump(given_answers, allow_unicode=True).encode("utf-8", "surrogatepass")
    _evaluate_cli(data)


@FUZZ
@given(hostile_yaml)
def test_hostile_answers_text_is_refused_with_catalogue_problems(text: str) -> None:
    _evaluate_cli(text.encode("utf-8", "surrogatepass"))


@FUZZ
@given(answers)
def test_the_engine_takes_answers_or_refuses_them_with_catalogue_problems(
        given_answers: dict[Any, Any]) -> None:
    try:
        normalised = normalise_answers(RULES, given_answers)
    except AnswersError as e:
        assert all(p.code in ("AN001", "AN002") for p in e.problems)
        return
    assessment = evaluate(RULES, normalised)
    assert assessment.outcome in {o.id for o in RULES.outcomes}


# --- property-based: the export reader -------------------------------------------------------------

json_value = st.recursive(st.one_of(st.none(), st.booleans(), st.integers(), st.floats(),
                                    st.text(max_size=10)),
                          lambda inner: st.one_of(st.lists(inner, max_size=4),
                                                  st.dictionaries(st.text(max_size=8), inner,
                                                                  max_size=4)),
                          max_leaves=20)


def _export() -> dict[str, Any]:
    with mock.patch.dict(os.environ, {}, clear=False):
        os.environ.pop(KEY_ENV, None)
        rec = ScreeningRecord(answers={"us_and_them": "yes"}, screener_role="youth worker",
                              noticed_what="said the same thing twice")
        return dict(json.loads(to_json(RULES, evaluate(RULES, {"us_and_them": "yes"}), rec)))


EXPORT = _export()


def _read_export(data: bytes) -> None:
    with tempfile.TemporaryDirectory() as d, mock.patch.dict(os.environ, {}, clear=False):
        os.environ.pop(KEY_ENV, None)
        try:
            read_export(data, RULES, register=d)
        except ScreeningError as e:
            assert e.problems and all(p.code in CATALOGUE and p.code != "IN001" for p in e.problems)


def test_the_unchanged_export_opens() -> None:
    # the mutation test below starts from a file that opens, so what it refuses is the mutation
    with tempfile.TemporaryDirectory() as d, mock.patch.dict(os.environ, {}, clear=False):
        os.environ.pop(KEY_ENV, None)
        assert read_export(json.dumps(EXPORT).encode(), RULES, register=d).answers


@FUZZ
@given(st.binary(max_size=300))
def test_any_bytes_as_an_export_are_refused_with_catalogue_problems(data: bytes) -> None:
    _read_export(data)


@FUZZ
@given(json_value)
def test_any_json_as_an_export_is_refused_with_catalogue_problems(value: Any) -> None:
    _read_export(json.dumps(value).encode())


def _paths(node: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [prefix]
    if isinstance(node, dict):
        for k, v in node.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            out += _paths(v, (*prefix, i))
    return out


EXPORT_PATHS = _paths(EXPORT)[1:]


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(EXPORT_PATHS), st.sampled_from(["set", "delete"]),
                          json_value), min_size=1, max_size=3), st.booleans())
def test_a_mutated_export_opens_or_is_refused_with_catalogue_problems(
        edits: list[tuple[tuple[Any, ...], str, Any]], reseal: bool) -> None:
    # resealed, an edit gets past the checksum to the checks behind it, as a forger's would
    body = json.loads(json.dumps(EXPORT))
    for path, kind, value in edits:
        node = body
        try:
            for part in path[:-1]:
                node = node[part]
            if kind == "delete":
                del node[path[-1]]
            else:
                node[path[-1]] = value
        except (KeyError, IndexError, TypeError):
            continue  # an earlier edit removed or replaced this part
    if reseal and isinstance(body.get("integrity"), dict):
        body["integrity"] = {"algorithm": EXPORT["integrity"]["algorithm"], "value": integrity(body)}
    _read_export(json.dumps(body).encode())
