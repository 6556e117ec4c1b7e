"""The batch engine equals the per-record engine, row for row, and refuses what evaluate refuses."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from screening import AnswersError, RuleSet, evaluate, evaluate_frame, load
from screening.impact.batch import split
from screening.rules.loading import default_rules_dir
from screening.rules.scenarios import load_dir, scenario_dir


@pytest.fixture(scope="module")
def rs() -> RuleSet:
    return load()


def expected(rs: RuleSet, answers: Mapping[str, Any]) -> tuple[str, tuple[str, ...], tuple[str, ...]]:
    a = evaluate(rs, answers)
    return a.outcome, a.additional_steps, tuple(u.indicator for u in a.urgent_checks)


def assert_rows_equal(rs: RuleSet, frame: pd.DataFrame, rows: list[dict[str, Any]]) -> None:
    got = evaluate_frame(rs, frame)
    assert list(got.columns) == ["outcome", "additional_steps", "urgent_checks"]
    assert len(got) == len(rows)
    for (_, g), answers in zip(got.iterrows(), rows, strict=True):
        assert (g["outcome"], split(g["additional_steps"]), split(g["urgent_checks"])) \
            == expected(rs, answers), answers


def random_frame(rs: RuleSet, n: int, seed: int) -> pd.DataFrame:
    """Mixed sparsity: each row draws its own yes and unknown rates, so rare routes appear too."""
    rng = np.random.default_rng(seed)
    ids = rs.indicator_ids()
    p_yes = rng.choice([0.0, 0.02, 0.08, 0.3, 0.7], size=(n, 1))
    p_unk = rng.choice([0.0, 0.1, 0.4, 0.9], size=(n, 1))
    u = rng.random((n, len(ids)))
    codes = np.where(u < p_yes, 1, np.where(u < p_yes + p_unk, 2, 0))
    return pd.DataFrame({i: pd.Categorical.from_codes(codes[:, k], ["no", "yes", "unknown"])
                         for k, i in enumerate(ids)})


def test_100k_random_rows_equal_evaluate(rs: RuleSet) -> None:
    frame = random_frame(rs, 100_000, seed=12)
    got = evaluate_frame(rs, frame)
    # every outcome is reached, so the comparison covers every route
    assert set(got["outcome"]) == {o.id for o in rs.outcomes}
    records = frame.astype(str).to_dict("records")
    mismatches = []
    for i, (answers, o, s, u) in enumerate(zip(records, got["outcome"], got["additional_steps"],
                                               got["urgent_checks"], strict=True)):
        if (o, split(s), split(u)) != expected(rs, answers):
            mismatches.append(i)
    assert mismatches == []


def test_every_scenario_equals_evaluate(rs: RuleSet) -> None:
    scenarios, problems = load_dir(scenario_dir(default_rules_dir()), rs)
    assert scenarios and not problems
    rows = [dict(s.answers) for s in scenarios]
    frame = pd.DataFrame(rows)  # questions a scenario leaves out are NaN: unknown, as in evaluate
    assert_rows_equal(rs, frame, rows)
    got = evaluate_frame(rs, frame)
    assert list(got["outcome"]) == [s.expect.outcome for s in scenarios]


def test_edge_cases(rs: RuleSet) -> None:
    ids = rs.indicator_ids()
    rows: list[dict[str, Any]] = [{i: "unknown" for i in ids}, {i: "yes" for i in ids},
                                  {i: "no" for i in ids}, {}]
    frame = pd.DataFrame([*rows[:3], {i: None for i in ids}])
    assert_rows_equal(rs, frame, rows)
    got = evaluate_frame(rs, frame)
    assert got["urgent_checks"].iloc[0] != ""   # every gate unknown: urgent checks listed...
    assert got["urgent_checks"].iloc[1] == ""   # ...but not once the route is the emergency one


def test_missing_columns_are_unknown_and_other_spellings_accepted(rs: RuleSet) -> None:
    rows: list[dict[str, Any]] = [{"under_18": True, "us_and_them": "Yes "},
                                  {"under_18": False, "us_and_them": "dont_know"},
                                  {"under_18": None, "us_and_them": "n"}]
    assert_rows_equal(rs, pd.DataFrame(rows), rows)
    assert_rows_equal(rs, pd.DataFrame({"under_18": [True, False]}),
                      [{"under_18": True}, {"under_18": False}])


def test_no_columns_and_empty_frame(rs: RuleSet) -> None:
    assert_rows_equal(rs, pd.DataFrame(index=range(3)), [{}, {}, {}])
    empty = evaluate_frame(rs, pd.DataFrame({i: pd.Series([], dtype=str) for i in rs.indicator_ids()}))
    assert len(empty) == 0 and list(empty.columns) == ["outcome", "additional_steps", "urgent_checks"]


def test_index_kept(rs: RuleSet) -> None:
    frame = pd.DataFrame({"violence_fixation": ["yes", "no"]}, index=["b", "a"])
    got = evaluate_frame(rs, frame)
    assert list(got.index) == ["b", "a"]
    assert got.loc["b", "outcome"] == evaluate(rs, {"violence_fixation": "yes"}).outcome


def test_extra_column_refused_with_an001(rs: RuleSet) -> None:
    with pytest.raises(AnswersError) as e:
        evaluate_frame(rs, pd.DataFrame({"violence_fixaton": ["yes"], "us_and_them": ["no"]}))
    assert [p.code for p in e.value.problems] == ["AN001"]
    assert "violence_fixation" in e.value.problems[0].message  # the near miss is suggested
    with pytest.raises(AnswersError) as e2:
        evaluate(rs, {"violence_fixaton": "yes"})
    assert e2.value.problems[0].code == "AN001"


@pytest.mark.parametrize("bad", ["maybe", 1, 2.5])
def test_bad_values_refused_with_an002_as_evaluate_does(rs: RuleSet, bad: Any) -> None:
    with pytest.raises(AnswersError) as e:
        evaluate_frame(rs, pd.DataFrame({"us_and_them": ["yes", bad]}))
    assert [p.code for p in e.value.problems] == ["AN002"]
    with pytest.raises(AnswersError) as e2:
        evaluate(rs, {"us_and_them": bad})
    assert e2.value.problems[0].code == "AN002"


def test_bad_category_refused(rs: RuleSet) -> None:
    col = pd.Categorical(["yes", "maybe"])
    with pytest.raises(AnswersError) as e:
        evaluate_frame(rs, pd.DataFrame({"us_and_them": col}))
    assert e.value.problems[0].code == "AN002"


def test_not_a_table_or_duplicate_columns_refused_with_an003(rs: RuleSet) -> None:
    with pytest.raises(AnswersError) as e:
        evaluate_frame(rs, {"us_and_them": ["yes"]})  # type: ignore[arg-type]
    assert e.value.problems[0].code == "AN003"
    dup = pd.DataFrame([["yes", "no"]], columns=["us_and_them", "us_and_them"])
    with pytest.raises(AnswersError) as e2:
        evaluate_frame(rs, dup)
    assert e2.value.problems[0].code == "AN003"


def test_edited_rules_with_not_and_nested_conditions(tmp_path: Path) -> None:
    # not / any / all / at_least 2 nested in one rule: still row-for-row equal
    from tests.rulefiles import copy_rules

    nested = ("        any:\n"
              "          - all:\n"
              "              - answered_yes: violence_fixation\n"
              "              - not: {at_least: 2, of: {group: weaker_engagement}}\n"
              "          - at_least: 3\n"
              "            of: {kind: context}\n")
    folder = copy_rules(tmp_path / "rules", {"        answered_yes: violence_fixation\n": nested})
    rs = load(folder, check=False)  # unsafe on purpose: only the semantics are under test
    rule = next(r for r in rs.rules if r.id == "fixation_on_violence")
    assert type(rule.when).__name__ == "AnyOf"
    frame = random_frame(rs, 5000, seed=5)
    rows = frame.astype(str).to_dict("records")
    assert_rows_equal(rs, frame, rows)


@pytest.mark.parametrize("n", [1, 7, 8, 9, 63, 64, 65, 1003])
def test_row_counts_that_do_not_fill_the_packed_bytes(rs: RuleSet, n: int) -> None:
    # rows are packed eight to a byte: the padding after the last row must never show
    frame = random_frame(rs, n, seed=n)
    assert_rows_equal(rs, frame, frame.astype(str).to_dict("records"))


def test_every_danger_question_unknown_on_the_last_row_only(rs: RuleSet) -> None:
    # the unknowns of a missing danger column are "all set": padding bits must not add a combination
    ids = [i for i in rs.indicator_ids() if i != "imminent_danger"]
    for n in (1, 9, 70):
        frame = pd.DataFrame({i: pd.Categorical(["no"] * n, categories=["no", "yes", "unknown"])
                              for i in ids})
        got = evaluate_frame(rs, frame)
        assert set(got["urgent_checks"]) == {"imminent_danger"}
        assert list(got["urgent_checks"].cat.categories) == ["imminent_danger"]
        assert list(got["additional_steps"].cat.categories) == [""]


def test_result_columns_are_categoricals_of_what_occurs(rs: RuleSet) -> None:
    got = evaluate_frame(rs, random_frame(rs, 2000, seed=3))
    assert all(isinstance(got[c].dtype, pd.CategoricalDtype) for c in got.columns)
    assert list(got["outcome"].cat.categories) == [o.id for o in rs.outcomes]  # most serious first
    for c in ("additional_steps", "urgent_checks"):
        assert set(got[c].cat.categories) == set(got[c])


def test_categories_in_another_order_and_other_spellings(rs: RuleSet) -> None:
    # the code of "yes" is looked up per column; two spellings of yes and NaN in a category column
    rows = [{"violence_fixation": v, "imminent_danger": d}
            for v in ("Yes", "y", "no", "unknown", None) for d in ("yes", "unknown", None, "N")]
    frame = pd.DataFrame(rows).astype("category")
    frame["violence_fixation"] = frame["violence_fixation"].cat.reorder_categories(
        sorted(frame["violence_fixation"].cat.categories, reverse=True))
    assert_rows_equal(rs, frame, rows)


def yes_columns(names: list[str], n: int, seed: int) -> dict[str, np.ndarray]:
    rng = np.random.default_rng(seed)
    return {i: rng.random(n) < rng.choice([0.05, 0.3, 0.7]) for i in names}


def test_compiled_conditions_equal_the_engine_on_every_shape() -> None:
    from screening.engine import predicate
    from screening.impact.batch import compile_conditions, pack, unpack
    from screening.rules.ruleset import All, AnyOf, AtLeast, Not, Yes

    names = ["a", "b", "c", "d", "e"]
    group = AtLeast(2, ("a", "b", "c", "a"), "a repeated id counts once")
    conds = [Yes("a"), AtLeast(1, ("b",), "one"), AtLeast(0, ("a",), "none needed"),
             AtLeast(4, ("a", "b", "c"), "more than there are"), AtLeast(3, tuple(names), "three"),
             AtLeast(5, tuple(names), "all five"), group, Not(group), Not(Not(Yes("e"))),
             All(()), AnyOf(()), All((group, Yes("d"))), AnyOf((All((Yes("a"), Not(Yes("b")))), group)),
             All((AtLeast(2, ("c", "d", "e"), "x"), AtLeast(2, ("e", "d", "c"), "same set")))]
    program = compile_conditions(conds)
    # the group is computed once however often it is used
    assert sum(1 for name, need, _ in program.ops if name == "at_least" and need == 2) == 2
    for n in (0, 1, 13, 64, 200):
        cols = yes_columns(names, n, seed=n)
        got = program.run({i: pack(c) for i, c in cols.items()}, (n + 7) // 8)
        for cond, bits in zip(conds, got, strict=True):
            holds = predicate(cond)  # what evaluate uses
            want = [holds(frozenset(i for i in names if cols[i][r])) for r in range(n)]
            assert list(unpack(bits, n)) == want, cond


@pytest.mark.parametrize("limit", [64, 3, 0])
@pytest.mark.parametrize("n", [0, 1, 9, 500])
def test_joined_column_equals_joining_row_by_row(n: int, limit: int) -> None:
    # limit 3 and 0 force the path for many combinations: same values, same order of categories
    from screening.impact.batch import joined_column, pack, valid_bits

    names = [f"s{k}" for k in range(7)]
    cols = yes_columns(names, n, seed=n + limit)
    got = joined_column([pack(cols[i]) for i in names], names, valid_bits(n), n, limit=limit)
    want = ["|".join(i for i in names if cols[i][r]) for r in range(n)]
    assert list(got) == want
    cats = list(got.categories)
    assert set(cats) == (set(want) or {""})
    value = {c: sum(1 << k for k, i in enumerate(names) if i in split(c)) for c in cats}
    assert cats == sorted(cats, key=value.__getitem__)
    assert got.codes.dtype == np.int8


def test_many_threads_route_at_once_and_agree(rs: RuleSet) -> None:
    # Streamlit serves sessions from threads: compiled plans are shared, everything else per call
    from concurrent.futures import ThreadPoolExecutor

    from screening.impact.batch import plan

    plan.cache_clear()  # the threads race to compile the plan too
    frames = [random_frame(rs, 3000 + k, seed=k) for k in range(8)]
    with ThreadPoolExecutor(8) as pool:
        got = list(pool.map(lambda f: evaluate_frame(rs, f), frames * 3))
    for k, g in enumerate(got):
        pd.testing.assert_frame_equal(g, evaluate_frame(rs, frames[k % 8]))
    first = frames[0].astype(str).to_dict("records")[:300]
    assert_rows_equal(rs, frames[0].head(300), first)
