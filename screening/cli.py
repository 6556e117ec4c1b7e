"""``python -m screening``: lint rule files, evaluate answers, run the rule scenarios.

Exit codes: 0 clean / done, 1 problems found (lint) or scenarios failed (test), 2 bad input.
Every message comes from the error catalogue; no traceback reaches the person running it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any, TextIO

from .engine import Assessment, evaluate, normalise_answers
from .errors import AnswersError, Problem, ScreeningError, Severity, capped_lines, problem
from .rules.loading import default_rules_dir, load
from .rules.register import record_loaded
from .rules.ruleset import RuleSet
from .rules.yamlio import ANSWERS_FILE, read_yaml, strip_lines
from .words import count


def _rules_arg(value: str | None) -> Path:
    return Path(value) if value else default_rules_dir()


def read_answers(path: Path) -> tuple[dict[str, Any], dict[str, int]]:
    """Read an answers file (YAML or JSON mapping indicator ids to yes / no / unknown), with key lines.

    Anchors and aliases (RS015) and files past the answers limits (RS016) keep their own codes, whose
    fixes say what to do; any other unreadable file is AN003.
    """
    file = read_yaml(path, ANSWERS_FILE)
    if file.problems:
        p = file.problems[0]
        if p.code in ("RS015", "RS016"):
            raise AnswersError([p])
        raise AnswersError([problem("AN003", str(path), p.line, reason=file.reason or p.message)])
    raw = file.raw
    answers = strip_lines(raw)
    if answers is None or answers == {}:
        raise AnswersError([problem("AN003", str(path), 1, reason="the file is empty")])
    if not isinstance(answers, dict):
        raise AnswersError([problem("AN003", str(path), 1,
                                    reason="it must map question ids to yes, no or unknown")])
    lines = raw.get("__lines__", {})
    return {str(k): v for k, v in answers.items()}, {str(k): v for k, v in lines.items() if k}


def _print_problems(problems: Sequence[Problem], out: TextIO) -> None:
    """At most ten problems, then '... and N more' (200,000 lines of one mistake help nobody)."""
    for line in capped_lines(problems):
        print(line, file=out)


def cmd_lint(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Load and check a rule set: 0 when clean, 1 when there are problems."""
    try:
        ruleset = load(_rules_arg(args.rules))
    except ScreeningError as e:
        _print_problems(e.problems, out)
        n = sum(1 for p in e.problems if p.severity is Severity.ERROR)
        print(f"{count(n, 'problem')} found; the rule set cannot be used.", file=err)
        return 1
    _print_problems(ruleset.warnings, out)
    print(f"{ruleset.main_path}: OK: {ruleset.id} version {ruleset.version}, "
          f"{len(ruleset.indicator_ids())} questions, {len(ruleset.rules)} rules, "
          f"sha256 {ruleset.sha256[:12]}", file=out)
    return 0


def render_text(ruleset: RuleSet, a: Assessment) -> str:
    """A plain-text recommendation and summary for the terminal."""
    o = ruleset.outcome(a.outcome)
    c = ruleset.contact(o.contact)
    lines = [f"Recommendation: {o.title}", f"  {o.summary}"]
    lines += [f"  - {step}" for step in o.what_to_do]
    lines.append(f"  Contact: {c.name}, {c.phone}")
    for s in ruleset.steps:
        if s.id in a.additional_steps:
            lines.append(f"Also: {s.title}: {s.what_to_do}")
    lines.append("Why:")
    for f in a.fired:
        mark = "decides the route" if f.decisive else "also fired"
        ev = ", ".join(e.indicator for e in f.evidence)
        lines.append(f"  - {f.because} [{f.id}, {mark}; {ev}]")
    if not a.fired:
        lines.append("  - No rule fired: nothing answered yes points to a concern.")
    for factor_id, ids in a.yes_by_factor:
        lines.append(f"{ruleset.factor(factor_id).title}: " +
                     "; ".join(ruleset.indicator(i).question for i in ids))
    if a.urgent_checks:  # a danger question answered Don't know leads, as on every page and export
        first = a.urgent_checks[0]
        todo = " ".join(f"{advice} ({c.name}: {c.phone})"
                        for advice, c in zip(first.advice, first.contacts, strict=False))
        lines.insert(0, "Check now, before anything else: " + "; ".join(u.question for u in a.urgent_checks)
                     + f" (answered Don't know). {todo}")
    if a.unknowns:
        lines.append(f"Still unknown ({count(len(a.unknowns), 'question')}): {', '.join(a.unknowns)}")
    if a.could_become:
        lines.append(f"Could become {ruleset.outcome(a.could_become.outcome).title} if yes: "
                     f"{', '.join(a.could_become.if_yes)}")
    lines.append(f"Rule set {a.ruleset_id} version {a.ruleset_version}, sha256 {a.ruleset_sha256}")
    lines.append("This tool supports, and does not replace, your professional judgement.")
    return "\n".join(lines)


