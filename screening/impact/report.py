"""Whose route would a rule change change?  Old and new rule sets over one corpus of answers.

Why: before a rule file goes live, the policy team and the approver need the old-to-new outcome
matrix, the share of screenings whose route changes, and worked examples (with the rules that fired
under each) in one report.  The corpus is routed with the batch engine; the few examples are traced
with :func:`screening.evaluate`, so the explanation is the engine's own.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..engine import evaluate
from ..errors import ScreeningError, problem
from ..rules.ruleset import RuleSet
from .batch import evaluate_frame

Progress = Callable[[float, str], None]
CHUNK = 250_000


class ImpactError(ScreeningError):
    """The corpus or the report file cannot be used (IM001-IM005)."""


@dataclass(frozen=True)
class Example:
    """One screening whose route changes: its answers and the rules that fired under each rule set."""

    row: str
    yes: tuple[str, ...]
    unknown: int
    old_fired: tuple[str, ...]
    new_fired: tuple[str, ...]


@dataclass(frozen=True)
class Impact:
    """The figures of the report; ``matrix`` counts screenings by old outcome (rows) and new (columns)."""

    old: RuleSet
    new: RuleSet
    corpus: str
    rows: int
    matrix: pd.DataFrame
    changed: int
    examples: dict[tuple[str, str], tuple[Example, ...]]
    only_old: tuple[str, ...]   # questions the new rules no longer ask (dropped from the corpus)
    only_new: tuple[str, ...]   # questions only the new rules ask (unknown throughout the corpus)

    @property
    def share(self) -> float:
        return self.changed / self.rows if self.rows else 0.0


def read_corpus(path: Path) -> pd.DataFrame:
    """A CSV or parquet file of answers, one column per question (IM001 unreadable, IM002 format,
    IM004 no rows)."""
    suffix = path.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise ImpactError([problem("IM002", str(path), 0, suffix=suffix or "none")])
    try:
        if suffix == ".csv":
            frame = pd.read_csv(path, dtype=str, keep_default_na=False)
        else:
            frame = pd.read_parquet(path)
    except (OSError, ValueError, ImportError, UnicodeDecodeError) as e:
        reason = str(e).splitlines()[0][:200] if str(e) else type(e).__name__
        raise ImpactError([problem("IM001", str(path), 0, reason=reason)]) from None
    if frame.empty:
        raise ImpactError([problem("IM004", str(path), 0)])
    return frame


def _evaluate(rs: RuleSet, frame: pd.DataFrame, path: str, progress: Progress | None,
              done: float, part: float, label: str) -> pd.Series:
    """Outcomes in chunks, so a long corpus shows its progress."""
    out = []
    for start in range(0, max(len(frame), 1), CHUNK):
        chunk = frame.iloc[start:start + CHUNK]
        try:
            out.append(evaluate_frame(rs, chunk)["outcome"].astype(str))
        except ScreeningError as e:
            raise type(e)([replace(p, path=p.path or path) for p in e.problems]) from None
        if progress:
            progress(done + part * min(1.0, (start + CHUNK) / max(len(frame), 1)), label)
    return pd.concat(out) if out else pd.Series([], dtype=str)


def compare(old: RuleSet, new: RuleSet, corpus: pd.DataFrame, *, source: str = "",
            examples: int = 3, progress: Progress | None = None) -> Impact:
    """Route ``corpus`` under both rule sets (IM003 when a column is a question of neither)."""
    old_ids, new_ids = set(old.indicator_ids()), set(new.indicator_ids())
    strangers = [str(c) for c in corpus.columns if c not in old_ids | new_ids]
    if strangers:
        raise ImpactError([problem("IM003", source, 0, columns=", ".join(strangers[:5]),
                                   count=len(strangers))])
    cols_old = [c for c in corpus.columns if c in old_ids]
    cols_new = [c for c in corpus.columns if c in new_ids]
    before = _evaluate(old, corpus[cols_old], source, progress, 0.0, 0.45, "old rules")
    after = _evaluate(new, corpus[cols_new], source, progress, 0.45, 0.45, "new rules")
    order = list(dict.fromkeys([o.id for o in old.outcomes] + [o.id for o in new.outcomes]))
    matrix = pd.crosstab(pd.Categorical(before.to_numpy(), categories=order),
                         pd.Categorical(after.to_numpy(), categories=order), dropna=False)
    matrix.index.name, matrix.columns.name = "old", "new"
    matrix = matrix.reindex(index=order, columns=order, fill_value=0)
    changed_mask = before.to_numpy() != after.to_numpy()
    found: dict[tuple[str, str], tuple[Example, ...]] = {}
    positions = np.flatnonzero(changed_mask)
    pairs = pd.Series(list(zip(before.to_numpy()[positions], after.to_numpy()[positions],
                               strict=True)), index=positions, dtype=object)
    for pair, where in pairs.groupby(pairs).groups.items() if len(pairs) else []:
        rows = [int(p) for p in list(where)[:examples]]
        found[(str(pair[0]), str(pair[1]))] = tuple(
            _example(old, new, corpus, r, cols_old, cols_new) for r in rows)
    if progress:
        progress(1.0, "examples")
    return Impact(old=old, new=new, corpus=source, rows=len(corpus), matrix=matrix,
                  changed=int(changed_mask.sum()), examples=dict(sorted(found.items())),
                  only_old=tuple(sorted(c for c in corpus.columns if c not in new_ids)),
                  only_new=tuple(sorted(new_ids - set(corpus.columns))))


def _example(old: RuleSet, new: RuleSet, corpus: pd.DataFrame, pos: int,
             cols_old: Sequence[Any], cols_new: Sequence[Any]) -> Example:
    """Trace one changed screening with the per-record engine (the rules that fired, in file order)."""
    row = corpus.iloc[pos]
    answers = {str(k): v for k, v in row.items() if not (isinstance(v, float) and v != v)}
    a_old = evaluate(old, {k: v for k, v in answers.items() if k in set(cols_old)})
    a_new = evaluate(new, {k: v for k, v in answers.items() if k in set(cols_new)})
    return Example(row=str(corpus.index[pos]), yes=tuple(sorted(set(a_old.yes) | set(a_new.yes))),
                   unknown=len(a_new.unknowns),
                   old_fired=tuple(f.id for f in a_old.fired),
                   new_fired=tuple(f.id for f in a_new.fired))


def _code(text: str) -> str:
    return "`" + text.replace("`", "'") + "`"


def matrix_lines(impact: Impact) -> list[str]:
    """The matrix as a Markdown table (also readable as plain text)."""
    order = list(impact.matrix.columns)
    lines = ["| old \\ new | " + " | ".join(_code(o) for o in order) + " | total |",
             "|---|" + "---:|" * (len(order) + 1)]
    for o in order:
        counts = [int(impact.matrix.loc[o, n]) for n in order]
        lines.append(f"| {_code(o)} | " + " | ".join(f"{c:,}" for c in counts) + f" | {sum(counts):,} |")
    return lines


def summary_lines(impact: Impact) -> list[str]:
    """What the command prints: the matrix, the share changed, examples of each change."""
    lines = [f"Impact of {impact.old.id} {impact.old.version} -> {impact.new.id} {impact.new.version} "
             f"on {impact.rows:,} screenings ({impact.corpus})", "", *matrix_lines(impact), "",
             f"Route changes for {impact.changed:,} of {impact.rows:,} screenings "
             f"({impact.share:.2%})."]
    for (o, n), exs in impact.examples.items():
        count = int(impact.matrix.loc[o, n])
        lines += ["", f"{o} -> {n}: {count:,} screenings, for example:"]
        for e in exs:
            lines.append(f"  row {e.row}: yes to {', '.join(e.yes) or 'nothing'}; {e.unknown} unknown; "
                         f"fired before: {', '.join(e.old_fired) or 'none'}; "
                         f"fired now: {', '.join(e.new_fired) or 'none'}")
    if impact.only_old:
        lines += ["", f"Not asked by the new rules (left out): {', '.join(impact.only_old)}"]
    if impact.only_new:
        lines += ["", f"Asked only by the new rules (unknown throughout): {', '.join(impact.only_new)}"]
    return lines


def markdown(impact: Impact) -> str:
    """The change report: what a policy officer attaches to the change for the approver."""
    lines = ["# Impact of a rule change", "",
             f"- Old rules: {_code(impact.old.id)} version {_code(impact.old.version)}, "
             f"sha256 {_code(impact.old.sha256[:16])}",
             f"- New rules: {_code(impact.new.id)} version {_code(impact.new.version)}, "
             f"sha256 {_code(impact.new.sha256[:16])}",
             f"- Corpus: {_code(impact.corpus)}, {impact.rows:,} screenings", "",
             "## Old outcome (rows) against new outcome (columns)", "", *matrix_lines(impact), "",
             f"**The route changes for {impact.changed:,} of {impact.rows:,} screenings "
             f"({impact.share:.2%}).**", ""]
    if impact.examples:
        lines += ["## Examples of each change", ""]
    for (o, n), exs in impact.examples.items():
        lines += [f"### {_code(o)} to {_code(n)} ({int(impact.matrix.loc[o, n]):,} screenings)", "",
                  "| row | answered yes | unknown | rules fired (old) | rules fired (new) |",
                  "|---|---|---:|---|---|"]
        for e in exs:
            lines.append(f"| {_code(e.row)} | {', '.join(_code(y) for y in e.yes) or 'none'} | "
                         f"{e.unknown} | {', '.join(_code(f) for f in e.old_fired) or 'none'} | "
                         f"{', '.join(_code(f) for f in e.new_fired) or 'none'} |")
        lines.append("")
    if impact.only_old or impact.only_new:
        lines += ["## Questions", ""]
        if impact.only_old:
            lines.append(f"- Not asked by the new rules: {', '.join(_code(q) for q in impact.only_old)}")
        if impact.only_new:
            lines.append(f"- Asked only by the new rules (unknown in the corpus): "
                         f"{', '.join(_code(q) for q in impact.only_new)}")
        lines.append("")
    lines.append("This report is decision support for the rule change; the council's own change "
                 "process decides whether it goes live.")
    return "\n".join(lines) + "\n"


class _Bar:
    """A progress bar on stderr, shown only once the work has taken more than a second."""

    def __init__(self, err: Any, delay: float = 1.0) -> None:
        self.err, self.delay, self.start, self.shown = err, delay, time.perf_counter(), False

    def __call__(self, fraction: float, label: str) -> None:
        if time.perf_counter() - self.start < self.delay:
            return
        self.shown = True
        filled = int(fraction * 30)
        print(f"\rimpact [{'#' * filled}{'.' * (30 - filled)}] {fraction:4.0%} {label:12}",
              end="", file=self.err, flush=True)

    def close(self) -> None:
        if self.shown:
            print(file=self.err, flush=True)


def run_impact(old_path: Path, new_path: Path, corpus_path: Path | None, report: Path | None,
               out: Any, err: Any, *, rows: int = 100_000, seed: int = 2026,
               delay: float = 1.0) -> int:
    """The ``impact`` command: 0 done, 2 bad input (catalogue messages on ``err``)."""
    from ..errors import capped_lines
    from ..rules.loading import load
    from .corpus import generate

    bar = _Bar(err, delay)
    try:
        # checks are the lint's job (python -m screening lint): a draft that fails them still routes
        old, new = load(old_path, check=False), load(new_path, check=False)
        if corpus_path is None:
            n = max(rows, 1)
            corpus, source = generate(old, n, seed), f"synthetic, {n:,} rows, seed {seed}"
        else:
            corpus, source = read_corpus(corpus_path), str(corpus_path)
        bar(0.0, "routing")
        impact = compare(old, new, corpus, source=source, progress=bar)
    except ScreeningError as e:
        bar.close()
        for line in capped_lines(e.problems):
            print(line, file=err)
        return 2
    bar.close()
    print("\n".join(summary_lines(impact)), file=out)
    if report is not None:
        try:
            report.write_text(markdown(impact), encoding="utf-8")
        except OSError as e:
            print(problem("IM005", str(report), 0, reason=e.strerror or type(e).__name__).format(),
                  file=err)
            return 2
        print(f"Report written to {report}", file=out)
    return 0
