"""YAML rule files -> a typed, immutable :class:`RuleSet`, or every problem with its file:line.

A rule set is a folder holding ``ruleset.yaml`` (the questions, outcomes and routing) and
``fairness.yaml`` (what may never be an indicator).  The content hash covers both files' bytes, so
a saved screening can prove which rules produced it.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import types
import typing
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from .errors import Problem, RuleSetError, Severity, problem, suggest
from .ruleset import (
    All,
    AnyOf,
    AtLeast,
    CompiledRule,
    CompiledStep,
    Condition,
    Document,
    FairnessList,
    Kind,
    Not,
    RuleSet,
    Yes,
)
from .yamlio import LINES, line_of, own_line, parse, strip_lines

RULESET_FILE = "ruleset.yaml"
FAIRNESS_FILE = "fairness.yaml"


def default_rules_dir() -> Path:
    """The shipped rules folder (``rules/`` beside the package)."""
    return Path(__file__).resolve().parent.parent / "rules"


def _read(path: Path) -> tuple[bytes | None, list[Problem]]:
    try:
        return path.read_bytes(), []
    except OSError as e:
        return None, [problem("RS001", str(path), 0, what=str(path), reason=e.strerror or str(e))]


def _decode(data: bytes, path: str) -> tuple[str | None, list[Problem]]:
    try:
        return data.decode("utf-8"), []
    except UnicodeDecodeError as e:
        line = data[: e.start].count(b"\n") + 1
        return None, [problem("RS002", path, line, reason="the file is not UTF-8 text")]


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
            out.append(problem("RS004", path, line, key=key, suggestion=suggest(key, allowed),
                               allowed=", ".join(allowed) or "(none)"))
            continue
        if e["type"] == "string_pattern_mismatch":
            out.append(problem("RS011", path, line, id=e["input"]))
            continue
        field = ".".join(str(p) for p in loc) or "the file"
        msg = e["msg"]
        if e["type"] == "missing":
            msg = "this setting is required but missing"
        elif e["type"] == "enum":
            msg = f"{e['input']!r} is not allowed; {e['msg'].removeprefix('Input should be ').lower()}"
        out.append(problem("RS005", path, line, field=field, reason=msg))
    return out


def _validate(raw: Any, path: str, model: type[BaseModel], what: str) -> tuple[Any, list[Problem]]:
    if not isinstance(raw, dict) or not strip_lines(raw):
        return None, [problem("RS010", path, own_line(raw, 1), what=what)]
    try:
        return model.model_validate(strip_lines(raw)), []
    except ValidationError as err:
        return None, _validation_problems(err, raw, path, model)


class _Compiler:
    """Checks ids and references, and turns ``when:`` blocks into condition trees."""

    def __init__(self, doc: Document, raw: dict[str, Any], path: str):
        self.doc, self.raw, self.path = doc, raw, path
        self.problems: list[Problem] = []
        self.lines: dict[str, int] = {}
        self.indicators: dict[str, str] = {}  # indicator -> factor
        self.factor_kind: dict[str, Kind] = {f.id: f.kind for f in doc.factors}
        self.groups: dict[str, tuple[str, ...]] = {}

    def add(self, code: str, line: int, **fields: Any) -> None:
        self.problems.append(problem(code, self.path, line, **fields))

    def ids(self, section: str, items: Any, what: str, prefix: str,
            raw_items: Any, sub: tuple[str, ...] = ()) -> None:
        """Register ids of a list section, reporting duplicates with both lines."""
        for idx, item in enumerate(items):
            line = line_of(raw_items, (idx, *sub))
            key = f"{prefix}:{item.id}"
            if key in self.lines:
                self.add("RS006", line, id=item.id, first=self.lines[key], what=what)
            else:
                self.lines[key] = line

    def ref(self, value: str, known: Any, what: str, line: int) -> bool:
        if value in known:
            return True
        self.add("RS007", line, id=value, what=what, suggestion=suggest(value, known))
        return False

    def run(self) -> tuple[tuple[CompiledRule, ...], tuple[CompiledStep, ...]]:
        doc, raw = self.doc, self.raw
        self.lines["ruleset"] = line_of(raw, ("ruleset",))
        self.ids("contacts", doc.contacts, "contact", "contact", raw.get("contacts"))
        self.ids("factors", doc.factors, "factor", "factor", raw.get("factors"))
        for fi, f in enumerate(doc.factors):
            raw_inds = raw["factors"][fi].get("indicators")
            for ii, ind in enumerate(f.indicators):
                line = line_of(raw_inds, (ii,))
                key = f"indicator:{ind.id}"
                if key in self.lines:
                    self.add("RS006", line, id=ind.id, first=self.lines[key], what="indicator")
                    continue
                if f"factor:{ind.id}" in self.lines:
                    self.add("RS006", line, id=ind.id, first=self.lines[f"factor:{ind.id}"],
                             what="indicator")
                    continue
                self.lines[key] = line
                self.indicators[ind.id] = f.id
        self.ids("groups", doc.groups, "group", "group", raw.get("groups"))
        for gi, g in enumerate(doc.groups):
            for ii, ind_id in enumerate(g.indicators):
                self.ref(ind_id, self.indicators, "indicator",
                         line_of(raw.get("groups"), (gi, "indicators", ii)))
            self.groups[g.id] = g.indicators
        self.ids("outcomes", doc.outcomes, "outcome", "outcome", raw.get("outcomes"))
        contacts = {c.id for c in doc.contacts}
        self.ref(doc.emergency_contact, contacts, "contact", line_of(raw, ("emergency_contact",)))
        self.ref(doc.default_contact, contacts, "contact", line_of(raw, ("default_contact",)))
        for oi, o in enumerate(doc.outcomes):
            self.ref(o.contact, contacts, "contact", line_of(raw.get("outcomes"), (oi, "contact")))
        outcomes = [o.id for o in doc.outcomes]
        raw_routing = raw.get("routing", {})
        raw_rules = raw_routing.get("rules")
        self.ids("rules", doc.routing.rules, "rule", "rule", raw_rules)
        rules: list[CompiledRule] = []
        for ri, r in enumerate(doc.routing.rules):
            line = line_of(raw_rules, (ri,))
            ok = self.ref(r.outcome, outcomes, "outcome", line_of(raw_rules, (ri, "outcome")))
            cond = self.condition(raw_rules[ri].get("when"), line_of(raw_rules, (ri, "when")))
            if ok and cond is not None:
                rules.append(CompiledRule(r.id, r.outcome, r.because, cond, line))
        otherwise_ok = self.ref(doc.routing.otherwise, outcomes, "outcome",
                                line_of(raw_routing, ("otherwise",)))
        produced = {r.outcome for r in doc.routing.rules}
        if otherwise_ok:
            produced.add(doc.routing.otherwise)
        for oi, o in enumerate(doc.outcomes):
            if o.id not in produced:
                self.add("RS008", line_of(raw.get("outcomes"), (oi,)), id=o.id)
        self.journey_wording()
        raw_steps = raw.get("additional_steps")
        self.ids("additional_steps", doc.additional_steps, "additional step", "step", raw_steps)
        steps: list[CompiledStep] = []
        for si, s in enumerate(doc.additional_steps):
            line = line_of(raw_steps, (si,))
            if s.contact is not None:
                self.ref(s.contact, contacts, "contact", line_of(raw_steps, (si, "contact")))
            cond = self.condition((raw_steps or [])[si].get("when"), line_of(raw_steps, (si, "when")))
            if cond is not None:
                steps.append(CompiledStep(s.id, s.title, s.what_to_do, s.contact, cond, line))
        return tuple(rules), tuple(steps)

    def journey_wording(self) -> None:
        """Account field ids once each; the age question's profile question must exist."""
        account = self.doc.journey.account
        raw_acc = self.raw.get("journey", {}).get("account", {})
        seen: dict[str, int] = {}
        for section, items in (("fields", account.fields), ("screener_fields", account.screener_fields)):
            for idx, f in enumerate(items):
                line = line_of(raw_acc, (section, idx))
                if f.id in seen:
                    self.add("RS006", line, id=f.id, first=seen[f.id], what="account field")
                seen.setdefault(f.id, line)
        if account.age.child_question is not None:
            self.ref(account.age.child_question, self.indicators, "indicator",
                     line_of(raw_acc, ("age", "child_question")))

    # --- conditions ------------------------------------------------------------------------
    CONDITION_KEYS = ("answered_yes", "any_yes", "at_least", "all", "any", "not")
    SET_KEYS = ("indicators", "factor", "factors", "group", "kind", "kinds")

    def condition(self, node: Any, line: int) -> Condition | None:
        """Parse one condition mapping; report problems at the right line."""
        line = own_line(node, line)
        if not isinstance(node, dict):
            self.add("RS009", line, reason=f"a condition must be a mapping, not {_kind(node)}")
            return None
        keys = [k for k in node if k != LINES]
        klines = node.get(LINES, {})
        main = [k for k in keys if k in self.CONDITION_KEYS]
        extra = [k for k in keys if k not in self.CONDITION_KEYS and not (k == "of" and "at_least" in keys)]
        for k in extra:
            self.add("RS004", klines.get(k, line), key=k,
                     suggestion=suggest(str(k), (*self.CONDITION_KEYS, "of")),
                     allowed=", ".join(self.CONDITION_KEYS))
        if extra:
            return None
        if len(main) != 1:
            self.add("RS009", line, reason="a condition needs exactly one of "
                     f"{', '.join(self.CONDITION_KEYS)}; found {', '.join(map(str, main)) or 'none'}")
            return None
        key = main[0]
        value, kline = node[key], klines.get(key, line)
        if key == "answered_yes":
            if not isinstance(value, str):
                self.add("RS009", kline, reason="answered_yes takes one indicator id")
                return None
            return Yes(value) if self.ref(value, self.indicators, "indicator", kline) else None
        if key in ("any_yes", "at_least"):
            n = 1
            target = value
            if key == "at_least":
                if isinstance(value, bool) or not isinstance(value, int) or value < 1:
                    self.add("RS009", kline, reason="at_least takes a whole number of 1 or more")
                    return None
                if "of" not in node:
                    self.add("RS009", kline, reason="at_least needs 'of:' naming the set to count")
                    return None
                n, target = value, node["of"]
                kline = klines.get("of", kline)
            resolved = self.indicator_set(target, kline)
            if resolved is None:
                return None
            ids, label = resolved
            if n > len(ids):
                self.add("RS009", kline, reason=f"at_least {n} can never hold: {label} has only "
                         f"{len(ids)} indicators")
                return None
            return AtLeast(n, ids, label)
        if key == "not":
            part = self.condition(value, kline)
            return Not(part) if part is not None else None
        if not isinstance(value, list) or not value:
            self.add("RS009", kline, reason=f"'{key}' takes a list of one or more conditions")
            return None
        parts = [self.condition(v, kline) for v in value]
        if any(p is None for p in parts):
            return None
        clean = tuple(p for p in parts if p is not None)
        return All(clean) if key == "all" else AnyOf(clean)

    def indicator_set(self, node: Any, line: int) -> tuple[tuple[str, ...], str] | None:
        """A set of indicators: named ones, whole factors, a group, or every factor of a kind."""
        line = own_line(node, line)
        if not isinstance(node, dict) or not [k for k in node if k != LINES]:
            self.add("RS009", line, reason="a set is a mapping such as {factor: engagement}, "
                     "{group: weaker_engagement}, {kind: context} or {indicators: [a, b]}")
            return None
        klines = node.get(LINES, {})
        ids: list[str] = []
        labels: list[str] = []
        ok = True

        def as_list(k: str) -> list[Any]:
            v = node[k]
            return v if isinstance(v, list) else [v]

        for k in [k for k in node if k != LINES]:
            kl = klines.get(k, line)
            if k not in self.SET_KEYS:
                self.add("RS004", kl, key=k, suggestion=suggest(str(k), self.SET_KEYS),
                         allowed=", ".join(self.SET_KEYS))
                ok = False
                continue
            for v in as_list(k):
                if not isinstance(v, str):
                    self.add("RS009", kl, reason=f"'{k}' takes ids, not {_kind(v)}")
                    ok = False
                elif k == "indicators":
                    if self.ref(v, self.indicators, "indicator", kl):
                        ids.append(v)
                        labels.append(v)
                    else:
                        ok = False
                elif k in ("factor", "factors"):
                    if self.ref(v, self.factor_kind, "factor", kl):
                        ids += [i for i, f in self.indicators.items() if f == v]
                        labels.append(f"factor {v}")
                    else:
                        ok = False
                elif k == "group":
                    if self.ref(v, self.groups, "group", kl):
                        ids += self.groups[v]
                        labels.append(f"group {v}")
                    else:
                        ok = False
                else:
                    kinds = [x.value for x in Kind]
                    if self.ref(v, kinds, "kind", kl):
                        ids += [i for i, f in self.indicators.items() if self.factor_kind[f].value == v]
                        labels.append(f"every {v} factor")
                    else:
                        ok = False
        if not ok:
            return None
        return tuple(dict.fromkeys(ids)), ", ".join(labels)


