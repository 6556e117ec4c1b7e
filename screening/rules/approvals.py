"""Four eyes as data: a concern question or a fairness exception goes live only once a second person
has approved exactly that text, with an equality note (``rules/approvals.yaml``).

Why: a new engagement question is a new way to send a person to the Prevent Lead, and an ``allow``
entry or a deleted term is a hole in the fairness list.  Both are easy to write and hard to spot in
a long file, so each needs a recorded approval: the text's sha256 (so an edit after approval voids
it), the approver's role, the date and an equality-impact note.  Lint refuses what is unapproved and
says who must approve and what to record (CK030, CK031).

The fairness list may grow freely, but it may not shrink unseen: ``fairness_baseline`` keeps the
approved terms of every category, and each term or category missing from ``fairness.yaml`` needs its
own approved removal (CK032).  The baseline carries the sha256 of its own terms, so editing it
without recording a new approval is refused too (CK033), as are a missing approvals file, an
approval dated in the future and an empty equality note.  The approvals file is not part of the
rule set's content hash: it records who agreed the rules, it does not change what they say.
(Recording the approver as a second signed-in person comes with sign-in.)
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from pathlib import Path
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from ..errors import Problem, problem
from .ruleset import CONCERN_KINDS, FairnessAllow, FairnessList, Id, Indicator, Kind, RuleSet, Text
from .yamlio import read_yaml

APPROVALS_FILE = "approvals.yaml"
#: Who may approve a concern question, a fairness exception or a removal (never its author).
APPROVER_ROLES: tuple[str, ...] = ("Prevent Lead",)
#: An equality note must say something: who the wording could affect, and why it is fair.
MIN_NOTE = 20

Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Approval(_Model):
    """One recorded approval: of a concern question, an allowed phrase, or a removal from the list.

    Exactly one of ``question``, ``allow``, ``removed_term`` (with ``category``) or
    ``removed_category`` names what was approved.
    """

    question: Id | None = None
    allow: Text | None = None
    removed_term: Text | None = None
    removed_category: Text | None = None
    category: Text | None = None
    sha256: Sha256
    approver_role: Text
    date: dt.date
    equality_note: Text


class Baseline(_Model):
    """The fairness list's terms as last approved: it may grow, it may not shrink unapproved."""

    sha256: Sha256
    approver_role: Text
    date: dt.date
    equality_note: Text
    categories: dict[str, tuple[str, ...]] = Field(min_length=1)


class ApprovalsFile(_Model):
    """``rules/approvals.yaml``."""

    approvals: tuple[Approval, ...] = ()
    fairness_baseline: Baseline


