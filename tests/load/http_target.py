"""A real HTTP server on 127.0.0.1 for load tests, with a capacity it reports itself.

It stands in for the system under test, not for archproof: locust drives it over real
sockets, and its ``TargetObserver`` reads the capacity a real autoscaler would have set
(one more instance per ``scale_every`` requests, up to ``max_capacity``).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

from archproof.load.observers.base import CapacitySample, ObserverError


@dataclass
class TargetState:
    status: int = 200
    requests: int = 0
    capacity: int = 2
    scale_every: int = 0
    """0: never scales; N: one more instance per N requests."""
    max_capacity: int = 4
    observer_broken: str = ""
    lock: threading.Lock = field(default_factory=threading.Lock)

    def hit(self) -> None:
        with self.lock:
            self.requests += 1
            if self.scale_every and self.requests % self.scale_every == 0:
                self.capacity = min(self.max_capacity, self.capacity + 1)


class TargetObserver:
    def __init__(self, state: TargetState) -> None:
        self.state = state

    @property
    def name(self) -> str:
        return "test-target"

    def sample(self) -> CapacitySample:
        if self.state.observer_broken:
            raise ObserverError(self.state.observer_broken)
        with self.state.lock:
            return CapacitySample(
                t=time.time(), desired=self.state.capacity, healthy=self.state.capacity
            )


@contextmanager
def http_target(state: TargetState) -> Iterator[str]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:
            state.hit()
            body = b'{"ok": true}'
            self.send_response(state.status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, format: str, *args: object) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
