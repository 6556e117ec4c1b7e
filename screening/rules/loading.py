"""YAML rule files -> a typed, immutable :class:`RuleSet`, or every problem with its file:line.

A rule set is a folder holding ``ruleset.yaml`` (the questions, outcomes and routing) and
``fairness.yaml`` (what may never be an indicator).  The content hash covers both files' bytes, so
a saved screening can prove which rules produced it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from ..errors import SHOWN_PROBLEMS, Problem, RuleSetError, Severity, problem, suggest
from .compiler import Compiler
from .ruleset import (
    Document,
    FairnessList,
    RuleSet,
)
from .yamlio import line_of, own_line, read_yaml, strip_lines

RULESET_FILE = "ruleset.yaml"
FAIRNESS_FILE = "fairness.yaml"


def default_rules_dir() -> Path:
    """The shipped rules folder (``rules/`` beside the package)."""
    return Path(__file__).resolve().parents[2] / "rules"


def _model_at(model: type[BaseModel], loc: tuple[Any, ...]) -> type[BaseModel] | None:
    """Which model class sits at ``loc`` (to list its allowed keys for a misspelt one)."""
    current: Any = model
    for part in loc:
        if isinstance(part, int):
            continue
        if not (isinstance(current, type) and issubclass(current, BaseModel)):
            return None
        fld = current.model_fields.get(str(part))
        if fld is None:
            return None
        current = _unwrap(fld.annotation)
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _unwrap(tp: Any) -> Any:
    """tuple[X, ...] / X | None -> X."""
    for _ in range(4):
        origin = typing.get_origin(tp)
        if origin in (tuple, list):
            tp = typing.get_args(tp)[0]
        elif origin in (typing.Union, types.UnionType):
            args = [a for a in typing.get_args(tp) if a is not type(None)]
            tp = args[0] if len(args) == 1 else tp
            if len(args) != 1:
                break
        else:
            break
    return tp


def _validation_problems(err: ValidationError, raw: Any, path: str,
                         model: type[BaseModel]) -> list[Problem]:
    out: list[Problem] = []
    for e in err.errors():
        loc = tuple(e["loc"])
        line = line_of(raw, loc)
        if e["type"] == "extra_forbidden":
            key = str(loc[-1])
            parent = _model_at(model, loc[:-1])
            allowed = sorted(parent.model_fields) if parent else []
            # "did you mean" costs a fuzzy match: only for problems that will be shown (25,000 unknown
            # keys would otherwise take seconds for lines nobody sees)
            hint = suggest(key, allowed) if len(out) < SHOWN_PROBLEMS else ""
            out.append(problem("RS004", path, line, key=key, suggestion=hint,
                               allowed=", ".join(allowed) or "(none)"))
            continue
        if e["type"] == "string_pattern_mismatch":
            out.append(problem("RS011", path, line, id=e["input"]))
            continue
        field = field_path(loc)
        slip = _slip(e, loc, field, path, line)
        if slip is not None:
            out.append(slip)
            continue
        msg = e["msg"]
        if e["type"] == "missing":
            msg = "this setting is required but missing"
        elif e["type"] == "enum":
            msg = f"{e['input']!r} is not allowed; {e['msg'].removeprefix('Input should be ').lower()}"
        out.append(problem("RS005", path, line, field=field, reason=msg))
    return out


def field_path(loc: tuple[Any, ...]) -> str:
    """Where a value sits, for a person: list positions counted from 1 ('factors #1 > indicators #2
    > question'), never Python's 0."""
    parts = [f"#{p + 1}" if isinstance(p, int) else str(p) for p in loc]
    out = ""
    for p in parts:
        out += (" " if p.startswith("#") else " > ") + p if out else p
    return out or "the file"


def _source_line(path: str, line: int) -> str:
    """Line ``line`` of the file as written ('' if it cannot be read)."""
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError):
        return ""
    return lines[line - 1] if 0 < line <= len(lines) else ""


_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def _slip(e: Any, loc: tuple[Any, ...], field: str, path: str, line: int) -> Problem | None:
    """The usual hand-editing slips, named as such: a number where text was meant (RS017), a colon
    that turned a list item into a setting (RS018), a date in another form (RS020)."""
    value = e.get("input")
    key = next((str(p) for p in reversed(loc) if not isinstance(p, int)), "")
    if e["type"] == "string_type" and isinstance(value, (int, float)) and not isinstance(value, bool):
        src = _source_line(path, line)
        written = src.partition(":")[2].strip() if ":" in src.lstrip("- ") else src.strip("- ").strip()
        return problem("RS017", path, line, field=field, written=written or str(value),
                       value=value, key=key)
    if e["type"] == "string_type" and isinstance(value, dict) and len(strip_lines(value)) == 1:
        (k, v), = strip_lines(value).items()
        text = f"{k}: {v}"
        shown = text.replace('"', "'")
        item = isinstance(loc[-1], int)
        return problem("RS018", path, line, excerpt=text,
                       after="the '-' of a list item" if item else f"'{key}:'",
                       fixed=f'- "{shown}"' if item else f'{key}: "{shown}"')
    if e["type"].startswith("date") and isinstance(value, str) and not _DATE.match(value.strip()):
        return problem("RS020", path, line, field=field, value=value, key=key)
    return None


def _validate(raw: Any, path: str, model: type[BaseModel], what: str) -> tuple[Any, list[Problem]]:
    if not isinstance(raw, dict) or not strip_lines(raw):
        return None, [problem("RS010", path, own_line(raw, 1), what=what)]
    try:
        return model.model_validate(strip_lines(raw)), []
    except ValidationError as err:
        return None, _validation_problems(err, raw, path, model)


def load(path: str | Path | None = None, *, check: bool = True) -> RuleSet:
    """Load and compile a rule set; raise :class:`RuleSetError` listing every problem found.

    ``path`` is a folder (holding ruleset.yaml and fairness.yaml) or a single ruleset file.
    With ``check`` (the default) the safeguard proofs in :mod:`screening.proofs.checks` also run, so a
    rule set that could route unfairly is never returned.
    """
    try:
        return _load(path, check=check)
    except RecursionError:  # a condition nested thousands deep: refuse it, never crash
        base = Path(path) if path is not None else default_rules_dir()
        where = str(base / RULESET_FILE if base.is_dir() else base)
        raise RuleSetError([problem("RS002", where, 0, reason="it is nested far too deeply to read")]) \
            from None


def _load(path: str | Path | None, *, check: bool) -> RuleSet:
    """The work of :func:`load`."""
    base = Path(path) if path is not None else default_rules_dir()
    main_path = base / RULESET_FILE if base.is_dir() else base
    fair_path = (base if base.is_dir() else base.parent) / FAIRNESS_FILE
    digest = hashlib.sha256()
    problems: list[Problem] = []

    main = read_yaml(main_path)
    if main.problems:
        raise RuleSetError(main.problems)
    assert main.data is not None  # no problems: the file was read
    digest.update(b"ruleset.yaml\0" + main.data)
    raw = main.raw
    doc, probs = _validate(raw, str(main_path), Document, "the rule file")
    if probs:
        raise RuleSetError(probs)

    fairness: FairnessList | None = None
    fair_paths: tuple[str, ...] = ()
    if fair_path.exists():
        fair = read_yaml(fair_path)
        problems += fair.problems
        if fair.data is not None:
            digest.update(b"fairness.yaml\0" + fair.data)
            fair_paths = (str(fair_path),)
        if not fair.problems:
            fairness, probs = _validate(fair.raw, str(fair_path), FairnessList, "fairness.yaml")
            problems += probs

    compiler = Compiler(doc, raw, str(main_path))
    rules, steps = compiler.run()
    problems += compiler.problems
    notes = _dates(doc, raw, str(main_path))
    problems += [p for p in notes if p.severity is Severity.ERROR]
    if problems:
        raise RuleSetError(problems)
    notes = [p for p in notes if p.severity is not Severity.ERROR]
    ruleset = RuleSet(document=doc, rules=rules, steps=steps, fairness=fairness,
                      sha256=digest.hexdigest(), paths=(str(main_path), *fair_paths),
                      lines=compiler.lines)
    if check:
        from ..proofs.checks import check_ruleset  # deferred: the proofs import z3, which is slow to load
        from .approvals import approval_problems

        findings = check_ruleset(ruleset) + approval_problems(ruleset)  # approvals: who agreed it
        errors = [f for f in findings if f.severity is Severity.ERROR]
        if errors:
            raise RuleSetError(findings)
        notes += findings
    if notes:
        ruleset = RuleSet(document=doc, rules=rules, steps=steps, fairness=fairness,
                          sha256=ruleset.sha256, paths=ruleset.paths, lines=compiler.lines,
                          warnings=tuple(notes))
    return ruleset


def _dates(doc: Document, raw: dict[str, Any], path: str, today: dt.date | None = None) -> list[Problem]:
    """The review date must follow the effective date; say so if the rules are not in force."""
    meta, today = doc.ruleset, today or dt.date.today()
    line = line_of(raw, ("ruleset", "review_date"))
    if meta.review_date <= meta.effective_date:
        return [problem("RS012", path, line, effective=meta.effective_date, review=meta.review_date)]
    if today < meta.effective_date:
        return [problem("RS013", path, line_of(raw, ("ruleset", "effective_date")),
                        what=f"not in force until {meta.effective_date}")]
    if today > meta.review_date:
        return [problem("RS013", path, line, what=f"past its review date ({meta.review_date})")]
    return []
