"""Real HAProxy endpoints on 127.0.0.1 for the TLS probe: compliant, violating, expiring, untrusted.

Two HAProxy processes per module run: one with the compliant global TLS settings (its
frontends serve a good, a soon-expiring and an untrusted certificate) and one that accepts
TLS 1.0/1.1 with permissive ciphers, no HSTS and no redirect.
"""

from __future__ import annotations

import subprocess
from collections.abc import Callable, Iterator

import pytest
from tlsprobe_lab import (
    COMPLIANT_GLOBAL,
    DEFAULTS,
    HAPROXY,
    VIOLATING_GLOBAL,
    Lab,
    free_port,
    https_frontend,
    plain_frontend,
    redirect_frontend,
    wait_listening,
)

from archproof.lab.certs import make_certificates

StartHaproxy = Callable[[str, list[int]], None]
"""Start HAProxy with this config text and wait until these ports listen."""


@pytest.fixture(scope="module")
def run_haproxy(tmp_path_factory: pytest.TempPathFactory) -> Iterator[StartHaproxy]:
    """Start ``haproxy -db -f cfg`` processes; every one is stopped (by its PID) at module end."""
    if HAPROXY is None:
        pytest.skip("haproxy is not installed (apt-get install haproxy)")
    processes: list[subprocess.Popen[bytes]] = []

    def start(config: str, ports: list[int]) -> None:
        folder = tmp_path_factory.mktemp("haproxy")
        cfg, log = folder / "haproxy.cfg", folder / "haproxy.log"
        cfg.write_text(config)
        with log.open("wb") as out:
            process = subprocess.Popen(
                [str(HAPROXY), "-db", "-f", str(cfg)], stdout=out, stderr=subprocess.STDOUT
            )
        processes.append(process)
        wait_listening(process, ports, log)

    try:
        yield start
    finally:
        for process in processes:
            process.terminate()
        for process in processes:
            try:
                process.wait(timeout=5)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


@pytest.fixture(scope="module")
def lab(run_haproxy: StartHaproxy, tmp_path_factory: pytest.TempPathFactory) -> Lab:
    start = run_haproxy
    base = tmp_path_factory.mktemp("tlsprobe-certs")
    certs = make_certificates(base / "good")
    expiring = make_certificates(base / "expiring", days=3)
    stranger = make_certificates(base / "stranger")
    ports = [free_port() for _ in range(6)]
    good, good_http, soon, untrusted, bad, bad_http = ports
    start(
        COMPLIANT_GLOBAL
        + DEFAULTS
        + https_frontend("good", good, certs.bundle, hsts=True)
        + redirect_frontend("good_http", good_http, good)
        + https_frontend("expiring", soon, expiring.bundle, hsts=True)
        + https_frontend("untrusted", untrusted, stranger.bundle, hsts=True),
        [good, good_http, soon, untrusted],
    )
    start(
        VIOLATING_GLOBAL
        + DEFAULTS
        + https_frontend("bad", bad, certs.bundle, hsts=False)
        + plain_frontend("bad_http", bad_http),
        [bad, bad_http],
    )
    return Lab(certs, good, good_http, soon, expiring.ca, untrusted, stranger.ca, bad, bad_http)
