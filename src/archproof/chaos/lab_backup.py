"""Chaostoolkit action: a backup/restore drill of the lab database, for real.

``pg_basebackup`` (fast checkpoint, WAL streamed) of the current primary into a scratch dir
under the lab dir, a scratch PostgreSQL started on it at an unused lab address
(127.N.12.40:5432 by default), and the row count of every table of the app database compared
with the primary's. Writes are paused for the backup: the drill holds ``SHARE`` locks on every
table (reads go on; writers wait about the backup's duration, well under a second in the lab),
so the primary's counts are exactly the backup's. The scratch instance is stopped and its files
deleted afterwards, whatever happened.
"""

from __future__ import annotations

import contextlib
import ipaddress
import os
import pwd
import shutil
import signal
import subprocess
import time
from pathlib import Path
from typing import Any

import psycopg
import yaml
from psycopg import sql

from archproof.chaos import lab_procs
from archproof.chaos.records import (
    ActivityFailed,
    Configuration,
    record_fault,
    records_dir,
    write_json,
)
from archproof.lab import probes
from archproof.lab.layout import LabLayout, Member
from archproof.lab.procs import postmaster_pid, stop_pids, taken

__all__ = ["backup_restore_drill"]

SCRATCH_HOST_INDEX = 40
"""The scratch instance listens on the 40th address of the lab's last zone (127.N.12.40)."""
BACKUP_TIMEOUT = 120.0
START_TIMEOUT = 60
TABLES = """
SELECT schemaname, tablename FROM pg_tables
WHERE schemaname NOT IN ('pg_catalog', 'information_schema') ORDER BY 1, 2
"""


def scratch_address(lay: LabLayout) -> str:
    """The unused lab address the drill's scratch PostgreSQL listens on."""
    return str(ipaddress.ip_network(lay.zones[-1][1])[SCRATCH_HOST_INDEX])


def _as_postgres(argv: list[str]) -> list[str]:
    if os.geteuid() != 0:
        return argv
    return ["setpriv", "--reuid=postgres", "--regid=postgres", "--init-groups", *argv]


def _env(password: str = "") -> dict[str, str]:
    home = pwd.getpwnam("postgres").pw_dir if os.geteuid() == 0 else os.environ.get("HOME", "/")
    env = {"PATH": "/usr/bin:/bin", "HOME": home, "LANG": "C.UTF-8", "PGCONNECT_TIMEOUT": "5"}
    if password:
        env["PGPASSWORD"] = password
    return env


