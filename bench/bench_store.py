"""The store: saves per second with 8 writers (against 1 writer), and the review queue over
100 000 screenings (against the same queries over 1 000), on SQLite and, when one answers, PostgreSQL.

Targets from the issue: the queue under 300 ms on 100 000 rows; saves lose nothing (tests prove
that part; this measures the rate).  Each save is one transaction with its audit record.

    .venv/bin/python bench/bench_store.py            # 8 writers x 200 saves; 100 000 rows
    .venv/bin/python bench/bench_store.py --smoke    # 8 x 10 saves; 2 000 rows: proves it runs
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sqlalchemy import create_engine, insert, text

from screening.store import Cipher, Filters, Store
from screening.store.store import new_reference, now
from screening.store.tables import screenings

KEY = Cipher([b"3Fv0s7B0m5m3y8B6d4u4r8cJ1pX9r2k7QwE5t6y7u8I="])
RULES = ("rochford_prevent_screening", "1.1.0", "a" * 64)
ADMIN = os.environ.get("SCREENING_TEST_POSTGRES", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
OUTCOMES = ["emergency", "contact_prevent_lead", "prevent_lead_advice", "consider_safeguarding",
            "no_prevent_concern"]
TEAMS = ["housing", "youth", "customer services", "community safety"]


def saves_per_second(store: Store, writers: int, saves: int) -> float:
    refs = [store.save_draft(actor=f"w{k}", team="t", reference=None, step=0, payload={"n": 0},
                             ruleset=RULES) for k in range(writers)]
    start = threading.Barrier(writers + 1)

    def writer(k: int) -> None:
        ref, rev = refs[k]
        start.wait()
        for n in range(saves):
            _, rev = store.save_draft(actor=f"w{k}", team="t", reference=ref, step=n % 9,
                                      payload={"n": n, "answers": {"us_and_them": "yes"}},
                                      ruleset=RULES, revision=rev)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(writers)]
    for t in threads:
        t.start()
    start.wait()
    t0 = time.perf_counter()
    for t in threads:
        t.join()
    return writers * saves / (time.perf_counter() - t0)


def seed(store: Store, rows: int) -> None:
    """Rows straight into the table (one sealed payload reused: the queue never opens it)."""
    payload = KEY.seal({"answers": {"us_and_them": "yes"}, "noticed": "x" * 400})
    at = now()
    batch = []
    with store.engine.begin() as conn:
        for i in range(rows):
            when = at - timedelta(minutes=i * 3)
            status = ["submitted", "reviewed", "closed"][i % 3]
            batch.append(dict(
                reference=f"{new_reference()}{i % 10}"[:16], status=status, outcome=OUTCOMES[i % 5],
                urgent=i % 97 == 0, team=TEAMS[i % 4], author=f"w{i % 50}", ruleset_id=RULES[0],
                ruleset_version=RULES[1], ruleset_sha256=RULES[2], step=9, revision=2, created_at=when,
                updated_at=when, submitted_at=when, closed_at=when if status == "closed" else None,
                payload=payload))
            if len(batch) == 5000:
                conn.execute(insert(screenings), batch)
                batch = []
        if batch:
            conn.execute(insert(screenings), batch)
        if conn.dialect.name == "postgresql":
            conn.execute(text("ANALYZE screenings"))
        else:
            conn.execute(text("ANALYZE"))


QUERIES: list[tuple[str, Callable[[Store], object]]] = [
    ("first page, no filter", lambda s: s.queue()),
    ("submitted only", lambda s: s.queue(Filters(statuses=("submitted",)))),
    ("one outcome, one team", lambda s: s.queue(Filters(outcomes=("contact_prevent_lead",),
                                                        teams=("housing",)))),
    ("last 7 days", lambda s: s.queue(Filters(since=now() - timedelta(days=7)))),
    ("page 200", lambda s: s.queue(page=200, per_page=50)),
]


def queue_ms(store: Store, repeat: int) -> dict[str, float]:
    out = {}
    for name, q in QUERIES:
        q(store)
        times = []
        for _ in range(repeat):
            t = time.perf_counter()
            q(store)
            times.append((time.perf_counter() - t) * 1000)
        out[name] = statistics.median(times)
    return out


def databases(tmp: Path) -> list[tuple[str, str, Callable[[], None]]]:
    dbs: list[tuple[str, str, Callable[[], None]]] = [("SQLite", f"sqlite:///{tmp / 's.db'}", lambda: None)]
    try:
        admin = create_engine(ADMIN, isolation_level="AUTOCOMMIT")
        name = f"bench_{uuid.uuid4().hex[:10]}"
        with admin.connect() as c:
            c.execute(text(f'CREATE DATABASE "{name}"'))

        def drop() -> None:
            with admin.connect() as c:
                c.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))

        dbs.append(("PostgreSQL", ADMIN.rsplit("/", 1)[0] + f"/{name}", drop))
    except Exception as e:  # a bench without PostgreSQL still measures SQLite
        print(f"(PostgreSQL not measured: {type(e).__name__})")
    return dbs


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    ap.add_argument("--smoke", action="store_true")
    args = ap.parse_args(argv)
    saves, rows, small, repeat = (10, 2_000, 200, 3) if args.smoke else (200, 100_000, 1_000, 9)
    with tempfile.TemporaryDirectory() as tmp:
        for label, url, drop in databases(Path(tmp)):
            try:
                store = Store(url, KEY)
                one = saves_per_second(store, 1, saves)
                eight = saves_per_second(store, 8, saves)
                print(f"{label}: saves per second, each with its audit record: 1 writer {one:,.0f}, "
                      f"8 writers {eight:,.0f} ({8 * saves:,} saves)")
                seed(store, small)
                base = queue_ms(store, repeat)
                seed(store, rows - small)
                big = queue_ms(store, repeat)
                print(f"{label}: review queue, median ms of {repeat} (count + one page of 50)")
                print(f"  {'query':28} {f'{small:,} rows':>12} {f'{rows:,} rows':>14}")
                for name, _ in QUERIES:
                    print(f"  {name:28} {base[name]:12.1f} {big[name]:14.1f}")
                worst = max(big.values())
                print(f"  slowest at {rows:,} rows: {worst:.1f} ms (target < 300 ms: "
                      f"{'OK' if worst < 300 else 'OVER'})")
                store.close()
            finally:
                drop()
    return 0


if __name__ == "__main__":
    sys.exit(main())
