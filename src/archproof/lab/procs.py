"""Processes and ports of the lab: start with a recorded real PID, stop, and check listeners.

Every server is started by exec (no shell wrapper) in its own session, so a Ctrl-C in the
terminal does not reach it, with stdout/stderr in a log file. The pidfile holds JSON with the
PID and its kernel start time, so a recycled PID is never taken for a lab process.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from archproof.errors import ArchproofError

_CHILDREN: dict[int, subprocess.Popen[bytes]] = {}
"""Processes this Python process started: polled to reap them (no zombies)."""


class LabError(ArchproofError):
    """The lab could not be started, checked or stopped as asked."""


@dataclass(frozen=True)
class ProcRecord:
    name: str
    pid: int
    start: int
    """Kernel start time (clock ticks since boot), field 22 of /proc/PID/stat."""
    argv: tuple[str, ...]
    log: str


def _start_time(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    fields = stat[stat.rindex(")") + 2 :].split()
    if fields[0] == "Z":
        return None
    return int(fields[19])


def pid_alive(pid: int, start: int | None = None) -> bool:
    """True while ``pid`` runs (not a zombie) and, if given, started at ``start``."""
    child = _CHILDREN.get(pid)
    if child is not None and child.poll() is not None:
        _CHILDREN.pop(pid, None)
        return False
    now = _start_time(pid)
    if now is None:
        return False
    return start is None or now == start


def spawn(
    name: str,
    argv: Sequence[str],
    pidfile: Path,
    log: Path,
    env: Mapping[str, str] | None = None,
    cwd: Path | None = None,
) -> ProcRecord:
    """Start ``argv`` (exec'd directly) in a new session and record its PID in ``pidfile``."""
    log.parent.mkdir(parents=True, exist_ok=True)
    pidfile.parent.mkdir(parents=True, exist_ok=True)
    with log.open("ab") as out:
        try:
            proc = subprocess.Popen(
                list(argv),
                stdin=subprocess.DEVNULL,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=dict(env) if env is not None else None,
                cwd=cwd,
                start_new_session=True,
                close_fds=True,
            )
        except OSError as exc:
            raise LabError(f"cannot start {name} ({argv[0]}): {exc}") from exc
    _CHILDREN[proc.pid] = proc
    start = _start_time(proc.pid) or 0
    record = ProcRecord(name, proc.pid, start, tuple(argv), str(log))
    tmp = pidfile.with_suffix(".tmp")
    tmp.write_text(json.dumps(record.__dict__) + "\n")
    tmp.replace(pidfile)
    return record


def read_pidfile(path: Path) -> ProcRecord | None:
    try:
        data = json.loads(path.read_text())
        return ProcRecord(
            data["name"], int(data["pid"]), int(data["start"]), tuple(data["argv"]), data["log"]
        )
    except (OSError, ValueError, KeyError, TypeError):
        return None


def record_alive(record: ProcRecord) -> bool:
    return pid_alive(record.pid, record.start or None)


def postmaster_pid(data_dir: Path) -> int | None:
    """The postmaster PID from ``data_dir/postmaster.pid`` if that process still runs."""
    try:
        first = (data_dir / "postmaster.pid").read_text().splitlines()[0]
        pid = int(first.strip())
    except (OSError, ValueError, IndexError):
        return None
    return pid if pid_alive(pid) else None


def _signal(pid: int, sig: signal.Signals) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.kill(pid, sig)


def stop_pids(
    pids: Iterable[int],
    grace: float = 5.0,
    first: signal.Signals = signal.SIGTERM,
) -> list[int]:
    """Send ``first`` to every live PID, wait up to ``grace`` s, then SIGKILL the rest.

    Returns the PIDs that had to be killed. Waits until every PID is gone (at most 5 s more).
    """
    live = [p for p in set(pids) if pid_alive(p)]
    for pid in live:
        _signal(pid, first)
    deadline = time.monotonic() + grace
    while live and time.monotonic() < deadline:
        live = [p for p in live if pid_alive(p)]
        if live:
            time.sleep(0.05)
    killed = list(live)
    for pid in live:
        _signal(pid, signal.SIGKILL)
    deadline = time.monotonic() + 5.0
    while live and time.monotonic() < deadline:
        live = [p for p in live if pid_alive(p)]
        if live:
            time.sleep(0.02)
    return killed


# ----- listening sockets ---------------------------------------------------------------------


@dataclass(frozen=True)
class Listener:
    host: str
    port: int
    inode: int


def _hex_to_ipv4(hex_addr: str) -> str:
    return socket.inet_ntoa(bytes.fromhex(hex_addr)[::-1])


def tcp_listeners() -> list[Listener]:
    """Every TCP (IPv4 and IPv6) socket in LISTEN state on this machine's namespace."""
    out: list[Listener] = []
    for table, v6 in (("/proc/net/tcp", False), ("/proc/net/tcp6", True)):
        try:
            lines = Path(table).read_text().splitlines()[1:]
        except OSError:
            continue
        for line in lines:
            parts = line.split()
            if len(parts) < 10 or parts[3] != "0A":
                continue
            addr, port_hex = parts[1].split(":")
            if v6:
                raw = bytes.fromhex(addr)
                words = b"".join(raw[i : i + 4][::-1] for i in range(0, 16, 4))
                host = socket.inet_ntop(socket.AF_INET6, words)
                if host.startswith("::ffff:"):
                    host = host[7:]
            else:
                host = _hex_to_ipv4(addr)
            out.append(Listener(host, int(port_hex, 16), int(parts[9])))
    return out


def _owner_of(inode: int) -> str:
    target = f"socket:[{inode}]"
    for proc in Path("/proc").iterdir():
        if not proc.name.isdigit():
            continue
        try:
            for fd in (proc / "fd").iterdir():
                if os.readlink(fd) == target:
                    comm = (proc / "comm").read_text().strip()
                    return f"pid {proc.name} ({comm})"
        except OSError:
            continue
    return "unknown process"


def taken(wanted: Iterable[tuple[str, int, str]]) -> list[str]:
    """Human lines naming each wanted (host, port, what) that something already listens on."""
    listeners = tcp_listeners()
    problems: list[str] = []
    for host, port, what in wanted:
        for lst in listeners:
            if lst.port == port and lst.host in (host, "0.0.0.0", "::"):
                problems.append(
                    f"{host}:{port} ({what}) is taken: {lst.host}:{lst.port} "
                    f"is listened on by {_owner_of(lst.inode)}"
                )
                break
    return problems


def wait_port(host: str, port: int, timeout: float) -> bool:
    """True once a TCP connect to host:port succeeds within ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        try:
            with socket.create_connection((host, port), timeout=0.5):
                return True
        except OSError:
            if time.monotonic() >= deadline:
                return False
            time.sleep(0.05)