def _digest(data: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of ``data``, whitespace in texts collapsed (re-wrapping a
    folded YAML line is not an edit)."""
    clean = {k: " ".join(v.split()) if isinstance(v, str) else v for k, v in data.items()}
    return hashlib.sha256(json.dumps(clean, sort_keys=True, ensure_ascii=False).encode()).hexdigest()


def question_sha256(ind: Indicator, kind: Kind) -> str:
    """The approved text of a concern question: its id, kind and every word a worker reads."""
    return _digest({"id": ind.id, "kind": kind.value, "question": ind.question,
                    "definition": ind.definition, "example": ind.example, "help": ind.help})


def allow_sha256(entry: FairnessAllow) -> str:
    """The approved text of an allowed phrase: the phrase and its reason."""
    return _digest({"allow": entry.phrase, "reason": entry.reason})


def removal_sha256(category: str, term: str | None) -> str:
    """What a removal approves: one term of a category, or (term None) the whole category."""
    return _digest({"removed_category": category} if term is None
                   else {"removed_term": term, "category": category})


def baseline_terms(fairness: FairnessList) -> dict[str, tuple[str, ...]]:
    """A fairness list's categories and their terms, as the baseline records them."""
    return {c.category: tuple(c.terms) for c in fairness.protected}


def baseline_sha256(categories: Mapping[str, tuple[str, ...] | list[str]]) -> str:
    return _digest({"categories": {k: sorted(v) for k, v in sorted(categories.items())}})


def load_approvals(folder: Path) -> tuple[ApprovalsFile | None, list[Problem]]:
    """The approvals file beside the rules, or the problems that stop it being read."""
    from .loading import _validate  # deferred: loading imports this module lazily too

    path = folder / APPROVALS_FILE
    where = str(path)
    if not path.exists():
        return None, [problem("CK033", where, 0, what=f"there is no {APPROVALS_FILE} beside the "
                              "rules, so no concern question or fairness exception is approved")]
    file = read_yaml(path)
    if file.problems:
        return None, list(file.problems)
    parsed, probs = _validate(file.raw, where, ApprovalsFile, APPROVALS_FILE)
    return parsed, probs


def approval_problems(rs: RuleSet, today: dt.date | None = None) -> list[Problem]:
    """CK030-CK033 for a loaded rule set, from the approvals file in its folder."""
    folder = Path(rs.main_path).parent
    approvals, probs = load_approvals(folder)
    if approvals is None or probs:
        return probs
    return _Checker(rs, approvals, str(folder / APPROVALS_FILE), today or dt.date.today()).run()


class _Checker:
    def __init__(self, rs: RuleSet, approvals: ApprovalsFile, path: str, today: dt.date):
        self.rs, self.file, self.path, self.today = rs, approvals, path, today
        self.out: list[Problem] = []

    def run(self) -> list[Problem]:
        for a in self.file.approvals:
            self._record(a, f"the approval of {_named(a)}")
        base = self.file.fairness_baseline
        self._record(base, "the fairness baseline")
        if baseline_sha256(base.categories) != base.sha256:
            self.out.append(problem("CK033", self.path, 0, what=(
                "the fairness baseline in approvals.yaml was edited without a new approval: its "
                f"sha256 is for other terms (its terms now give {baseline_sha256(base.categories)})")))
        self._questions()
        self._allowed()
        self._removals()
        return self.out

    def _record(self, a: Approval | Baseline, what: str) -> None:
        """CK033 for an approval record that cannot count: future date, no real equality note."""
        if a.date > self.today:
            self.out.append(problem("CK033", self.path, 0, what=f"{what} is dated {a.date}, after "
                                    f"today ({self.today})"))
        note = " ".join(a.equality_note.split())
        if len(note) < MIN_NOTE or note.upper().startswith(("TODO", "TBC", "N/A")):
            self.out.append(problem("CK033", self.path, 0, what=f"{what} has no real equality "
                                    f"note ('{note}')"))

    def _find(self, sha: str) -> tuple[Approval | None, Approval | None]:
        """(a valid approval of exactly this text, an approval by a role that may not approve)."""
        mine = [a for a in self.file.approvals if a.sha256 == sha]
        good = next((a for a in mine if a.approver_role in APPROVER_ROLES), None)
        return good, next((a for a in mine if a.approver_role not in APPROVER_ROLES), None)

    def _how(self, sha: str, earlier: list[Approval], wrong: Approval | None) -> str:
        if wrong is not None:
            return (f"was approved by '{wrong.approver_role}', who may not approve it (only the "
                    f"{' or '.join(APPROVER_ROLES)})")
        if earlier:
            last = max(earlier, key=lambda a: a.date)
            return (f"was edited after it was approved on {last.date} (approved text "
                    f"{last.sha256[:12]}..., now {sha[:12]}...)")
        return "has no approval"

    def _questions(self) -> None:
        for f in self.rs.factors:
            if f.kind not in CONCERN_KINDS:
                continue
            for ind in f.indicators:
                sha = question_sha256(ind, f.kind)
                good, wrong = self._find(sha)
                if good is not None:
                    continue
                earlier = [a for a in self.file.approvals if a.question == ind.id]
                self.out.append(problem(
                    "CK030", self.rs.main_path, self.rs.line_of(f"indicator:{ind.id}"),
                    what=f"the {f.kind.value} question", id=ind.id, sha256=sha,
                    how=self._how(sha, earlier, wrong)))

    def _allowed(self) -> None:
        fair = self.rs.fairness
        if fair is None:
            return
        for entry in fair.allow:
            sha = allow_sha256(entry)
            good, wrong = self._find(sha)
            if good is None:
                earlier = [a for a in self.file.approvals if a.allow == entry.phrase]
                self.out.append(problem("CK031", self._fairness_path(),
                                        self._fairness_line(f"phrase: {entry.phrase}"),
                                        phrase=entry.phrase, sha256=sha,
                                        how=self._how(sha, earlier, wrong)))

    def _removals(self) -> None:
        fair = self.rs.fairness
        if fair is None:
            return
        now = baseline_terms(fair)
        for category, terms in self.file.fairness_baseline.categories.items():
            if category not in now:
                self._removed(category, None, f"the category '{category}'")
                continue
            kept = {" ".join(t.casefold().split()) for t in now[category]}
            for term in terms:
                if " ".join(term.casefold().split()) not in kept:
                    self._removed(category, term, f"the term '{term}' ({category})")

    def _removed(self, category: str, term: str | None, what: str) -> None:
        sha = removal_sha256(category, term)
        good, _ = self._find(sha)
        if good is None:
            record = (f"'- removed_category: {category}'" if term is None
                      else f"'- removed_term: {term}' with 'category: {category}'")
            self.out.append(problem("CK032", self._fairness_path(),
                                    self._fairness_line(f"category: {category}"), what=what,
                                    record=record, sha256=sha))

    def _fairness_path(self) -> str:
        return self.rs.paths[1] if len(self.rs.paths) > 1 else self.rs.main_path

    def _fairness_line(self, needle: str) -> int:
        """The first line of fairness.yaml holding ``needle`` (0 when it is no longer there)."""
        try:
            text = Path(self._fairness_path()).read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return 0
        at = text.find(needle)
        if at < 0:  # a removed category: the list it was in
            at = text.find("protected:")
        return text.count("\n", 0, at) + 1 if at >= 0 else 0


def _named(a: Approval) -> str:
    if a.question:
        return f"question '{a.question}'"
    if a.allow:
        return f"allowed phrase '{a.allow}'"
    return f"the removal of '{a.removed_term or a.removed_category}'"


def seed(rs: RuleSet, role: str, date: dt.date, note: str) -> str:
    """approvals.yaml approving every concern question and allowed phrase of ``rs`` as it stands,
    with its fairness list as the baseline: for the shipped rules and test copies of them, never a
    substitute for a second person's reading."""
    assert rs.fairness is not None
    rec = {"approver_role": role, "date": date.isoformat(), "equality_note": note}
    approvals: list[dict[str, Any]] = [
        {"question": ind.id, "sha256": question_sha256(ind, f.kind), **rec}
        for f in rs.factors if f.kind in CONCERN_KINDS for ind in f.indicators]
    approvals += [{"allow": a.phrase, "sha256": allow_sha256(a), **rec} for a in rs.fairness.allow]
    categories = baseline_terms(rs.fairness)
    doc = {"approvals": approvals,
           "fairness_baseline": {"sha256": baseline_sha256(categories), **rec,
                                 "categories": {k: list(v) for k, v in categories.items()}}}
    return yaml.safe_dump(doc, sort_keys=False, allow_unicode=True, width=100)
