"""Detached helper processes of an experiment (traffic probe, RPO writers).

Each runs ``python -m <module> …`` in its own session (a Ctrl-C in the terminal does not reach
it), stops by itself after its ``--max-seconds``, and has in the records dir a pidfile
``<name>.pid`` (PID and kernel start time, so a recycled PID is never signalled), a log
``<name>.log`` and a state file ``<name>.json`` naming its run.
"""

from __future__ import annotations

import signal
import sys
import time
from pathlib import Path
from types import FrameType
from typing import Any

from archproof.chaos.records import ActivityFailed, read_json, write_json
from archproof.lab.apps import child_env
from archproof.lab.procs import read_pidfile, record_alive, spawn, stop_pids

START_TIMEOUT = 15.0
STOP_GRACE = 6.0


def running_pid(records: Path, name: str) -> int | None:
    """The PID of helper ``name`` while it runs."""
    record = read_pidfile(records / f"{name}.pid")
    return record.pid if record is not None and record_alive(record) else None


def start(
    records: Path,
    name: str,
    module: str,
    args: list[str],
    out: Path,
    state: dict[str, Any],
) -> int:
    """Start helper ``name`` (stopping a previous one of that name first) and wait until it
    appended its first line to ``out``; returns its PID."""
    stop(records, name)
    offset = out.stat().st_size if out.exists() else 0
    log = records / f"{name}.log"
    record = spawn(
        name,
        [sys.executable, "-m", module, *args],
        records / f"{name}.pid",
        log,
        env=child_env(),
        cwd=records,
    )
    write_json(records / f"{name}.json", {**state, "pid": record.pid, "started": time.time()})
    deadline = time.monotonic() + START_TIMEOUT
    while True:
        if out.exists() and b"\n" in out.read_bytes()[offset:]:
            return record.pid
        if not record_alive(record) or time.monotonic() >= deadline:
            stop(records, name)
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            why = "exited" if not record_alive(record) else f"wrote nothing in {START_TIMEOUT:g} s"
            raise ActivityFailed(f"{name} {why}: {' | '.join(tail)}")
        time.sleep(0.05)


def stop(records: Path, name: str) -> bool:
    """SIGTERM helper ``name`` (SIGKILL after a grace period) and wait until it is gone;
    True when it was running."""
    pid = running_pid(records, name)
    if pid is not None:
        stop_pids([pid], grace=STOP_GRACE, first=signal.SIGTERM)
    (records / f"{name}.pid").unlink(missing_ok=True)
    return pid is not None


def state(records: Path, name: str) -> dict[str, Any]:
    """The state file of helper ``name`` ({} when it never ran here)."""
    data = read_json(records / f"{name}.json")
    return data if isinstance(data, dict) else {}


class StopFlag:
    """Set by SIGTERM/SIGINT in a helper process; safe in a signal handler (no lock, unlike
    ``threading.Event``, whose ``set`` can deadlock against a ``wait`` of the main thread)."""

    def __init__(self) -> None:
        self._set = False

    def set(self) -> None:
        self._set = True

    def is_set(self) -> bool:
        return self._set

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, waking within 50 ms of ``set``; True when set."""
        deadline = time.monotonic() + timeout
        while not self._set:
            left = deadline - time.monotonic()
            if left <= 0:
                break
            time.sleep(min(left, 0.05))
        return self._set

    def on_signals(self) -> None:
        """Set this flag on SIGTERM and SIGINT."""

        def handler(signum: int, frame: FrameType | None) -> None:
            self._set = True

        signal.signal(signal.SIGTERM, handler)
        signal.signal(signal.SIGINT, handler)
