"""One report on an edited rule file, before it goes live: the policy workbench's core.

Why: a policy officer changing ``ruleset.yaml`` needs to know at once whether the edit can be read,
is still safe and fair, what the policy team's worked cases now give, who must approve it and whose
route it would change, and the approver needs the same report to decide.  Everything here is the
command line's own machinery (``lint``, ``test``, ``impact``) run on the draft, side by side with the
live rules; nothing here writes the live rules (publishing is the council's change process).

The draft is read exactly as a published rule file would be: in a folder of its own beside copies of
the live ``fairness.yaml`` and ``approvals.yaml`` (so the fairness list and the recorded approvals
apply to it), then the live scenarios are run against it.  Every finding carries the lines of the
file it points at, so the page can show the offending text.
"""

from __future__ import annotations

import difflib
import hashlib
import re
import shutil
import tempfile
import threading
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import pandas as pd

from .errors import Problem, RuleSetError, ScreeningError, Severity, problem
from .exports.summary import md_text
from .impact.report import Impact, compare
from .impact.report import markdown as impact_markdown
from .rules.approvals import APPROVALS_FILE, approval_problems
from .rules.loading import FAIRNESS_FILE, RULESET_FILE, load
from .rules.ruleset import RuleSet
from .rules.scenario_results import Result, run_all
from .rules.scenarios import load_dir, scenario_dir
from .rules.yamlio import RULE_FILE, too_big

Section = Literal["reading", "proofs", "fairness", "structure", "approvals", "scenarios"]

#: The safeguard proofs (screening/proofs/checks.py and the order checks): each comes with a counterexample.
PROOF_CODES = frozenset({"CK001", "CK002", "CK003", "CK004", "CK005", "CK006", "CK007", "CK011", "CK012",
                         "CK013", "CK015", "CK017", "CK018", "CK020"})
#: Wording and fairness: protected characteristics, generalisations, routes and contacts in words.
FAIRNESS_CODES = frozenset({"CK008", "CK014", "CK021", "CK022", "CK023", "CK025", "CK026", "CK027", "CK028",
                            "CK029"})
#: Four eyes: what a second person must approve before the draft can go live.
APPROVAL_CODES = frozenset({"CK030", "CK031", "CK032", "CK033"})

SECTION_TITLES: dict[Section, str] = {
    "reading": "Can the draft be read",
    "proofs": "Safeguard proofs",
    "fairness": "Wording and fairness",
    "structure": "Structure and the stable ids",
    "approvals": "Approvals still needed",
    "scenarios": "Worked cases (scenarios)",
}

Verdict = Literal["unreadable", "unsafe", "unfair", "broken", "needs_approval", "scenarios", "ready"]

#: What each verdict means for the person reading the report, most serious first.
VERDICTS: dict[Verdict, str] = {
    "unreadable": "The draft cannot be read: fix the problems below (each names its line).",
    "unsafe": "The draft breaks a safeguard: a proof below shows answers that would be routed wrongly.",
    "unfair": "The draft's wording is unfair or routes the person wrongly in words: see the findings.",
    "broken": "The draft's structure or stable ids are wrong: see the findings.",
    "needs_approval": "The draft is safe and fair by every check; a policy approver must approve the "
                      "changes listed before it can be published.",
    "scenarios": "The draft is safe and fair by every check, but some worked cases now give a "
                 "different result: update those scenarios with the change, or fix the draft.",
    "ready": "The draft passes every check and every worked case, and needs no further approval.",
}
BLOCKING: frozenset[Verdict] = frozenset({"unreadable", "unsafe", "unfair", "broken"})


@dataclass(frozen=True)
class Finding:
    """One catalogue problem, with the file it is in (as a person names it) and the lines around it."""

    problem: Problem
    file: str
    section: Section
    excerpt: tuple[tuple[int, str], ...] = ()

    @property
    def where(self) -> str:
        return f"{self.file}:{self.problem.line}" if self.problem.line else self.file


