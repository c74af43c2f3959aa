"""RPO writer: commits a monotonic sequence before and during a fault, then checks for loss.

Runs as a detached process (its own session; stops by itself after ``--max-seconds``)::

    python -m archproof.chaos.writer --store postgres --lab-dir .lab --run RUN \\
        --out records/writes-postgres.jsonl --rate 20 --max-seconds 300

- ``postgres``: ``INSERT INTO chaos_seq (run, seq, t)`` in the app database through the lab's
  read-write entry (HAProxy → Patroni primary), autocommit, one attempt per sequence number;
  a failed attempt drops the connection, the next one reconnects.
- ``redis``: ``ZADD archproof:chaos:seq:<run> <seq> <seq>`` through the Redis read-write
  entry (HAProxy → Sentinel's master), one attempt, no client retry.

One JSON line per attempt in ``<records_dir>/writes-<store>.jsonl``::

    {"t": 1764000000.1, "seq": 42, "ack": true, "error": "", "run": "…", "latency_ms": 1.2}

``ack`` is true only once the store acknowledged the commit. ``verify_writes`` reads the
sequence back from the (new) primary/master after recovery and reports every acknowledged
sequence number that is missing: that is the RPO, counted in writes and in seconds.
"""

from __future__ import annotations

import argparse
import itertools
import json
import time
import uuid
from pathlib import Path
from typing import Any, Protocol, TextIO

import psycopg
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry

from archproof.chaos import detached
from archproof.chaos.records import (
    ActivityFailed,
    Configuration,
    layout,
    read_jsonl,
    records_dir,
    write_json,
)
from archproof.lab.layout import LabLayout

__all__ = ["start_writer", "stop_writer", "verify_writes"]

STORES = ("postgres", "redis")
CREATE_TABLE = (
    "CREATE TABLE IF NOT EXISTS chaos_seq "
    "(run text NOT NULL, seq bigint NOT NULL, t double precision NOT NULL, "
    "PRIMARY KEY (run, seq))"
)
INSERT = "INSERT INTO chaos_seq (run, seq, t) VALUES (%s, %s, %s)"
SELECT = "SELECT seq FROM chaos_seq WHERE run = %s"
PG_OPTIONS = (
    "keepalives=1 keepalives_idle=1 keepalives_interval=1 keepalives_count=2 tcp_user_timeout=3000"
)
VERIFY_TIMEOUT = 30.0
SAMPLE = 20


def _store(store: str) -> str:
    if store not in STORES:
        raise ActivityFailed(f"store must be one of {', '.join(STORES)}, not {store!r}")
    return store


def _name(store: str) -> str:
    return f"writer-{store}"


def _out(records: Path, store: str) -> Path:
    return records / f"writes-{store}.jsonl"


def redis_key(run: str) -> str:
    return f"archproof:chaos:seq:{run}"


def _pg_connect(lay: LabLayout) -> psycopg.Connection[Any]:
    return psycopg.connect(
        f"{lay.pg_dsn()} {PG_OPTIONS}", autocommit=True, options="-c statement_timeout=2000"
    )


def _redis(lay: LabLayout) -> redis.Redis:
    return redis.Redis(
        host=lay.entry_host,
        port=lay.redis_rw_port,
        socket_timeout=1.0,
        socket_connect_timeout=1.0,
        retry=Retry(NoBackoff(), 0),
    )


# ----- chaostoolkit actions ------------------------------------------------------------------


