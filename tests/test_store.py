"""The store on SQLite and on PostgreSQL: the same tests against both.

PostgreSQL comes from ``SCREENING_TEST_POSTGRES`` (an admin URL; default the local server on
127.0.0.1:5432, database ``test``).  Each test module gets a database of its own, dropped after.
When no PostgreSQL answers these tests FAIL, never skip: CI (``.ci/run``) starts one.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import threading
import time
import uuid
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import create_engine, delete, select, text, update

from screening.store import Cipher, Filters, Store, StoreError
from screening.store.store import now
from screening.store.tables import audit, metadata, screenings

ROOT = Path(__file__).resolve().parents[1]
ADMIN = os.environ.get("SCREENING_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
RULES = ("rochford_prevent_screening", "1.1.0", "a" * 64)
KEY = Cipher([b"3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I="])


def _postgres_database() -> Iterator[str]:
    admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
    name = f"screening_{uuid.uuid4().hex[:12]}"
    try:
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))
    except Exception as e:
        pytest.fail(f"PostgreSQL is needed for these tests and did not answer at {ADMIN}: {e}. "
                    "Start it (.ci/run does) or set SCREENING_TEST_POSTGRES.")
    try:
        yield ADMIN.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with admin.connect() as c:
            c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(params=["sqlite", "postgresql"])
def url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'screenings.db'}"
    else:
        yield from _postgres_database()


@pytest.fixture
def store(url: str) -> Iterator[Store]:
    s = Store(url, KEY)
    yield s
    s.close()


def _submitted(store: Store, outcome: str = "consider_safeguarding", team: str = "housing",
               urgent: bool = False) -> str:
    ref, _ = store.save_draft(actor="worker@council", team=team, reference=None, step=1,
                              payload={"answers": {"us_and_them": "yes"}}, ruleset=RULES)
    store.submit(ref, actor="worker@council", outcome=outcome, urgent=urgent,
                 payload={"answers": {"us_and_them": "yes"}, "noticed": "Said something worrying"})
    return ref


def test_draft_saved_resumed_and_handed_over(store: Store) -> None:
    ref, rev = store.save_draft(actor="w", team="housing", reference=None, step=2,
                                payload={"answers": {"isolated": "yes"}}, ruleset=RULES)
    assert len(ref) == 9 and ref[4] == "-"
    ref2, rev2 = store.save_draft(actor="w", team="housing", reference=ref.lower(), step=3,
                                  payload={"answers": {"isolated": "no"}}, ruleset=RULES, revision=rev)
    assert (ref2, rev2) == (ref, rev + 1)
    assert store.drafts_of("w")[0][0] == ref
    saved = store.get(ref, actor="w")
    assert saved.step == 3 and saved.payload == {"answers": {"isolated": "no"}}
    store.submit(ref, actor="w", outcome="consider_safeguarding", urgent=False, payload={"final": True})
    assert store.queue().rows[0].reference == ref
    with pytest.raises(StoreError) as e:
        store.save_draft(actor="w", team="housing", reference=ref, step=4, payload={}, ruleset=RULES)
    assert e.value.code == "ST004"


def test_a_stale_save_is_refused_not_overwritten(store: Store) -> None:
    ref, rev = store.save_draft(actor="w", team="t", reference=None, step=1, payload={"n": 1},
                                ruleset=RULES)
    store.save_draft(actor="w", team="t", reference=ref, step=2, payload={"n": 2}, ruleset=RULES,
                     revision=rev)
    with pytest.raises(StoreError) as e:
        store.save_draft(actor="w", team="t", reference=ref, step=2, payload={"n": 3}, ruleset=RULES,
                         revision=rev)
    assert e.value.code == "ST005"
    assert store.get(ref, actor="w").payload == {"n": 2}


def test_free_text_and_answers_are_encrypted_at_rest(store: Store) -> None:
    ref = _submitted(store)
    with store.engine.connect() as c:
        raw = c.execute(select(screenings.c.payload).where(screenings.c.reference == ref)).scalar_one()
    assert b"worrying" not in raw and b"us_and_them" not in raw
    other = Store(store.url, Cipher([b"kT0Yl3M8d0w3j6lQz9T2b1Jf7g5h4s3a2d1f0g9h8j0="]))
    with pytest.raises(Exception, match="cannot be opened"):
        other.get(ref, actor="x")
    other.close()


def test_key_rotation_newest_first_old_still_opens(url: str) -> None:
    old = Cipher([b"3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I="])
    s = Store(url, old)
    ref = _submitted(s)
    s.close()
    rotated = Store(url, Cipher([b"kT0Yl3M8d0w3j6lQz9T2b1Jf7g5h4s3a2d1f0g9h8j0=",
                                 b"3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I="]))
    assert rotated.get(ref, actor="x").payload["noticed"] == "Said something worrying"
    rotated.close()


def test_queue_filters_pages_and_urgent_first(store: Store) -> None:
    refs = [_submitted(store, outcome=o, team=t) for o, t in
            [("contact_prevent_lead", "housing"), ("consider_safeguarding", "youth"),
             ("no_prevent_concern", "housing")] * 3]
    urgent = _submitted(store, outcome="no_prevent_concern", team="youth", urgent=True)
    page = store.queue(per_page=4)
    assert page.total == 10 and len(page.rows) == 4
    assert page.rows[0].reference == urgent
    assert {r.reference for p in (1, 2, 3) for r in store.queue(page=p, per_page=4).rows} == {*refs, urgent}
    housing = store.queue(Filters(teams=("housing",)))
    assert housing.total == 6 and all(r.team == "housing" for r in housing.rows)
    lead = store.queue(Filters(outcomes=("contact_prevent_lead",)))
    assert lead.total == 3
    assert store.queue(Filters(since=now() + timedelta(days=1))).total == 0
    assert not any(hasattr(r, "payload") for r in page.rows)  # the queue carries no free text


def test_review_decision_needs_reason_and_sign_off_to_lower(store: Store) -> None:
    ref = _submitted(store, outcome="prevent_lead_advice")
    with pytest.raises(StoreError) as e:
        store.review(ref, actor="lead", decision="change_route", route="consider_safeguarding",
                     reason="", signed_off_by=None, lowers=True)
    assert e.value.code == "ST007"
    with pytest.raises(StoreError) as e:
        store.review(ref, actor="lead", decision="change_route", route="consider_safeguarding",
                     reason="Spoke to the school, known and supported", signed_off_by=" ", lowers=True)
    assert e.value.code == "ST008"
    with pytest.raises(StoreError) as e:
        store.review(ref, actor="lead", decision="ignore", route="x", reason="", signed_off_by=None,
                     lowers=False)
    assert e.value.code == "ST006"
    store.review(ref, actor="lead", decision="change_route", route="consider_safeguarding",
                 reason="Spoke to the school, known and supported", signed_off_by="Head of service",
                 lowers=True)
    saved = store.get(ref, actor="lead")
    assert saved.status == "reviewed" and saved.outcome == "prevent_lead_advice"  # kept apart
    assert saved.reviews[0]["route"] == "consider_safeguarding"
    assert saved.reviews[0]["reason"].startswith("Spoke to the school")


def test_audit_trail_records_every_step_and_verifies(store: Store) -> None:
    ref = _submitted(store)
    store.get(ref, actor="lead")
    store.record_export(ref, actor="lead", kind="pdf")
    store.review(ref, actor="lead", decision="close", route="consider_safeguarding", reason="",
                 signed_off_by=None, lowers=False)
    with store.engine.connect() as c:
        actions = [r.action for r in c.execute(select(audit).order_by(audit.c.seq))]
    assert actions == ["create", "submit", "view", "export", "review"]
    assert store.verify_audit() == (5, None)


@pytest.mark.parametrize("damage", ["edit", "delete_middle", "delete_last"])
def test_audit_verify_names_the_first_broken_record(store: Store, damage: str) -> None:
    ref = _submitted(store)
    for _ in range(3):
        store.get(ref, actor="lead")
    with store.engine.begin() as c:
        if damage == "edit":
            c.execute(update(audit).where(audit.c.seq == 3).values(actor="someone else"))
        elif damage == "delete_middle":
            c.execute(delete(audit).where(audit.c.seq == 2))
        else:
            c.execute(delete(audit).where(audit.c.seq == 5))
    _, broken = store.verify_audit()
    assert broken is not None
    assert broken.seq == {"edit": 3, "delete_middle": 2, "delete_last": 5}[damage]


def test_purge_deletes_only_what_has_expired_and_audits_it(store: Store) -> None:
    old = _submitted(store)
    store.review(old, actor="lead", decision="close", route="consider_safeguarding", reason="",
                 signed_off_by=None, lowers=False)
    recent = _submitted(store)
    store.review(recent, actor="lead", decision="close", route="consider_safeguarding", reason="",
                 signed_off_by=None, lowers=False)
    open_one = _submitted(store)
    with store.engine.begin() as c:
        c.execute(update(screenings).where(screenings.c.reference == old)
                  .values(closed_at=now() - timedelta(days=store.retention_days + 1)))
    assert store.purge(actor="lead") == [old]
    with pytest.raises(StoreError) as e:
        store.get(old, actor="lead")
    assert e.value.code == "ST002"
    assert store.get(recent, actor="lead").status == "closed"
    assert store.get(open_one, actor="lead").status == "submitted"
    assert store.verify_audit()[1] is None
    with store.engine.connect() as c:
        assert c.execute(select(audit.c.action).where(audit.c.reference == old)
                         .order_by(audit.c.seq.desc())).first()[0] == "purge"


def test_eight_writers_times_500_saves_lose_nothing(store: Store) -> None:
    writers, saves = 8, 500
    refs: list[str] = []
    lock = threading.Lock()
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            ref, rev = store.save_draft(actor=f"w{k}", team="t", reference=None, step=0,
                                        payload={"n": 0}, ruleset=RULES)
            with lock:
                refs.append(ref)
            for n in range(1, saves + 1):
                _, rev = store.save_draft(actor=f"w{k}", team="t", reference=ref, step=n % 9,
                                          payload={"n": n, "writer": k}, ruleset=RULES, revision=rev)
        except BaseException as e:
            errors.append(e)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors, errors[:3]
    assert len(refs) == writers
    for ref in refs:
        saved = store.get(ref, actor="check")
        assert saved.payload["n"] == saves and saved.revision == saves + 1
    n, broken = store.verify_audit()
    assert broken is None and n == writers * (saves + 1) + writers  # + one view each


def test_a_writer_killed_mid_save_leaves_the_store_consistent(url: str) -> None:
    Store(url, KEY).close()  # migrated
    code = textwrap.dedent(f"""
        import sys; sys.path.insert(0, {str(ROOT)!r})
        from screening.store import Cipher, Store
        s = Store({url!r}, Cipher([{b"3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I="!r}]))
        ref, rev = s.save_draft(actor="w", team="t", reference=None, step=0, payload={{"n": 0}},
                                ruleset=("r", "1", "a" * 64))
        print(ref, flush=True)
        n = 0
        while True:
            n += 1
            _, rev = s.save_draft(actor="w", team="t", reference=ref, step=1, payload={{"n": n}},
                                  ruleset=("r", "1", "a" * 64), revision=rev)
    """)
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)
    assert proc.stdout is not None
    ref = proc.stdout.readline().strip()
    time.sleep(1.5)  # mid-stream of saves
    proc.send_signal(signal.SIGKILL)
    proc.wait()
    store = Store(url, KEY)
    saved = store.get(ref, actor="check")
    assert saved.payload["n"] == saved.revision - 1 > 0  # every committed save, whole
    _n, broken = store.verify_audit()
    assert broken is None
    with store.engine.connect() as c:
        saves = c.execute(select(audit.c.seq).where(audit.c.reference == ref,
                                                    audit.c.action == "save")).all()
    assert len(saves) == saved.revision - 1  # one record per committed save, none without
    store.close()


def test_database_unavailable_is_a_catalogue_error() -> None:
    with pytest.raises(StoreError) as e:
        Store("postgresql+psycopg://postgres@127.0.0.1:1/none?connect_timeout=2", KEY)
    assert e.value.code == "ST001"
    assert "your answers are still on this screen" in str(e.value.problems[0].fix)


def test_migrations_match_the_tables(store: Store) -> None:
    with store.engine.connect() as c:
        diff = compare_metadata(MigrationContext.configure(c), metadata)
    assert diff == []


def test_local_key_file_is_owner_only(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("SCREENING_STORE_KEYS", raising=False)
    s = Store(f"sqlite:///{tmp_path / 'local.db'}")
    assert (tmp_path / "local.key").stat().st_mode & 0o777 == 0o600
    s.close()


def test_cli_audit_verify_names_the_broken_record_and_purge_refuses(tmp_path: Path,
                                                                     monkeypatch: pytest.MonkeyPatch
                                                                     ) -> None:
    import io

    from screening.cli import main

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    monkeypatch.setenv("SCREENING_STORE_KEYS", "3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I=")
    s = Store(db)
    ref = _submitted(s)
    out, err = io.StringIO(), io.StringIO()
    assert main(["audit", "verify", "--database", db], out, err) == 0
    assert "2 records" in out.getvalue() and "unbroken" in out.getvalue()
    assert main(["purge", "--database", db], out, err) == 0
    s.get(ref, actor="lead")
    with s.engine.begin() as c:
        c.execute(update(audit).where(audit.c.seq == 2).values(detail='{"outcome": "no_prevent_concern"}'))
    s.close()
    out, err = io.StringIO(), io.StringIO()
    assert main(["audit", "verify", "--database", db], out, err) == 1
    assert "ST010" in err.getvalue() and "record 2" in err.getvalue()
    assert main(["purge", "--database", db], out, err) == 1
    assert "Traceback" not in err.getvalue()


def test_a_reference_that_cannot_be_made_unique_is_a_catalogue_error(store: Store,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    from screening.store import store as module

    monkeypatch.setattr(module, "new_reference", lambda: "AAAA-AAAA")
    store.save_draft(actor="w", team="t", reference=None, step=0, payload={}, ruleset=RULES)
    with pytest.raises(StoreError) as e:
        store.save_draft(actor="w", team="t", reference=None, step=0, payload={}, ruleset=RULES)
    assert e.value.code == "ST003"


def test_a_bad_store_key_is_a_catalogue_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("SCREENING_STORE_KEYS", "not-a-key")
    with pytest.raises(StoreError) as e:
        Store(f"sqlite:///{tmp_path / 'x.db'}")
    assert e.value.code == "ST009" and "Fernet" in str(e.value)