@dataclass(frozen=True)
class Change:
    """One piece of wording that differs between the live rules and the draft."""

    where: str
    old: str | None
    new: str | None

    @property
    def kind(self) -> Literal["added", "removed", "changed"]:
        return "added" if self.old is None else "removed" if self.new is None else "changed"


Piece = tuple[Literal["same", "removed", "added"], str]


@dataclass(frozen=True)
class DraftReport:
    """Everything the workbench shows about one draft, against one live rule set."""

    name: str
    text: str
    sha256: str
    live: RuleSet
    draft: RuleSet | None
    findings: tuple[Finding, ...]
    scenarios: tuple[Result, ...] = ()
    changes: tuple[Change, ...] = ()
    impact: Impact | None = None
    notes: tuple[str, ...] = field(default=())

    def section(self, name: Section) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.section == name)

    def errors(self, name: Section) -> tuple[Finding, ...]:
        return tuple(f for f in self.section(name) if f.problem.severity is Severity.ERROR)

    @property
    def failed_scenarios(self) -> tuple[Result, ...]:
        return tuple(r for r in self.scenarios if not r.passed)

    @property
    def verdict(self) -> Verdict:
        """The most serious state the draft is in."""
        if self.draft is None:
            return "unreadable"
        for section, verdict in (("reading", "unreadable"), ("proofs", "unsafe"), ("fairness", "unfair"),
                                 ("structure", "broken")):
            if self.errors(section):  # type: ignore[arg-type]
                return verdict  # type: ignore[return-value]
        if self.errors("approvals"):
            return "needs_approval"
        if self.failed_scenarios or self.errors("scenarios"):
            return "scenarios"
        return "ready"

    @property
    def blocking(self) -> bool:
        """True when no one may approve the draft as it stands (unreadable, unsafe, unfair, broken)."""
        return self.verdict in BLOCKING

    @property
    def blocked_because(self) -> str:
        """Why no one may approve the draft, in a few words ('' when it is not blocked)."""
        return VERDICTS[self.verdict].split(": ", 1)[0].lower() if self.blocking else ""

    @property
    def unchanged(self) -> bool:
        """The draft says exactly what the live rules say (same content hash)."""
        return self.draft is not None and self.draft.sha256 == self.live.sha256


def section_of(code: str) -> Section:
    """Which part of the report a catalogue code belongs to."""
    if code in PROOF_CODES:
        return "proofs"
    if code in FAIRNESS_CODES:
        return "fairness"
    if code in APPROVAL_CODES:
        return "approvals"
    if code.startswith("TS"):
        return "scenarios"
    if code.startswith("RS"):
        return "reading"
    return "structure"


def text_sha256(text: str) -> str:
    """The draft's identity: sha256 of its text (line endings as typed)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _excerpt(lines: Sequence[str], line: int, around: int = 1) -> tuple[tuple[int, str], ...]:
    if not 0 < line <= len(lines):
        return ()
    lo, hi = max(1, line - around), min(len(lines), line + around)
    return tuple((n, lines[n - 1]) for n in range(lo, hi + 1))


class _Files:
    """The draft's folder: which temporary path is which file, as a person names it."""

    def __init__(self, folder: Path, name: str, live_folder: Path):
        self.folder, self.name = folder, name
        self.names = {str(folder / RULESET_FILE): name,
                      str(folder / FAIRNESS_FILE): f"{FAIRNESS_FILE} (live)",
                      str(folder / APPROVALS_FILE): f"{APPROVALS_FILE} (live)"}
        self.live_folder = live_folder
        self._lines: dict[str, list[str]] = {}

    def finding(self, p: Problem, section: Section | None = None) -> Finding:
        file = self.names.get(p.path)
        if file is None:  # a scenario file or the live folder: named from the rules folder
            path = Path(p.path) if p.path else None
            file = str(path.relative_to(self.live_folder.parent)) if path and path.is_relative_to(
                self.live_folder.parent) else (p.path or self.name)
        lines = self._read(p.path)
        shown = replace(p, path=file)
        return Finding(problem=shown, file=file, section=section or section_of(p.code),
                       excerpt=_excerpt(lines, p.line))

    def _read(self, path: str) -> list[str]:
        if path not in self._lines:
            try:
                self._lines[path] = Path(path).read_text(encoding="utf-8").splitlines() if path else []
            except (OSError, UnicodeDecodeError, ValueError):
                self._lines[path] = []
        return self._lines[path]