def start_writer(
    store: str = "postgres",
    rate: float = 20,
    max_seconds: float = 300,
    configuration: Configuration = None,
) -> int:
    """Start the RPO writer for ``store`` (``postgres`` or ``redis``): ``rate`` sequence
    writes per second through the lab's read-write entry for at most ``max_seconds``, each
    attempt recorded in ``<records_dir>/writes-<store>.jsonl``. Returns its PID once the first
    attempt is recorded."""
    store = _store(store)
    lay = layout(configuration)
    records = records_dir(configuration)
    if store == "postgres":
        try:
            with _pg_connect(lay) as conn:
                conn.execute(CREATE_TABLE)
        except psycopg.Error as exc:
            raise ActivityFailed(f"cannot create chaos_seq through the pg rw entry: {exc}") from exc
    run = f"{time.strftime('%Y%m%dT%H%M%S')}-{uuid.uuid4().hex[:8]}"
    out = _out(records, store)
    args = [
        "--store",
        store,
        "--lab-dir",
        str(lay.lab_dir),
        "--run",
        run,
        "--out",
        str(out),
        "--rate",
        f"{rate:g}",
        "--max-seconds",
        f"{max_seconds:g}",
    ]
    state = {"store": store, "run": run, "rate": rate, "max_seconds": max_seconds}
    return detached.start(records, _name(store), "archproof.chaos.writer", args, out, state)


def _attempts(records: Path, store: str) -> tuple[str, list[dict[str, Any]]]:
    run = str(detached.state(records, _name(store)).get("run", ""))
    if not run:
        raise ActivityFailed(f"no {store} writer ran with records in {records}")
    return run, [r for r in read_jsonl(_out(records, store)) if r.get("run") == run]


def stop_writer(store: str = "postgres", configuration: Configuration = None) -> dict[str, Any]:
    """Stop the RPO writer of ``store`` (if it still runs) and summarize its run:
    {"store", "run", "attempts", "acknowledged", "failed", "was_running"} (``run`` "" and
    zeros when no writer of that store ran here: a rollback may stop what never started)."""
    store = _store(store)
    records = records_dir(configuration)
    was_running = detached.stop(records, _name(store))
    run = str(detached.state(records, _name(store)).get("run", ""))
    attempts = _attempts(records, store)[1] if run else []
    acked = sum(1 for a in attempts if a.get("ack"))
    return {
        "store": store,
        "run": run,
        "attempts": len(attempts),
        "acknowledged": acked,
        "failed": len(attempts) - acked,
        "was_running": was_running,
    }


def _read_back(lay: LabLayout, store: str, run: str) -> tuple[set[int], str]:
    """The sequence numbers the primary/master holds for ``run``, and who answered."""
    if store == "postgres":
        with _pg_connect(lay) as conn:
            row = conn.execute("SELECT inet_server_addr()::text, pg_is_in_recovery()").fetchone()
            if row is None or row[1]:
                raise psycopg.OperationalError("the rw entry reached a server in recovery")
            seqs = {int(r[0]) for r in conn.execute(SELECT, (run,)).fetchall()}
            return seqs, str(row[0]).split("/")[0]
    client = _redis(lay)
    try:
        role = client.info("replication").get("role")
        if role != "master":
            raise redis.ConnectionError(f"the rw entry reached a Redis {role}")
        members: list[bytes] = client.zrange(redis_key(run), 0, -1)  # type: ignore[assignment]
        seqs = {int(m) for m in members}
        return seqs, f"{lay.entry_host}:{lay.redis_rw_port} (master)"
    finally:
        client.close()


