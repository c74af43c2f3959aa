"""Generator efficiency: locust FastHttpUser requests per CPU-second against a trivial
loopback target, beside wrk on the same target (the physical limit here), and the ratio.

The target is HAProxy answering ``200 ok`` itself (no backend), on 127.0.0.1, so the
generator is what is measured. Each generator runs as one process on one thread; requests
per second of the generator's own CPU time (user + system, from rusage) is "per core".
Run: .venv/bin/python bench/generator_efficiency.py [SECONDS]      (default 10)
Needs haproxy and wrk (scripts/lab-install.sh installs both).
"""

from __future__ import annotations

import csv
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
LOCUST = Path(sys.executable).with_name("locust")
USERS = 8
"""locust users (one greenlet each); measured best on this machine between 4 and 32."""


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _haproxy(port: int, folder: Path) -> subprocess.Popen[bytes]:
    config = folder / "haproxy.cfg"
    config.write_text(
        "global\n    maxconn 4096\n    nbthread 1\n"
        "defaults\n    mode http\n    timeout connect 2s\n    timeout client 10s\n"
        "    timeout server 10s\n"
        f"frontend trivial\n    bind 127.0.0.1:{port}\n"
        '    http-request return status 200 content-type text/plain string "ok"\n'
    )
    process = subprocess.Popen(["haproxy", "-db", "-f", str(config)])
    deadline = time.time() + 5
    while time.time() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return process
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise SystemExit("haproxy did not start")


def _run_measured(command: list[str]) -> tuple[str, float]:
    """Run ``command``; its stdout and the CPU seconds (user + system) it alone used."""
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdout is not None
    out = process.stdout.read().decode()
    _, _, usage = os.wait4(process.pid, 0)
    process.returncode = 0
    return out, usage.ru_utime + usage.ru_stime


def run_wrk(url: str, seconds: int) -> tuple[float, float]:
    """(requests per wall second, requests per CPU second) of wrk with one thread."""
    out, cpu = _run_measured(["wrk", "-t1", "-c32", f"-d{seconds}s", url])
    match = re.search(r"(\d+) requests in ([\d.]+)s", out)
    if match is None:
        raise SystemExit(f"wrk output not understood:\n{out}")
    requests, wall = int(match.group(1)), float(match.group(2))
    return requests / wall, requests / cpu


def run_locust(url: str, seconds: int, folder: Path) -> tuple[float, float]:
    """(requests per wall second, requests per CPU second) of one locust process."""
    prefix = folder / "gen"
    _, cpu = _run_measured(
        [
            str(LOCUST),
            "-f",
            str(HERE / "generator_locustfile.py"),
            "--headless",
            "-u",
            str(USERS),
            "-r",
            str(USERS),
            "-t",
            f"{seconds}s",
            "-H",
            url.rstrip("/"),
            "--csv",
            str(prefix),
            "--only-summary",
            "--loglevel",
            "ERROR",
        ]
    )
    with (folder / "gen_stats.csv").open(newline="") as handle:
        row = next(r for r in csv.DictReader(handle) if r["Name"] == "Aggregated")
    requests = int(row["Request Count"])
    return float(row["Requests/s"]), requests / cpu


def main() -> int:
    seconds = int(sys.argv[1]) if len(sys.argv) > 1 else 10
    for tool in ("haproxy", "wrk"):
        if shutil.which(tool) is None:
            print(f"{tool} is not installed: run scripts/lab-install.sh", file=sys.stderr)
            return 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        port = _free_port()
        server = _haproxy(port, folder)
        url = f"http://127.0.0.1:{port}/"
        try:
            wrk_wall, wrk_cpu = run_wrk(url, seconds)
            locust_wall, locust_cpu = run_locust(url, seconds, folder)
        finally:
            server.terminate()
            server.wait()
    print(f"target: HAProxy static 200 on {url} ({seconds} s each, 32 connections, 1 thread)")
    print(f"{'generator':<22}{'req/s (wall)':>14}{'req/s per CPU-s':>18}")
    print(f"{'wrk':<22}{wrk_wall:>14,.0f}{wrk_cpu:>18,.0f}")
    print(f"{'locust FastHttpUser':<22}{locust_wall:>14,.0f}{locust_cpu:>18,.0f}")
    print(
        f"locust / wrk per core: {locust_cpu / wrk_cpu:.3f}   (wall: {locust_wall / wrk_wall:.3f})"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