def _leaves(node: Any, where: str = "") -> Iterable[tuple[str, str]]:
    """Every text of a rule document with a readable address; list items by id where they have one."""
    if isinstance(node, Mapping):
        for k, v in node.items():
            yield from _leaves(v, f"{where} > {k}" if where else str(k))
    elif isinstance(node, list):
        for i, v in enumerate(node):
            label = str(v.get("id")) if isinstance(v, Mapping) and v.get("id") else f"#{i + 1}"
            yield from _leaves(v, f"{where} > {label}")
    elif isinstance(node, str):
        yield where, node


#: Addresses that hold logic or ids, not words a person reads (their changes show in the impact).
_NOT_WORDING = re.compile(r"(^| > )when( > |$)|(^| > )(id|outcome|kind|category|needs_one_of_kinds)$")


def _worded(where: str) -> bool:
    return not _NOT_WORDING.search(where)


def wording_changes(live: RuleSet, draft: RuleSet) -> tuple[Change, ...]:
    """Every text that differs between the two rule sets (the rule set's own words, not ids or logic)."""
    old = {k: v for k, v in _leaves(live.document.model_dump(mode="json")) if _worded(k)}
    new = {k: v for k, v in _leaves(draft.document.model_dump(mode="json")) if _worded(k)}
    out = [Change(k, old.get(k), new.get(k)) for k in dict.fromkeys([*old, *new])
           if old.get(k) != new.get(k)]
    return tuple(out)


#: A word (or a mark) with the spaces after it: a change of two words is one piece, not three.
_TOKEN = re.compile(r"^\s+|\w+\s*|[^\w\s]\s*")


def _merged(pieces: list[Piece]) -> list[Piece]:
    out: list[Piece] = []
    for kind, text in pieces:
        if out and out[-1][0] == kind:
            out[-1] = (kind, out[-1][1] + text)
        elif text:
            out.append((kind, text))
    return out


def word_diff(old: str, new: str) -> tuple[list[Piece], list[Piece]]:
    """The two texts as pieces marked same / removed (old side) and same / added (new side)."""
    a, b = _TOKEN.findall(old), _TOKEN.findall(new)
    left: list[Piece] = []
    right: list[Piece] = []
    for op, i1, i2, j1, j2 in difflib.SequenceMatcher(a=a, b=b, autojunk=False).get_opcodes():
        if op == "equal":
            left.append(("same", "".join(a[i1:i2])))
            right.append(("same", "".join(b[j1:j2])))
            continue
        left.append(("removed", "".join(a[i1:i2])))
        right.append(("added", "".join(b[j1:j2])))
    return _merged(left), _merged(right)


_corpora: dict[tuple[str, int, int], pd.DataFrame] = {}
_corpora_lock = threading.Lock()


def reference_corpus(live: RuleSet, rows: int = 100_000, seed: int = 2026) -> pd.DataFrame:
    """The synthetic corpus ``python -m screening impact`` uses by default, made once per rule set."""
    from .impact.corpus import generate

    key = (live.sha256, rows, seed)
    with _corpora_lock:  # sessions are threads: one generates, the others wait and share it
        if key not in _corpora:
            if len(_corpora) > 4:
                _corpora.clear()
            _corpora[key] = generate(live, rows, seed)
        return _corpora[key]