def verify_writes(store: str = "postgres", configuration: Configuration = None) -> dict[str, Any]:
    """After recovery: read the sequence back from the (new) primary/master and count the
    acknowledged writes that are missing. Returns and writes ``<records_dir>/rpo-<store>.json``
    {"store", "acknowledged", "missing", "missing_sample", "lost_span_s", "verified_at", …}.
    Raises ActivityFailed when the store cannot be read (retried for 30 s): never 0 missing
    unverified."""
    store = _store(store)
    lay = layout(configuration)
    records = records_dir(configuration)
    run, attempts = _attempts(records, store)  # acknowledged before reading: a fixed set
    acked = {int(a["seq"]): float(a["t"]) for a in attempts if a.get("ack")}
    deadline = time.monotonic() + VERIFY_TIMEOUT
    while True:
        try:
            stored, source = _read_back(lay, store, run)
            break
        except (psycopg.Error, redis.RedisError, OSError) as exc:
            if time.monotonic() >= deadline:
                raise ActivityFailed(
                    f"cannot read the {store} sequence back through the rw entry "
                    f"for {VERIFY_TIMEOUT:g} s: {exc}"
                ) from exc
            time.sleep(1.0)
    missing = sorted(set(acked) - stored)
    lost = [acked[s] for s in missing]
    ack_times = sorted(acked.values())
    gaps = [b - a for a, b in itertools.pairwise(ack_times)]
    result = {
        "store": store,
        "run": run,
        "attempts": len(attempts),
        "acknowledged": len(acked),
        "missing": len(missing),
        "missing_sample": missing[:SAMPLE],
        "lost_span_s": round(max(lost) - min(lost), 3) if lost else 0.0,
        "write_outage_s": round(max(gaps), 3) if gaps else None,
        "first_ack_t": ack_times[0] if ack_times else None,
        "last_ack_t": ack_times[-1] if ack_times else None,
        "read_from": source,
        "verified_at": round(time.time(), 3),
    }
    write_json(records / f"rpo-{store}.json", result)
    return result


# ----- the writer process --------------------------------------------------------------------


class Sink(Protocol):
    def write(self, seq: int, t: float) -> None: ...
    def close(self) -> None: ...


class PostgresSink:
    """One autocommit INSERT per sequence number; reconnect after a failure."""

    def __init__(self, lay: LabLayout, run: str) -> None:
        self.lay = lay
        self.run = run
        self.conn: psycopg.Connection[Any] | None = None

    def write(self, seq: int, t: float) -> None:
        try:
            if self.conn is None or self.conn.closed:
                self.conn = _pg_connect(self.lay)
            self.conn.execute(INSERT, (self.run, seq, t))
        except psycopg.Error:
            self.close()
            raise

    def close(self) -> None:
        if self.conn is not None:
            self.conn.close()
            self.conn = None


class RedisSink:
    """One ZADD per sequence number (score and member are the number), no client retry."""

    def __init__(self, lay: LabLayout, run: str) -> None:
        self.client = _redis(lay)
        self.key = redis_key(run)

    def write(self, seq: int, t: float) -> None:
        self.client.zadd(self.key, {str(seq): seq})

    def close(self) -> None:
        self.client.close()


def run_writer(
    sink: Sink, out: TextIO, run: str, rate: float, max_seconds: float, stop: detached.StopFlag
) -> None:
    interval = 1.0 / rate
    start = time.monotonic()
    seq = 0
    while not stop.is_set() and time.monotonic() - start < max_seconds:
        seq += 1
        t = time.time()
        t0 = time.perf_counter()
        error = ""
        try:
            sink.write(seq, t)
        except (psycopg.Error, redis.RedisError, OSError) as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else ""
            error = f"{type(exc).__name__}: {first}"
        line = {
            "t": round(t, 4),
            "seq": seq,
            "ack": not error,
            "error": error,
            "run": run,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 2),
        }
        out.write(json.dumps(line) + "\n")
        out.flush()
        stop.wait(max(0.0, start + seq * interval - time.monotonic()))
    sink.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m archproof.chaos.writer", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--store", choices=STORES, required=True)
    parser.add_argument("--lab-dir", type=Path, required=True)
    parser.add_argument("--run", required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.max_seconds <= 0:
        parser.error("--rate and --max-seconds must be > 0")
    stop = detached.StopFlag()
    stop.on_signals()
    lay = LabLayout.load(args.lab_dir.resolve())
    sink: Sink = (
        PostgresSink(lay, args.run) if args.store == "postgres" else RedisSink(lay, args.run)
    )
    with args.out.open("a") as out:
        run_writer(sink, out, args.run, args.rate, args.max_seconds, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
