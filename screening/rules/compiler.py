"""Rule-file semantics after validation: ids, references, and ``when:`` blocks as condition trees.

The pydantic models check shapes; this checks meaning, with the line of every problem: ids used
twice, references to ids that do not exist (with "did you mean"), outcomes no rule produces, and
conditions (answered_yes / any_yes / at_least+of / all / any / not over sets of indicators).
"""

from __future__ import annotations

import string
from typing import Any

from ..errors import Problem, problem, suggest
from .ruleset import (
    All,
    AnyOf,
    AtLeast,
    CompiledRule,
    CompiledStep,
    Condition,
    Document,
    Kind,
    Not,
    Yes,
)
from .yamlio import LINES, line_of, own_line


class Compiler:
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
        self.lines["journey:account"] = line_of(self.raw, ("journey", "account"))
        allowed = ("band", "answer", "question")
        mismatch_line = line_of(raw_acc, ("age", "mismatch"))
        try:
            named = [f for _, f, _, _ in string.Formatter().parse(account.age.mismatch) if f is not None]
        except ValueError as e:  # an unclosed or stray brace
            self.add("RS014", mismatch_line, what="the age mismatch message", field=f"... ({e})",
                     allowed=", ".join(allowed))
            named = []
        for f in named:
            if f not in allowed:
                self.add("RS014", mismatch_line, what="the age mismatch message", field=f,
                         allowed=", ".join(allowed))
        seen: dict[str, int] = {}
        for section, items in (("fields", account.fields), ("screener_fields", account.screener_fields)):
            for idx, item in enumerate(items):
                line = line_of(raw_acc, (section, idx))
                if item.id in seen:
                    self.add("RS006", line, id=item.id, first=seen[item.id], what="account field")
                seen.setdefault(item.id, line)
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