def _kind(v: Any) -> str:
    return {dict: "a mapping", list: "a list", str: "text", int: "a number",
            bool: "true/false", type(None): "nothing"}.get(type(v), type(v).__name__)


def load(path: str | Path | None = None, *, check: bool = True) -> RuleSet:
    """Load and compile a rule set; raise :class:`RuleSetError` listing every problem found.

    ``path`` is a folder (holding ruleset.yaml and fairness.yaml) or a single ruleset file.
    With ``check`` (the default) the safeguard proofs in :mod:`screening.checks` also run, so a
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

    data, probs = _read(main_path)
    if data is None:
        raise RuleSetError(probs)
    digest.update(b"ruleset.yaml\0" + data)
    text, probs = _decode(data, str(main_path))
    if text is None:
        raise RuleSetError(probs)
    raw, probs = parse(text, str(main_path))
    if probs:
        raise RuleSetError(probs)
    doc, probs = _validate(raw, str(main_path), Document, "the rule file")
    if probs:
        raise RuleSetError(probs)

    fairness: FairnessList | None = None
    fair_paths: tuple[str, ...] = ()
    if fair_path.exists():
        fdata, probs = _read(fair_path)
        problems += probs
        if fdata is not None:
            digest.update(b"fairness.yaml\0" + fdata)
            fair_paths = (str(fair_path),)
            ftext, probs = _decode(fdata, str(fair_path))
            problems += probs
            if ftext is not None:
                fraw, probs = parse(ftext, str(fair_path))
                problems += probs
                if not probs:
                    fairness, probs = _validate(fraw, str(fair_path), FairnessList, "fairness.yaml")
                    problems += probs

    compiler = _Compiler(doc, raw, str(main_path))
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
        from .checks import check_ruleset  # deferred: the proofs import z3, which is slow to load

        findings = check_ruleset(ruleset)
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