def cmd_evaluate(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Route one answers file; exit 2 with a catalogue message for bad input."""
    answers_path = Path(args.answers)
    try:
        ruleset = load(_rules_arg(args.rules))
    except ScreeningError as e:
        _print_problems(e.problems, err)
        return 2
    record_loaded(ruleset)  # rules used to route are published: keep them in the register
    try:
        answers, lines = read_answers(answers_path)
        normalise_answers(ruleset, answers, str(answers_path), lines)
        assessment = evaluate(ruleset, answers)
    except AnswersError as e:
        _print_problems(e.problems, err)
        return 2
    if args.json:
        print(json.dumps(assessment.to_dict(), indent=2), file=out)
    else:
        print(render_text(ruleset, assessment), file=out)
    return 0


def cmd_test(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Run the YAML scenarios in RULES/tests."""
    from .rules.scenario_results import main as run_tests

    return run_tests(_rules_arg(args.rules), out)


def cmd_register(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """List the register of published rule sets, or add one (checked first, like lint)."""
    from .rules import register

    if args.action == "add":
        ruleset = load(_rules_arg(args.rules))  # a rule set that fails its checks is never published
        held = register.find(ruleset.sha256, args.register)
        entry = register.record(ruleset, args.register)
        if entry is None:
            print(f"{ruleset.main_path}: changed while it was being read; run this again", file=err)
            return 2
        said = "already held" if held else "recorded"
        print(f"{said}: {entry.id} version {entry.version}, sha256 {entry.sha256}, published "
              f"{entry.published_at}, in {register.register_dir(args.register)}", file=out)
        return 0
    held_entries = register.entries(args.register)
    if not held_entries:
        print(f"the register {register.register_dir(args.register)} holds no rule sets yet", file=out)
    for e in held_entries:
        print(f"{e.published_at}  {e.id}  version {e.version}  sha256 {e.sha256}", file=out)
    return 0


def cmd_keys(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Check the export key settings; exit 2 (EX014, EX015) when they cannot be used."""
    from .exports.export import export_keys

    keys = export_keys()
    if not keys:
        print("no export key set: exports carry a plain sha256 checksum, which anyone can recompute",
              file=out)
    for i, k in enumerate(keys):
        print(f"{'seals and verifies' if i == 0 else 'verifies only'}: {k.label} (key id {k.id})", file=out)
    return 0


def cmd_audit(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Verify the audit trail's hash chain; exit 1 naming the first broken record (ST010)."""
    from .store import Store

    store = Store(args.database)
    n, broken = store.verify_audit()
    store.close()
    if broken is not None:
        _print_problems([problem("ST010", "", 0, seq=broken.seq, reason=broken.reason)], err)
        return 1
    print(f"the audit trail holds {n:,} records and its hash chain is unbroken", file=out)
    return 0


def cmd_purge(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Delete the screenings whose retention period has passed (each deletion audited)."""
    from .store import Store

    store = Store(args.database)
    _n, broken = store.verify_audit()
    if broken is not None:  # never delete on top of a trail that cannot be trusted
        store.close()
        _print_problems([problem("ST010", "", 0, seq=broken.seq, reason=broken.reason)], err)
        return 1
    gone = store.purge(actor=args.actor)
    store.close()
    print(f"purged {len(gone):,} screening{'' if len(gone) == 1 else 's'} past retention "
          f"({store.retention_days} days after closing; untouched drafts after 30 days)", file=out)
    for ref in gone:
        print(f"  {ref}", file=out)
    return 0


def cmd_impact(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    """Route a corpus under OLD and NEW rules: the outcome matrix, the share changed, examples."""
    from .impact.report import run_impact  # deferred: pandas and numpy load only for this command

    return run_impact(Path(args.old), Path(args.new), Path(args.corpus) if args.corpus else None,
                      Path(args.report) if args.report else None, out, err,
                      rows=args.rows, seed=args.seed)


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m screening",
                                description="Prevent concern screening: rule files and the engine.")
    sub = p.add_subparsers(dest="command", required=True)
    lint = sub.add_parser("lint", help="check rule files; exit 1 if there are problems",
                          description="Load a rule set and run every check. One line per problem: "
                          "path:line: CODE message. Exit 0 when clean, 1 when there are problems.")
    lint.add_argument("rules", nargs="?", help="rules folder or ruleset.yaml (default: rules/)")
    lint.set_defaults(func=cmd_lint)
    ev = sub.add_parser("evaluate", help="route one set of answers",
                        description="Evaluate ANSWERS (YAML or JSON mapping question ids to yes, no or "
                        "unknown; true/false accepted). Exit 2 on bad input.")
    ev.add_argument("paths", nargs="+", metavar="[RULES] ANSWERS")
    ev.add_argument("--json", action="store_true", help="print the assessment as JSON")
    ev.set_defaults(func=cmd_evaluate)
    test = sub.add_parser("test", help="run the rule scenarios in RULES/tests",
                          description="Run the YAML scenarios. Exit 0 all pass, 1 a failure, 2 bad files.")
    test.add_argument("rules", nargs="?", help="rules folder (default: rules/)")
    test.set_defaults(func=cmd_test)
    reg = sub.add_parser("register", help="the register of published rule sets (list, add)",
                         description="list: every rule set this installation has published. add [RULES]: "
                         "check a rule set and record it. Exit 2 on bad input or a damaged register.")
    reg.add_argument("action", choices=("list", "add"))
    reg.add_argument("rules", nargs="?", help="with add: rules folder (default: rules/)")
    reg.add_argument("--register", help="register folder (default: $SCREENING_REGISTER or data/register)")
    reg.set_defaults(func=cmd_register)
    keys = sub.add_parser("keys", help="check the export key settings",
                          description="Show which export key seals and which still verify (labels and "
                          "key ids, never the keys). Exit 2 when a key is too short or unreadable.")
    keys.set_defaults(func=cmd_keys)
    aud = sub.add_parser("audit", help="verify the audit trail of saved screenings",
                         description="verify: check the hash chain of every audit record. Exit 0 when "
                         "unbroken, 1 naming the first broken record, 2 when the store cannot be reached.")
    aud.add_argument("action", choices=("verify",))
    aud.add_argument("--database", help="database URL (default: $SCREENING_DATABASE_URL or data/)")
    aud.set_defaults(func=cmd_audit)
    purge = sub.add_parser("purge", help="delete saved screenings past their retention period",
                           description="Delete closed screenings older than the retention period "
                           "($SCREENING_RETENTION_DAYS, default 90) and drafts untouched for 30 days; each "
                           "deletion is audited. Refuses when the audit trail is broken (exit 1).")
    purge.add_argument("--database", help="database URL (default: $SCREENING_DATABASE_URL or data/)")
    purge.add_argument("--actor", default="retention (command line)",
                       help="who is purging, for the audit trail")
    purge.set_defaults(func=cmd_purge)
    imp = sub.add_parser("impact", help="whose route a rule change would change",
                         description="Route a corpus of answers under OLD and NEW rules (folders or "
                         "ruleset.yaml): the old-to-new outcome matrix, the share of screenings whose "
                         "route changes and examples of each change. Without --corpus a seeded "
                         "synthetic corpus is used. Exit 0 done, 2 bad input.")
    imp.add_argument("old", help="the rules now in use")
    imp.add_argument("new", help="the edited rules")
    imp.add_argument("--corpus", help="CSV or parquet of answers, one column per question id")
    imp.add_argument("--report", help="write the Markdown change report to this file")
    imp.add_argument("--rows", type=int, default=100_000, help="synthetic corpus size (default 100000)")
    imp.add_argument("--seed", type=int, default=2026, help="synthetic corpus seed (default 2026)")
    imp.set_defaults(func=cmd_impact)
    return p


def main(argv: Sequence[str] | None = None, out: TextIO | None = None, err: TextIO | None = None) -> int:
    """Entry point; returns the exit code."""
    out = out or sys.stdout
    err = err or sys.stderr
    args = build_parser().parse_args(argv)
    if args.command == "evaluate":
        if len(args.paths) > 2:
            print("usage: python -m screening evaluate [RULES] ANSWERS [--json]", file=err)
            return 2
        args.rules, args.answers = (None, args.paths[0]) if len(args.paths) == 1 else args.paths
    try:
        return int(args.func(args, out, err))
    except ScreeningError as e:
        _print_problems(e.problems, err)
        return 2
    except RecursionError:
        _print_problems([problem("AN003", "", 0, reason="it is nested far too deeply to read")], err)
        return 2
    except Exception as e:  # the last resort: a catalogue message, never a traceback
        _print_problems([problem("IN001", "", 0, what=type(e).__name__)], err)
        return 2
