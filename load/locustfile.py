"""The entry-point user for archproof's load proofs (run by locust as a subprocess only).

``archproof load`` passes the spec's ``load:`` section in ``ARCHPROOF_LOAD_PROFILE`` (JSON):
the paths with their weights, the shape (ramp, step, spike, soak) and the think time.
``ARCHPROOF_CA_FILE`` names a CA to verify the entry point's certificate with; without it
TLS is not verified here (the TLS probe judges the certificate separately).

Usable directly too: ``ARCHPROOF_LOAD_PROFILE='{"shape": {"kind": "step"}}' locust -f
load/locustfile.py --headless -H https://entry.example``.
"""

from __future__ import annotations

import os
import ssl
from collections.abc import Callable

from locust import LoadTestShape, constant
from locust.contrib.fasthttp import FastHttpUser

from archproof.load.shapes import spawn_rate_at, users_at
from archproof.spec.load_profile import EntryPath, LoadProfile

PROFILE = LoadProfile.model_validate_json(os.environ.get("ARCHPROOF_LOAD_PROFILE", "{}"))
CA_FILE = os.environ.get("ARCHPROOF_CA_FILE", "")


def _verified_context(*_args: object, **_kwargs: object) -> ssl.SSLContext:
    """A context trusting ``ARCHPROOF_CA_FILE`` (geventhttpclient may pass its own cafile)."""
    import gevent.ssl  # type: ignore[import-untyped]

    context: ssl.SSLContext = gevent.ssl.create_default_context(cafile=CA_FILE)
    return context


def _request(entry: EntryPath) -> Callable[[FastHttpUser], None]:
    label = entry.name or entry.path

    def hit(user: FastHttpUser) -> None:
        user.client.request(entry.method, entry.path, name=label)

    hit.__name__ = f"hit_{label.strip('/').replace('/', '_') or 'root'}"
    return hit


class EntryPointUser(FastHttpUser):
    """Hits the documented entry paths by weight, with the spec's think time."""

    wait_time = constant(PROFILE.shape.wait_s)
    network_timeout = 15.0
    connection_timeout = 5.0
    insecure = not CA_FILE
    ssl_context_factory = staticmethod(_verified_context) if CA_FILE else None
    tasks = {_request(entry): entry.weight for entry in PROFILE.paths}  # type: ignore[assignment]  # noqa: RUF012


class SpecShape(LoadTestShape):
    """Users over time from the spec's shape; stops by itself at ``duration_s``."""

    def tick(self) -> tuple[int, float] | None:
        elapsed: float = self.get_run_time()  # type: ignore[no-untyped-call]
        users = users_at(PROFILE.shape, elapsed)
        if users is None:
            return None
        return users, spawn_rate_at(PROFILE.shape, elapsed)