def _seat(folder: Path, text: str, live: RuleSet) -> Path:
    """Write the draft beside copies of the live fairness list, approvals and nothing else."""
    live_folder = Path(live.main_path).parent
    (folder / RULESET_FILE).write_text(text, encoding="utf-8")
    for name in (FAIRNESS_FILE, APPROVALS_FILE):
        if (live_folder / name).is_file():
            shutil.copyfile(live_folder / name, folder / name)
    return folder


def check_draft(text: str, live: RuleSet, *, name: str = "draft ruleset.yaml",
                corpus: pd.DataFrame | None = None, corpus_name: str = "",
                progress: Callable[[float, str], None] | None = None) -> DraftReport:
    """The whole report on ``text`` (a ``ruleset.yaml`` as edited) against the ``live`` rules.

    ``corpus`` is the answers the impact is measured on (default: :func:`reference_corpus`, as the
    command line's ``impact``).  Never raises for anything wrong with the draft: every problem is a
    finding in the report.
    """
    sha = text_sha256(text)
    live_folder = Path(live.main_path).parent
    too_large = too_big(len(text.encode("utf-8")), RULE_FILE)  # refused before it is written anywhere
    if too_large:
        p = problem("RS016", name, 0, reason=too_large)
        return DraftReport(name=name, text=text, sha256=sha, live=live, draft=None,
                           findings=(Finding(p, name, "reading"),))
    step = progress or (lambda _f, _l: None)
    with tempfile.TemporaryDirectory(prefix="screening-draft-") as tmp:
        folder = _seat(Path(tmp), text, live)
        files = _Files(folder, name, live_folder)
        step(0.05, "reading the draft")
        try:
            draft = load(folder, check=False)
        except RuleSetError as e:
            return DraftReport(name=name, text=text, sha256=sha, live=live, draft=None,
                               findings=tuple(files.finding(p, "reading" if p.code.startswith("RS")
                                                            else None) for p in e.problems))
        step(0.2, "proving the safeguards")
        from .proofs.checks import check_ruleset  # deferred: z3 loads only when a draft is checked

        found = list(draft.warnings) + check_ruleset(draft) + approval_problems(draft)
        findings = [files.finding(p) for p in found]
        step(0.6, "running the worked cases")
        scenarios, probs = load_dir(scenario_dir(Path(live.main_path)), draft)
        findings += [files.finding(p, "scenarios") for p in probs]  # e.g. a question the draft removed
        results = tuple(run_all(scenarios, draft))
    order = {section: i for i, section in enumerate(SECTION_TITLES)}  # the report's own order
    findings.sort(key=lambda f: (order[f.section], f.problem.severity is not Severity.ERROR,
                                 f.problem.line))
    step(0.7, "routing the corpus under both")
    notes: list[str] = []
    impact = None
    if corpus is None:
        corpus, corpus_name = reference_corpus(live), "synthetic, 100,000 rows, seed 2026"
    try:
        impact = compare(live, draft, corpus, source=corpus_name or "corpus",
                         progress=lambda f, label: step(0.7 + 0.3 * f, label))
    except ScreeningError as e:  # a corpus that does not fit: say so, keep the rest of the report
        notes += [p.format() for p in e.problems]
    step(1.0, "done")
    return DraftReport(name=name, text=text, sha256=sha, live=live, draft=draft,
                       findings=tuple(findings), scenarios=results,
                       changes=wording_changes(live, draft), impact=impact, notes=tuple(notes))


