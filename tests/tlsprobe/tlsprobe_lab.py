"""HAProxy configs and helpers for the TLS probe tests (imported by conftest.py and tests)."""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from archproof.lab.certs import LabCertificates

HAPROXY = shutil.which("haproxy") or (
    "/usr/sbin/haproxy" if Path("/usr/sbin/haproxy").exists() else None
)

COMPLIANT_GLOBAL = """\
global
    ssl-default-bind-options ssl-min-ver TLSv1.2
    ssl-default-bind-curves X25519:P-256:P-384
    ssl-default-bind-ciphers ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:\
ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:\
ECDHE-RSA-CHACHA20-POLY1305
"""

VIOLATING_GLOBAL = """\
global
    ssl-default-bind-options ssl-min-ver TLSv1.0
    ssl-default-bind-ciphers DEFAULT:@SECLEVEL=0
"""

DEFAULTS = """\
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


def https_frontend(name: str, port: int, bundle: Path, hsts: bool) -> str:
    lines = [
        f"frontend {name}",
        f"    bind 127.0.0.1:{port} ssl crt {bundle} alpn h2,http/1.1",
        '    http-request return status 200 content-type text/plain string "ok"',
    ]
    if hsts:
        header = '"max-age=31536000; includeSubDomains"'
        lines.append(f"    http-after-response set-header Strict-Transport-Security {header}")
    return "\n".join(lines) + "\n"


def redirect_frontend(name: str, port: int, https_port: int) -> str:
    target = f"https://%[req.hdr(host),field(1,:)]:{https_port}%[capture.req.uri]"
    return (
        f"frontend {name}\n"
        f"    bind 127.0.0.1:{port}\n"
        f"    http-request redirect location {target} code 301\n"
    )


def plain_frontend(name: str, port: int) -> str:
    return (
        f"frontend {name}\n"
        f"    bind 127.0.0.1:{port}\n"
        '    http-request return status 200 content-type text/plain string "plain"\n'
    )


def wait_listening(process: subprocess.Popen[bytes], ports: list[int], log: Path) -> None:
    deadline = time.monotonic() + 10
    pending = list(ports)
    while pending:
        if process.poll() is not None:
            raise RuntimeError(f"haproxy exited with {process.returncode}: {log.read_text()}")
        try:
            with socket.create_connection(("127.0.0.1", pending[0]), timeout=0.5):
                pending.pop(0)
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(
                    f"haproxy not listening on {pending}: {log.read_text()}"
                ) from None
            time.sleep(0.05)


@dataclass(frozen=True)
class Lab:
    """Ports and certificates of the running endpoints."""

    certs: LabCertificates
    good: int
    good_http: int
    expiring: int
    expiring_ca: Path
    untrusted: int
    other_ca: Path
    bad: int
    bad_http: int
