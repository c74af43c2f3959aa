"""HAProxy runtime API client: talks to the stats unix socket directly (no socat).

One command per connection (HAProxy's non-interactive mode)::

    api = RuntimeAPI(layout.runtime_socket)
    api.servers("app")            # [ServerState(name='app1', status='UP', up=True, ...), ...]
    api.set_server_state("app", "app3", "ready")   # or "drain" / "maint"
    api.show_info()["Version"]
"""

from __future__ import annotations

import csv
import io
import socket
from dataclasses import dataclass
from pathlib import Path

from archproof.lab.procs import LabError

SERVER_STATES = ("ready", "drain", "maint")


class RuntimeAPIError(LabError):
    """The runtime API socket is missing, refused, or answered with an error."""


@dataclass(frozen=True)
class ServerState:
    """One server line of ``show stat``."""

    backend: str
    name: str
    address: str
    status: str
    """HAProxy's status text: UP, DOWN, MAINT, DRAIN, "UP 1/2", "no check" …"""
    up: bool
    """Serves traffic now: status UP (or going down but still UP) or DRAIN without maintenance."""
    requests: int
    """Total HTTP requests sent to this server (``req_tot``; sessions in TCP mode)."""
    sessions: int
    """Current sessions (``scur``)."""
    weight: int

    @property
    def in_maintenance(self) -> bool:
        return self.status.startswith("MAINT")


class RuntimeAPI:
    """Client for one HAProxy stats socket (``level admin``)."""

    def __init__(self, socket_path: Path, timeout: float = 3.0) -> None:
        self.socket_path = Path(socket_path)
        self.timeout = timeout

    def command(self, line: str) -> str:
        """Send one command and return HAProxy's whole answer."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        sock.settimeout(self.timeout)
        try:
            sock.connect(str(self.socket_path))
            sock.sendall(line.encode() + b"\n")
            chunks: list[bytes] = []
            while True:
                chunk = sock.recv(65536)
                if not chunk:
                    break
                chunks.append(chunk)
        except OSError as exc:
            raise RuntimeAPIError(
                f"HAProxy runtime API {self.socket_path}: {line!r}: {exc}"
            ) from exc
        finally:
            sock.close()
        return b"".join(chunks).decode(errors="replace")

    def show_stat(self) -> list[dict[str, str]]:
        """``show stat`` as one dict per line (keys are the CSV header: pxname, svname …)."""
        text = self.command("show stat")
        if not text.startswith("# "):
            raise RuntimeAPIError(f"unexpected answer to 'show stat': {text[:200]!r}")
        reader = csv.DictReader(io.StringIO(text[2:]))
        return [{k: v for k, v in row.items() if k} for row in reader if row.get("pxname")]

    def show_info(self) -> dict[str, str]:
        """``show info`` as a dict (Name, Version, Uptime_sec, CurrConns …)."""
        out: dict[str, str] = {}
        for line in self.command("show info").splitlines():
            key, sep, value = line.partition(":")
            if sep:
                out[key.strip()] = value.strip()
        return out

    def servers(self, backend: str) -> list[ServerState]:
        """The servers of ``backend`` in config order."""
        out: list[ServerState] = []
        for row in self.show_stat():
            if row.get("pxname") != backend or row.get("svname") in ("FRONTEND", "BACKEND"):
                continue
            status = row.get("status", "")
            out.append(
                ServerState(
                    backend=backend,
                    name=row["svname"],
                    address=row.get("addr", ""),
                    status=status,
                    up=status.startswith("UP") or status in ("DRAIN", "no check"),
                    requests=_int(row.get("req_tot")) or _int(row.get("stot")),
                    sessions=_int(row.get("scur")),
                    weight=_int(row.get("weight")),
                )
            )
        return out

    def backend_requests(self, backend: str) -> int:
        """Total HTTP requests the backend received (``req_tot`` of its BACKEND line)."""
        for row in self.show_stat():
            if row.get("pxname") == backend and row.get("svname") == "BACKEND":
                return _int(row.get("req_tot")) or _int(row.get("stot"))
        raise RuntimeAPIError(f"HAProxy has no backend {backend!r}")

    def set_server_state(self, backend: str, server: str, state: str) -> None:
        """``set server BACKEND/SERVER state ready|drain|maint``."""
        if state not in SERVER_STATES:
            raise RuntimeAPIError(f"server state must be one of {SERVER_STATES}, not {state!r}")
        answer = self.command(f"set server {backend}/{server} state {state}").strip()
        if answer:
            raise RuntimeAPIError(f"set server {backend}/{server} state {state}: {answer}")

    def shutdown_sessions(self, backend: str, server: str) -> None:
        """``shutdown sessions server BACKEND/SERVER``: cut the server's open connections."""
        answer = self.command(f"shutdown sessions server {backend}/{server}").strip()
        if answer:
            raise RuntimeAPIError(f"shutdown sessions server {backend}/{server}: {answer}")


def _int(value: str | None) -> int:
    try:
        return int(value or 0)
    except ValueError:
        return 0
