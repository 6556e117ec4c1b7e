"""Saved screenings, reviews and the audit trail, on SQLite (the default) or PostgreSQL.

One setting, ``SCREENING_DATABASE_URL``, chooses the database; without it the store is a SQLite
file (WAL) in ``data/`` beside the app, made on first use.  Every change and every view appends to
the audit trail in the same transaction, so a change is never stored without its record.
Nothing lives only in one server's memory: several app servers can share one PostgreSQL.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any, Literal

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection, Engine, create_engine, event, func, select, text, update
from sqlalchemy.exc import IntegrityError, OperationalError

from ..errors import ScreeningError, problem
from . import audit as trail
from .cipher import Cipher, CipherError
from .tables import reviews, rule_changes, screenings

URL_ENV = "SCREENING_DATABASE_URL"
RETENTION_ENV = "SCREENING_RETENTION_DAYS"
DEFAULT_RETENTION_DAYS = 90  # after closing
DRAFT_DAYS = 30  # a draft nobody touched for this long is purged too
#: A decided rule change (the draft, who edited and who decided) is a policy record: kept six years,
#: as councils keep records of policy decisions, then purged like everything else.
RULE_CHANGE_DAYS = 6 * 365
HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
DATA = ROOT / "data"

Status = Literal["draft", "submitted", "reviewed", "closed"]
Decision = Literal["agree", "change_route", "close", "escalate"]
DECISIONS: tuple[str, ...] = ("agree", "change_route", "close", "escalate")
#: Reference letters a worker can read down the phone: no 0/O, 1/I/L, 5/S, 2/Z, 8/B.
ALPHABET = "ACDEFGHJKMNPQRTUVWXY34679"


class StoreError(ScreeningError):
    """The store cannot do what was asked (unknown reference, database down, bad decision)."""

    def __init__(self, code: str, **fields: object):
        super().__init__([problem(code, "", 0, **fields)])
        self.code = code


def now() -> datetime:
    return datetime.now(UTC).replace(microsecond=0)


def new_reference() -> str:
    """Eight characters in two groups of four, e.g. ``K7QX-M3TD``: 25^8 = 1.5e11 possibilities."""
    chars = "".join(secrets.choice(ALPHABET) for _ in range(8))
    return f"{chars[:4]}-{chars[4:]}"


def default_url() -> str:
    """``$SCREENING_DATABASE_URL``, else the local SQLite file in data/."""
    return os.environ.get(URL_ENV, "").strip() or f"sqlite:///{DATA / 'screenings.db'}"


def _engine(url: str) -> Engine:
    if url.startswith("sqlite"):
        engine = create_engine(url, connect_args={"timeout": 30, "check_same_thread": False})

        @event.listens_for(engine, "connect")
        def _sqlite_setup(dbapi: Any, _record: Any) -> None:
            dbapi.isolation_level = None  # SQLAlchemy's BEGIN below, not the driver's own
            cur = dbapi.cursor()
            for pragma in ("journal_mode=WAL", "synchronous=NORMAL", "foreign_keys=ON",
                           "busy_timeout=30000"):
                cur.execute(f"PRAGMA {pragma}")
            cur.close()

        @event.listens_for(engine, "begin")
        def _sqlite_begin(conn: Connection) -> None:
            # take the write lock at the start: two writers never both read then fail to upgrade
            conn.exec_driver_sql("BEGIN IMMEDIATE")

        return engine
    return create_engine(url, pool_pre_ping=True, pool_size=10, max_overflow=10)


def migrate(engine: Engine) -> None:
    """Bring the database to the newest schema (Alembic); safe when servers start together."""
    cfg = Config()
    cfg.set_main_option("script_location", str(HERE / "migrations"))
    with engine.begin() as conn:
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(727274)"))  # one migrator at a time
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


@dataclass(frozen=True)
class Saved:
    """One stored screening as a reviewer or its author sees it (payload decrypted)."""

    reference: str
    status: str
    outcome: str | None
    urgent: bool
    team: str
    author: str
    ruleset_id: str
    ruleset_version: str
    ruleset_sha256: str
    step: int
    revision: int
    created_at: datetime
    updated_at: datetime
    submitted_at: datetime | None
    closed_at: datetime | None
    payload: dict[str, Any]
    reviews: tuple[dict[str, Any], ...] = ()


@dataclass(frozen=True)
class QueueRow:
    """A line of the review queue: no free text, no answers."""

    reference: str
    status: str
    outcome: str | None
    urgent: bool
    team: str
    created_at: datetime
    submitted_at: datetime | None


@dataclass(frozen=True)
class Page:
    rows: tuple[QueueRow, ...]
    total: int
    page: int
    per_page: int


@dataclass(frozen=True)
class Stats:
    """(created, outcome, team) per handed-over screening; (submitted, reviewed, decision, route,
    recommended) per review."""

    screenings: tuple[tuple[datetime, str, str], ...]
    reviews: tuple[tuple[datetime | None, datetime, str, str, str], ...]


@dataclass(frozen=True)
class Filters:
    statuses: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()
    teams: tuple[str, ...] = ()
    since: datetime | None = None
    until: datetime | None = None


class Store:
    """The one way the app and the CLI keep screenings (thread-safe: one engine, short transactions)."""

    def __init__(self, url: str | None = None, cipher: Cipher | None = None, *,
                 retention_days: int | None = None):
        self.url = url or default_url()
        if self.url.startswith("sqlite:///"):
            Path(self.url.removeprefix("sqlite:///")).parent.mkdir(parents=True, exist_ok=True)
        self.engine = _engine(self.url)
        key_file = Path(self.url.removeprefix("sqlite:///")).with_suffix(".key") \
            if self.url.startswith("sqlite:///") else None
        try:
            self.cipher = cipher or Cipher.configured(key_file)
        except CipherError as e:
            raise StoreError("ST009", reason=str(e)) from None
        env_days = os.environ.get(RETENTION_ENV, "").strip()
        self.retention_days = retention_days or (int(env_days) if env_days.isdigit() else
                                                 DEFAULT_RETENTION_DAYS)
        try:
            migrate(self.engine)
        except OperationalError as e:
            raise StoreError("ST001", reason=_first_line(e)) from None

    @contextmanager
    def _tx(self) -> Iterator[Connection]:
        try:
            with self.engine.begin() as conn:
                yield conn
        except OperationalError as e:
            raise StoreError("ST001", reason=_first_line(e)) from None

    # --- writing ---------------------------------------------------------------------------
    def save_draft(self, *, actor: str, team: str, reference: str | None, step: int,
                   payload: dict[str, Any], ruleset: tuple[str, str, str],
                   revision: int | None = None) -> tuple[str, int]:
        """Create or update a draft; returns (reference, new revision).

        ``revision``, when given, must be the one the caller last saw: a stale save (another tab or
        server saved since) is refused rather than silently overwriting newer answers.
        """
        at, sealed = now(), self.cipher.seal(payload)
        rid, rversion, rsha = ruleset
        with self._tx() as conn:
            if reference is None:
                for _ in range(5):
                    reference = new_reference()
                    try:
                        with conn.begin_nested():
                            conn.execute(screenings.insert().values(
                                reference=reference, status="draft", urgent=False, team=team, author=actor,
                                ruleset_id=rid, ruleset_version=rversion, ruleset_sha256=rsha, step=step,
                                revision=1, created_at=at, updated_at=at, payload=sealed))
                        break
                    except IntegrityError:
                        continue
                else:  # five collisions in 1.5e11: something is wrong with the generator
                    raise StoreError("ST003")
                trail.append(conn, at, actor, "create", reference)
                return reference, 1
            row = self._row(conn, reference)
            if row.status != "draft":
                raise StoreError("ST004", reference=reference, state="was already handed over")
            if revision is not None and row.revision != revision:
                raise StoreError("ST005", reference=reference)
            conn.execute(update(screenings).where(screenings.c.id == row.id).values(
                step=step, payload=sealed, updated_at=at, revision=row.revision + 1,
                ruleset_id=rid, ruleset_version=rversion, ruleset_sha256=rsha, team=team))
            trail.append(conn, at, actor, "save", row.reference, {"step": step})
            return row.reference, row.revision + 1

    def submit(self, reference: str, *, actor: str, outcome: str, urgent: bool,
               payload: dict[str, Any]) -> None:
        """Hand a screening over for review: its result and everything entered, final."""
        at = now()
        with self._tx() as conn:
            row = self._row(conn, reference)
            if row.status not in ("draft", "submitted"):
                raise StoreError("ST004", reference=reference, state="was already reviewed")
            conn.execute(update(screenings).where(screenings.c.id == row.id).values(
                status="submitted", outcome=outcome, urgent=urgent, payload=self.cipher.seal(payload),
                submitted_at=at, updated_at=at, revision=row.revision + 1))
            trail.append(conn, at, actor, "submit", row.reference, {"outcome": outcome, "urgent": urgent})

    def review(self, reference: str, *, actor: str, decision: str, route: str, reason: str,
               signed_off_by: str | None, lowers: bool) -> None:
        """Record a reviewer's decision, kept apart from the recommendation.

        A reason is needed whenever the route differs from the recommendation; lowering it also needs
        who signed it off (judgement may raise a route, never silently lower it).
        """
        if decision not in DECISIONS:
            raise StoreError("ST006", decision=decision, allowed=", ".join(DECISIONS))
        at = now()
        with self._tx() as conn:
            row = self._row(conn, reference)
            if row.status == "draft":
                raise StoreError("ST004", reference=reference, state="has not been handed over yet")
            recommended = row.outcome or ""
            if route != recommended and len(reason.strip()) < 10:
                raise StoreError("ST007", route=route, recommended=recommended)
            if lowers and not (signed_off_by or "").strip():
                raise StoreError("ST008", route=route, recommended=recommended)
            conn.execute(reviews.insert().values(
                screening_id=row.id, reviewer=actor, decision=decision, route=route,
                recommended=recommended, reason=self.cipher.seal(reason) if reason else None,
                signed_off_by=signed_off_by or None, created_at=at))
            status = "closed" if decision == "close" else "reviewed"
            conn.execute(update(screenings).where(screenings.c.id == row.id).values(
                status=status, reviewed_at=at, updated_at=at, revision=row.revision + 1,
                closed_at=at if status == "closed" else None))
            trail.append(conn, at, actor, "review", row.reference,
                         {"decision": decision, "route": route, "recommended": recommended})

    def record_export(self, reference: str, *, actor: str, kind: str) -> None:
        with self._tx() as conn:
            row = self._row(conn, reference)
            trail.append(conn, now(), actor, "export", row.reference, {"kind": kind})

    # --- reading ---------------------------------------------------------------------------
    def get(self, reference: str, *, actor: str) -> Saved:
        """One screening with its reviews; the view is audited."""
        with self._tx() as conn:
            row = self._row(conn, reference)
            revs = conn.execute(select(reviews).where(reviews.c.screening_id == row.id)
                                .order_by(reviews.c.created_at, reviews.c.id)).all()
            trail.append(conn, now(), actor, "view", row.reference)
        return Saved(
            reference=row.reference, status=row.status, outcome=row.outcome, urgent=row.urgent,
            team=row.team, author=row.author, ruleset_id=row.ruleset_id,
            ruleset_version=row.ruleset_version, ruleset_sha256=row.ruleset_sha256, step=row.step,
            revision=row.revision, created_at=row.created_at, updated_at=row.updated_at,
            submitted_at=row.submitted_at, closed_at=row.closed_at,
            payload=self.cipher.open(row.payload),
            reviews=tuple({"reviewer": r.reviewer, "decision": r.decision, "route": r.route,
                           "recommended": r.recommended, "signed_off_by": r.signed_off_by,
                           "reason": self.cipher.open(r.reason) if r.reason else "",
                           "created_at": r.created_at} for r in revs))

    def owner(self, reference: str) -> tuple[str, str, str] | None:
        """(author, team, status) of a screening, or None: what an access check needs before
        :meth:`get`, which is audited.  Not audited itself, because it shows nothing of the content."""
        c = screenings.c
        with self._tx() as conn:
            row = conn.execute(select(c.author, c.team, c.status)
                               .where(c.reference == reference.strip().upper())).one_or_none()
        return None if row is None else (row.author, row.team, row.status)

    def queue(self, filters: Filters = Filters(), *, page: int = 1, per_page: int = 50) -> Page:
        """Handed-over screenings, urgent checks first, newest first; no free text leaves here."""
        c = screenings.c
        where = [c.status != "draft"]
        if filters.statuses:
            where.append(c.status.in_(filters.statuses))
        if filters.outcomes:
            where.append(c.outcome.in_(filters.outcomes))
        if filters.teams:
            where.append(c.team.in_(filters.teams))
        if filters.since is not None:
            where.append(c.created_at >= filters.since)
        if filters.until is not None:
            where.append(c.created_at < filters.until)
        per_page = max(1, min(per_page, 200))
        page = max(1, page)
        with self._tx() as conn:
            total = conn.execute(select(func.count()).select_from(screenings).where(*where)).scalar_one()
            rows = conn.execute(
                select(c.reference, c.status, c.outcome, c.urgent, c.team, c.created_at, c.submitted_at)
                .where(*where).order_by(c.urgent.desc(), c.created_at.desc(), c.id.desc())
                .limit(per_page).offset((page - 1) * per_page)).all()
        return Page(tuple(QueueRow(*r) for r in rows), int(total), page, per_page)

    def stats(self, since: datetime | None = None, teams: tuple[str, ...] | None = None) -> Stats:
        """What the dashboard draws: no free text, no answers, only counts and dates; ``teams``
        (None for every team) limits it to a supervisor's own."""
        c, r = screenings.c, reviews.c
        where = [c.status != "draft"] + ([c.created_at >= since] if since is not None else [])
        if teams is not None:
            where.append(c.team.in_(teams))
        with self._tx() as conn:
            made = conn.execute(select(c.created_at, c.outcome, c.team).where(*where)).all()
            rows = conn.execute(
                select(c.submitted_at, r.created_at, r.decision, r.route, r.recommended)
                .join(reviews, reviews.c.screening_id == c.id).where(*where)).all()
        return Stats(
            screenings=tuple((m.created_at, m.outcome or "", m.team) for m in made),
            reviews=tuple((x.submitted_at, x.created_at, x.decision, x.route, x.recommended) for x in rows))

    def drafts_of(self, actor: str) -> list[tuple[str, datetime, int]]:
        """The author's own drafts (reference, last saved, step), newest first."""
        c = screenings.c
        with self._tx() as conn:
            rows = conn.execute(select(c.reference, c.updated_at, c.step)
                                .where(c.author == actor, c.status == "draft")
                                .order_by(c.updated_at.desc()).limit(20)).all()
        return [(r.reference, r.updated_at, r.step) for r in rows]

    # --- retention and audit ---------------------------------------------------------------
    def purge(self, *, actor: str, at: datetime | None = None) -> list[str]:
        """Delete what has expired (closed over the retention period; drafts untouched for
        DRAFT_DAYS; rule changes decided over RULE_CHANGE_DAYS ago); each deletion audited.
        Returns the references deleted."""
        at = at or now()
        closed_before = at - timedelta(days=self.retention_days)
        drafts_before = at - timedelta(days=DRAFT_DAYS)
        c = screenings.c
        with self._tx() as conn:
            rows = conn.execute(select(c.id, c.reference, c.status).where(
                ((c.status == "closed") & (c.closed_at < closed_before))
                | ((c.status == "draft") & (c.updated_at < drafts_before)))).all()
            for r in rows:
                conn.execute(reviews.delete().where(reviews.c.screening_id == r.id))
                conn.execute(screenings.delete().where(c.id == r.id))
                trail.append(conn, now(), actor, "purge", r.reference,
                             {"status": r.status, "retention_days": self.retention_days})
            rc = rule_changes.c
            changes = conn.execute(select(rc.id, rc.reference, rc.status).where(
                rc.decided_at < at - timedelta(days=RULE_CHANGE_DAYS))).all()
            for r in changes:
                conn.execute(rule_changes.delete().where(rc.id == r.id))
                trail.append(conn, now(), actor, "purge", r.reference,
                             {"status": f"rule change {r.status}", "retention_days": RULE_CHANGE_DAYS})
        return [r.reference for r in rows] + [r.reference for r in changes]

    def verify_audit(self) -> tuple[int, trail.Broken | None]:
        with self._tx() as conn:
            return trail.verify(conn)

    def _row(self, conn: Connection, reference: str) -> Any:
        row = conn.execute(select(screenings).where(screenings.c.reference == reference.strip().upper())
                           ).one_or_none()
        if row is None:
            raise StoreError("ST002", reference=reference[:40])
        return row

    def close(self) -> None:
        self.engine.dispose()


def _first_line(e: Exception) -> str:
    return str(e).strip().splitlines()[0][:200] if str(e).strip() else type(e).__name__
