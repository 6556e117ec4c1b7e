"""Rule changes put forward from the workbench and decided by a policy approver (four eyes).

Why: a rule change can send more people to the Prevent Lead, or fewer.  The editor puts a checked
draft forward; a different, signed-in approver approves or rejects it with a reason; both steps are
in the audit trail.  Approval is a recorded decision, not publication: the live rules change only
through the council's own change process (README "Publishing a rule change").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from sqlalchemy import select, update

from ..access import key
from ..errors import ScreeningError, problem
from . import audit as trail
from .store import Store, StoreError, new_reference, now
from .tables import rule_changes

Status = Literal["awaiting", "approved", "rejected"]
RuleDecision = Literal["approve", "reject"]
MIN_REASON = 10
TITLE_MAX = 200


@dataclass(frozen=True)
class RuleChange:
    """One rule change as the approver sees it."""

    reference: str
    status: str
    title: str
    editor: str
    draft_sha256: str
    text: str
    live_sha256: str
    live_version: str
    verdict: str
    submitted_at: datetime
    decided_by: str | None
    decided_at: datetime | None
    reason: str | None


def _change(r: object) -> RuleChange:
    return RuleChange(**{f: getattr(r, f) for f in RuleChange.__dataclass_fields__})


class RuleChanges:
    """Rule changes in the store (the same database, transactions and audit trail as screenings)."""

    def __init__(self, store: Store):
        self.store = store

    def put_forward(self, text: str, *, actor: str, title: str, draft_sha256: str, live_sha256: str,
                    live_version: str, verdict: str) -> str:
        """Record a checked draft awaiting approval; returns its reference (audited)."""
        title = " ".join(title.split())[:TITLE_MAX] or "Rule change"
        at = now()
        with self.store._tx() as conn:
            ref = new_reference()
            conn.execute(rule_changes.insert().values(
                reference=ref, status="awaiting", title=title, editor=actor, draft_sha256=draft_sha256,
                text=text, live_sha256=live_sha256, live_version=live_version, verdict=verdict,
                submitted_at=at))
            trail.append(conn, at, actor, "rule_change", ref,
                         {"draft_sha256": draft_sha256, "live_sha256": live_sha256, "verdict": verdict})
        return ref

    def listed(self, status: str | None = None, limit: int = 200) -> list[RuleChange]:
        """Newest first; by status when given."""
        q = select(rule_changes).order_by(rule_changes.c.submitted_at.desc(), rule_changes.c.id.desc())
        if status:
            q = q.where(rule_changes.c.status == status)
        with self.store._tx() as conn:
            return [_change(r) for r in conn.execute(q.limit(limit)).all()]

    def get(self, reference: str, *, actor: str) -> RuleChange:
        """One rule change; the view is audited (ST011 when there is none)."""
        with self.store._tx() as conn:
            row = conn.execute(select(rule_changes).where(
                rule_changes.c.reference == reference.strip().upper())).first()
            if row is None:
                raise StoreError("ST011", reference=reference[:20])
            trail.append(conn, now(), actor, "view_rule_change", row.reference)
        return _change(row)

    def decide(self, reference: str, *, actor: str, decision: RuleDecision, reason: str,
               blocking_now: str = "") -> None:
        """Approve or reject, with a reason; never by the change's own editor (AU010).

        ``blocking_now`` is why the draft, checked again against today's live rules, can no longer
        be approved ('' when it can): an approval is refused (ST014), a rejection is still allowed.
        """
        if decision not in get_args(RuleDecision):
            raise StoreError("ST006", decision=str(decision)[:20], allowed=", ".join(get_args(RuleDecision)))
        if len(reason.strip()) < MIN_REASON:
            raise StoreError("ST013", decision=decision)
        at = now()
        with self.store._tx() as conn:
            row = conn.execute(select(rule_changes).where(rule_changes.c.reference == reference)
                               .with_for_update()).first()
            if row is None:
                raise StoreError("ST011", reference=reference[:20])
            if key(row.editor) == key(actor):
                raise ScreeningError([problem("AU010", editor=row.editor)])
            if row.status != "awaiting":
                raise StoreError("ST012", reference=reference, state=row.status)
            if decision == "approve" and blocking_now:
                raise StoreError("ST014", reference=reference, why=blocking_now)
            status = "approved" if decision == "approve" else "rejected"
            conn.execute(update(rule_changes).where(rule_changes.c.id == row.id).values(
                status=status, decided_by=actor, decided_at=at, reason=reason.strip()))
            trail.append(conn, at, actor, f"rule_change_{status}", row.reference,
                         {"draft_sha256": row.draft_sha256, "editor": row.editor})