def _run(argv: list[str], what: str, timeout: float, password: str = "") -> None:
    try:
        done = subprocess.run(
            _as_postgres(argv),
            env=_env(password),
            stdin=subprocess.DEVNULL,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired as exc:
        raise ActivityFailed(f"{what} did not finish within {timeout:g} s") from exc
    if done.returncode != 0:
        tail = (done.stderr or done.stdout).strip().splitlines()[-3:]
        raise ActivityFailed(f"{what} failed (exit {done.returncode}): {' | '.join(tail)}")


def _superuser_dsn(lay: LabLayout, host: str, port: int) -> str:
    return (
        f"host={host} port={port} dbname={lay.app_db} user=postgres "
        f"password={lay.pg_superuser_password} connect_timeout=3"
    )


def _replication_user(lay: LabLayout, node: str) -> tuple[str, str]:
    conf = yaml.safe_load((lay.pg_dir(node) / "patroni.yml").read_text())
    auth = conf["postgresql"]["authentication"]["replication"]
    return str(auth["username"]), str(auth["password"])


def _label(schema: str, table: str) -> str:
    return table if schema == "public" else f"{schema}.{table}"


def _count_all(conn: psycopg.Connection[Any], lock: bool) -> dict[str, int]:
    tables = [(str(s), str(t)) for s, t in conn.execute(TABLES).fetchall()]
    counts: dict[str, int] = {}
    for schema, table in tables:
        name = sql.Identifier(schema, table)
        if lock:
            conn.execute(sql.SQL("LOCK TABLE {} IN SHARE MODE").format(name))
        row = conn.execute(sql.SQL("SELECT count(*) FROM {}").format(name)).fetchone()
        counts[_label(schema, table)] = int(row[0]) if row else 0
    return counts


def _prepare_scratch(lay: LabLayout) -> Path:
    scratch = lay.lab_dir / "drill" / f"restore-{int(time.time() * 1000)}"
    scratch.mkdir(parents=True, mode=0o700)
    scratch.parent.chmod(0o755)
    if os.geteuid() == 0:
        pg = pwd.getpwnam("postgres")
        os.chown(scratch, pg.pw_uid, pg.pw_gid)
    return scratch


def _backup(lay: LabLayout, leader: Member, data: Path) -> dict[str, int]:
    """Lock and count every table on the primary, take the base backup, release the locks."""
    user, password = _replication_user(lay, leader.name)
    dsn = _superuser_dsn(lay, leader.host, leader.port)
    with psycopg.connect(dsn) as conn:
        conn.execute("SET lock_timeout = '5s'")
        counts = _count_all(conn, lock=True)
        _run(
            [
                str(lay.pg_bin_dir / "pg_basebackup"),
                f"--host={leader.host}",
                f"--port={leader.port}",
                f"--username={user}",
                "--no-password",
                f"--pgdata={data}",
                "--wal-method=stream",
                "--checkpoint=fast",
                "--no-sync",
            ],
            "pg_basebackup",
            BACKUP_TIMEOUT,
            password,
        )
        conn.rollback()
    return counts


def _start_scratch(lay: LabLayout, scratch: Path, host: str) -> None:
    data = scratch / "data"
    options = " ".join(
        [
            f"-c listen_addresses={host}",
            f"-c port={lay.pg_port}",
            f"-c unix_socket_directories={scratch}",
            f"-c hba_file={data / 'pg_hba.conf'}",
            f"-c ident_file={data / 'pg_ident.conf'}",
            "-c archive_mode=off",
            "-c cluster_name=archproof-restore-drill",
        ]
    )
    _run(
        [
            str(lay.pg_bin_dir / "pg_ctl"),
            "start",
            "-D",
            str(data),
            "-w",
            "-t",
            str(START_TIMEOUT),
            "-l",
            str(scratch / "postgres.log"),
            "-o",
            options,
        ],
        "starting the restored PostgreSQL",
        START_TIMEOUT + 10,
    )


def _stop_scratch(lay: LabLayout, scratch: Path) -> None:
    data = scratch / "data"
    if postmaster_pid(data) is not None:
        with contextlib.suppress(ActivityFailed):
            _run(
                [str(lay.pg_bin_dir / "pg_ctl"), "stop", "-D", str(data), "-m", "immediate"],
                "stopping the restored PostgreSQL",
                20,
            )
    pid = postmaster_pid(data)
    if pid is not None:
        stop_pids([pid], grace=0.0, first=signal.SIGKILL)
    shutil.rmtree(scratch, ignore_errors=True)
    with contextlib.suppress(OSError):
        scratch.parent.rmdir()


def backup_restore_drill(configuration: Configuration = None) -> dict[str, Any]:
    """Back up the current primary (pg_basebackup), restore it into a scratch PostgreSQL at an
    unused lab address, compare the row count of every app table with the primary's at the
    backup, then stop the scratch instance and delete its files. Records fault
    ``backup-restore``; returns and writes ``<records_dir>/restore.json``: {"started",
    "backup_s", "restore_s", "total_s", "tables": {name: {"primary", "restored"}}, "ok",
    "error"}. Raises ActivityFailed when the drill cannot run (``ok`` false, ``error`` set);
    unequal counts are a finding (``ok`` false) and are returned."""
    lay = lab_procs.lab(configuration).layout
    leader = probes.patroni_leader(lay)
    lab_procs.require(leader is not None, "backup drill: no running Patroni leader to back up")
    assert leader is not None
    node = lab_procs.members(lay)[leader]
    host = scratch_address(lay)
    started = time.time()
    result: dict[str, Any] = {
        "started": round(started, 3),
        "source": leader,
        "restored_at": f"{host}:{lay.pg_port}",
        "backup_s": None,
        "restore_s": None,
        "total_s": None,
        "tables": {},
        "ok": False,
        "error": "",
    }
    record_fault(configuration, "backup-restore", leader, {"restored_at": result["restored_at"]})
    scratch: Path | None = None
    try:
        busy = taken([(host, lay.pg_port, "restore drill")])
        lab_procs.require(not busy, "; ".join(busy))
        scratch = _prepare_scratch(lay)
        t0 = time.monotonic()
        primary = _backup(lay, node, scratch / "data")
        result["backup_s"] = round(time.monotonic() - t0, 3)
        t1 = time.monotonic()
        _start_scratch(lay, scratch, host)
        with psycopg.connect(_superuser_dsn(lay, host, lay.pg_port), autocommit=True) as conn:
            restored = _count_all(conn, lock=False)
        result["restore_s"] = round(time.monotonic() - t1, 3)
        result["tables"] = {
            name: {"primary": primary.get(name), "restored": restored.get(name)}
            for name in sorted(set(primary) | set(restored))
        }
        result["ok"] = bool(primary) and primary == restored
        if not result["ok"]:
            result["error"] = "row counts differ" if primary else "no table to compare"
    except (ActivityFailed, psycopg.Error, OSError, KeyError, ValueError) as exc:
        result["error"] = f"{type(exc).__name__}: {exc}"
    finally:
        if scratch is not None:
            _stop_scratch(lay, scratch)
        result["total_s"] = round(time.time() - started, 3)
        write_json(records_dir(configuration) / "restore.json", result)
    if result["error"] and not result["tables"]:
        raise ActivityFailed(f"backup/restore drill failed: {result['error']}")
    return result
