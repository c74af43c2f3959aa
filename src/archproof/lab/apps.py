"""Start, probe and stop web app instances (one process per slot) for stack and autoscaler."""

from __future__ import annotations

import http.client
import os
import sys
import time
from pathlib import Path

import archproof
from archproof.lab.layout import LabLayout, Member
from archproof.lab.procs import ProcRecord, read_pidfile, record_alive, spawn, stop_pids

_SRC = str(Path(archproof.__file__).resolve().parents[1])


def app_argv(layout: LabLayout, slot: Member) -> list[str]:
    return [
        sys.executable,
        "-m",
        "archproof.lab.app",
        "--name",
        slot.name,
        "--host",
        slot.host,
        "--port",
        str(slot.port),
        "--zone",
        slot.zone,
        "--pg-dsn",
        layout.pg_dsn(),
        "--redis-host",
        layout.entry_host,
        "--redis-port",
        str(layout.redis_rw_port),
    ]


def child_env() -> dict[str, str]:
    """Environment for a lab Python process: this archproof importable, output unbuffered."""
    env = dict(os.environ)
    env["PYTHONPATH"] = _SRC + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env["PYTHONUNBUFFERED"] = "1"
    return env


def start_app(layout: LabLayout, slot: Member) -> ProcRecord:
    """Start the app process of ``slot`` (its pidfile is ``run/<slot>.pid``)."""
    return spawn(
        slot.name,
        app_argv(layout, slot),
        layout.pidfile(slot.name),
        layout.logfile(slot.name),
        env=child_env(),
        cwd=layout.lab_dir,
    )


def app_running(layout: LabLayout, slot: Member) -> bool:
    record = read_pidfile(layout.pidfile(slot.name))
    return record is not None and record_alive(record)


def health_ok(slot: Member, timeout: float = 1.0) -> bool:
    """One ``GET /health`` against the instance itself; True on 200."""
    conn = http.client.HTTPConnection(slot.host, slot.port, timeout=timeout)
    try:
        conn.request("GET", "/health")
        return conn.getresponse().status == 200
    except OSError:
        return False
    finally:
        conn.close()


def wait_healthy(slot: Member, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if health_ok(slot, timeout=0.5):
            return True
        time.sleep(0.1)
    return False


def stop_app(layout: LabLayout, slot: Member, grace: float = 3.0) -> None:
    """SIGTERM the slot's process (SIGKILL after ``grace`` s) and remove its pidfile."""
    pidfile = layout.pidfile(slot.name)
    record = read_pidfile(pidfile)
    if record is not None and record_alive(record):
        stop_pids([record.pid], grace=grace)
    pidfile.unlink(missing_ok=True)
