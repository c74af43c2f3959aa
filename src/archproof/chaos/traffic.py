"""Background traffic probe: steady HTTPS requests through the entry for a whole experiment.

Runs as a detached process (its own session; stops by itself after ``--max-seconds``)::

    python -m archproof.chaos.traffic --url https://127.0.9.1/ --ca .lab/tls/ca.pem \\
        --out records/traffic.jsonl --rate 20 --max-seconds 300

Requests are open-loop: one starts every ``1/rate`` seconds whatever earlier ones are doing (a
hung backend does not slow the probe down), each on a fresh TLS connection verified with the
lab CA, with a short timeout (2 s). One JSON line per request::

    {"t": 1764000000.05, "ok": true, "status": 200, "latency_ms": 12.3, "error": ""}

``t`` is the request's start (epoch s); ``ok`` means status 200. From chaostoolkit use
``start_traffic`` / ``stop_traffic``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import ssl
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, TextIO
from urllib.parse import urlsplit

from archproof.chaos import detached
from archproof.chaos.records import Configuration, layout, read_jsonl, records_dir

__all__ = ["start_traffic", "stop_traffic"]

NAME = "traffic"
OUT = "traffic.jsonl"
TIMEOUT = 2.0


def start_traffic(
    rate: float = 20,
    max_seconds: float = 300,
    path: str = "/",
    configuration: Configuration = None,
) -> int:
    """Start the background traffic probe: ``rate`` HTTPS GETs of ``path`` per second through
    the lab's entry for at most ``max_seconds``, each recorded in
    ``<records_dir>/traffic.jsonl``. Returns its PID once the first request is recorded."""
    lay = layout(configuration)
    records = records_dir(configuration)
    url = lay.entry_url.rstrip("/") + "/" + path.lstrip("/")
    out = records / OUT
    args = [
        "--url",
        url,
        "--ca",
        str(lay.ca_file),
        "--out",
        str(out),
        "--rate",
        f"{rate:g}",
        "--max-seconds",
        f"{max_seconds:g}",
    ]
    state = {"url": url, "rate": rate, "max_seconds": max_seconds, "out": str(out)}
    return detached.start(records, NAME, "archproof.chaos.traffic", args, out, state)


def stop_traffic(configuration: Configuration = None) -> dict[str, Any]:
    """Stop the background traffic probe (if it still runs) and summarize its run:
    {"requests", "failures", "first_t", "last_t", "was_running"}."""
    records = records_dir(configuration)
    was_running = detached.stop(records, NAME)
    started = float(detached.state(records, NAME).get("started", 0.0))
    lines = [r for r in read_jsonl(records / OUT) if float(r.get("t", 0)) >= started - 1]
    return {
        "requests": len(lines),
        "failures": sum(1 for r in lines if not r.get("ok")),
        "first_t": min((float(r["t"]) for r in lines), default=None),
        "last_t": max((float(r["t"]) for r in lines), default=None),
        "was_running": was_running,
    }


# ----- the probe process ---------------------------------------------------------------------


class Probe:
    """Open-loop HTTPS requests to one URL, one JSON line each."""

    def __init__(self, url: str, ca: Path, out: TextIO, timeout: float = TIMEOUT) -> None:
        parts = urlsplit(url)
        if parts.scheme != "https" or not parts.hostname:
            raise ValueError(f"not an https URL: {url}")
        self.host = parts.hostname
        self.port = parts.port or 443
        self.target = (parts.path or "/") + (f"?{parts.query}" if parts.query else "")
        self.context = ssl.create_default_context(cafile=str(ca))
        self.timeout = timeout
        self.out = out
        self.lock = threading.Lock()

    def one(self, t: float) -> None:
        t0 = time.perf_counter()
        status: int | None = None
        error = ""
        conn = http.client.HTTPSConnection(
            self.host, self.port, context=self.context, timeout=self.timeout
        )
        try:
            conn.request("GET", self.target, headers={"Connection": "close"})
            resp = conn.getresponse()
            resp.read()
            status = resp.status
            if status != 200:
                error = f"HTTP {status}"
        except (OSError, http.client.HTTPException) as exc:
            error = f"{type(exc).__name__}: {exc}".strip()
        finally:
            conn.close()
        line = {
            "t": round(t, 4),
            "ok": status == 200,
            "status": status,
            "latency_ms": round((time.perf_counter() - t0) * 1000, 2),
            "error": error,
        }
        with self.lock:
            self.out.write(json.dumps(line) + "\n")
            self.out.flush()

    def run(self, rate: float, max_seconds: float, stop: detached.StopFlag) -> None:
        interval = 1.0 / rate
        workers = int(rate * self.timeout * 2) + 4
        start = time.monotonic()
        with ThreadPoolExecutor(max_workers=workers) as pool:
            n = 0
            while not stop.is_set():
                due = start + n * interval
                if due - start >= max_seconds:
                    break
                delay = due - time.monotonic()
                if delay > 0 and stop.wait(delay):
                    break
                pool.submit(self.one, time.time())
                n += 1


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m archproof.chaos.traffic", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--url", required=True)
    parser.add_argument("--ca", type=Path, required=True)
    parser.add_argument("--out", type=Path, required=True)
    parser.add_argument("--rate", type=float, default=20.0)
    parser.add_argument("--max-seconds", type=float, default=300.0)
    parser.add_argument("--timeout", type=float, default=TIMEOUT)
    args = parser.parse_args(argv)
    if args.rate <= 0 or args.max_seconds <= 0:
        parser.error("--rate and --max-seconds must be > 0")
    stop = detached.StopFlag()
    stop.on_signals()
    with args.out.open("a") as out:
        Probe(args.url, args.ca, out, args.timeout).run(args.rate, args.max_seconds, stop)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