def change_report(report: DraftReport, *, decision: str = "") -> str:
    """The change report in Markdown: what the editor attaches to the change and the approver reads."""
    live, draft = report.live, report.draft
    lines = ["# Rule change report", "",
             f"- Draft: {md_text(report.name)}, sha256 `{report.sha256}`",
             f"- Live rules: `{live.id}` version `{live.version}`, sha256 `{live.sha256}`"]
    if draft is not None:
        lines.append(f"- Draft rules: `{draft.id}` version `{draft.version}`, sha256 `{draft.sha256}`")
    lines += ["", f"**{VERDICTS[report.verdict]}**", ""]
    if decision:
        lines += [decision, ""]
    for section, title in SECTION_TITLES.items():
        items = report.section(section)
        if section == "scenarios":
            passed = sum(r.passed for r in report.scenarios)
            lines += [f"## {title}", "", f"{passed} of {len(report.scenarios)} worked cases pass."]
            for r in report.failed_scenarios:
                p = r.problem()
                if p is not None:
                    lines.append(f"- `{r.scenario.where}`: {md_text(p.message)}")
            lines += [f"- `{f.where}`: {f.problem.code} {md_text(f.problem.message)}" for f in items]
            lines.append("")
            continue
        lines += [f"## {title}", ""]
        if not items:
            lines += ["Nothing found." if report.draft is not None or section == "reading"
                      else "Not run: the draft cannot be read.", ""]
            continue
        for f in items:
            level = "error" if f.problem.severity is Severity.ERROR else "warning"
            lines.append(f"- `{f.where}` {f.problem.code} ({level}): {md_text(f.problem.message)}; "
                         f"{md_text(f.problem.fix)}")
        lines.append("")
    if report.changes:
        lines += ["## Wording changed", "", "| where | live | draft |", "|---|---|---|"]
        lines += [f"| {md_text(c.where)} | {md_text(c.old or '(none)')} | {md_text(c.new or '(none)')} |"
                  for c in report.changes]
        lines.append("")
    if report.impact is not None:
        body = impact_markdown(report.impact).split("\n", 1)[1]  # without its own title
        lines += ["## Impact on the corpus", body]
    lines += [f"- {md_text(n)}" for n in report.notes]
    lines.append("The workbench never changes the live rules; publishing is the council's change process.")
    return "\n".join(lines) + "\n"


def approvals_needed(report: DraftReport) -> list[dict[str, str]]:
    """The concern questions of the draft that no recorded approval covers, as approvals.yaml names
    them (question id and the sha256 of its text): what an approver's decision must add."""
    from .rules.approvals import load_approvals, question_sha256
    from .rules.ruleset import CONCERN_KINDS

    if report.draft is None:
        return []
    approvals, _ = load_approvals(Path(report.live.main_path).parent)
    known = {a.sha256 for a in approvals.approvals} if approvals else set()
    return [{"question": ind.id, "sha256": question_sha256(ind, f.kind)}
            for f in report.draft.factors if f.kind in CONCERN_KINDS for ind in f.indicators
            if question_sha256(ind, f.kind) not in known]


def approvals_yaml(needed: Sequence[Mapping[str, str]], *, role: str, date: str, note: str) -> str:
    """The entries to add under ``approvals:`` in rules/approvals.yaml with the change."""
    import yaml

    entries = [{**n, "approver_role": role, "date": date, "equality_note": " ".join(note.split())}
               for n in needed]
    return yaml.safe_dump(entries, sort_keys=False, allow_unicode=True, width=100)


def why_not_forward(report: DraftReport) -> tuple[str, str] | None:
    """(why, fix) when a draft may not be put to an approver; None when it may."""
    if report.blocking:
        return (f"is {report.verdict}: {report.blocked_because}",
                "fix every error the report lists, check it again, then put it forward")
    if report.unchanged:
        return ("says exactly what the live rules say", "edit the rules first")
    return None


def put_forward(changes: Any, report: DraftReport, *, actor: str, title: str) -> str:
    """Record the draft for approval (a :class:`screening.store.RuleChanges`); ST015 when it may not."""
    refused = why_not_forward(report)
    if refused is not None:
        raise ScreeningError([problem("ST015", why=refused[0], fix=refused[1])])
    ref: str = changes.put_forward(report.text, actor=actor, title=title, draft_sha256=report.sha256,
                                   live_sha256=report.live.sha256, live_version=report.live.version,
                                   verdict=report.verdict)
    return ref
