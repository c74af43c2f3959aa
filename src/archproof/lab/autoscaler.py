"""The lab autoscaler: an emulation of a cloud target-tracking scaling policy.

**In the lab this process plays the part of the cloud's autoscaler** (an AWS Auto Scaling group
with a target-tracking policy, or a Kubernetes HorizontalPodAutoscaler). On AWS or Kubernetes
archproof does not run anything like it: it observes the real autoscaler there.

Policy (``<lab_dir>/autoscaler-policy.json``, re-read on every evaluation, edited by
``archproof lab autoscaler on|off|policy``)::

    {"enabled": true, "target": 50.0, "min": 2, "max": 6,
     "scale_out_cooldown": 5.0, "scale_in_cooldown": 20.0, "window": 3.0, "interval": 1.0}

Every ``interval`` seconds it reads HAProxy's request total for backend ``app`` (runtime API
``show stat``), computes the request rate over the last ``window`` seconds and the metric
= rate / instances UP, and sets desired capacity = ceil(rate / target) within [min, max] —
what target tracking does. Scale out starts the next slot's app process, waits for its
``/health``, then ``set server app/appN state ready``. Scale in drains the highest slots
(``state drain``), waits a moment, puts them in ``maint`` and stops their processes. Scale out
waits ``scale_out_cooldown`` after the previous scale out; scale in waits ``scale_in_cooldown``
after any scaling activity (and after start).

Each evaluation that changes desired capacity appends one JSON line to
``<lab_dir>/autoscaler.jsonl``::

    {"t": 1764000000.12, "action": "scale_out", "from": 2, "to": 4,
     "metric": 91.5, "target": 50.0, "reason": "..."}

and every evaluation rewrites ``<lab_dir>/autoscaler-state.json`` with
``{"enabled": bool, "desired": n, "t": ...}`` (plus in_service, up, rate, metric). Disabled
means no action at all; the state file keeps being written with ``enabled: false``.

Run: ``python -m archproof.lab.autoscaler --lab-dir .lab`` (``archproof lab up`` starts it).
"""

from __future__ import annotations

import argparse
import json
import math
import signal
import sys
import threading
import time
from collections import deque
from dataclasses import asdict, dataclass, fields, replace
from pathlib import Path
from types import FrameType
from typing import Any

from archproof.errors import UsageError
from archproof.lab.apps import app_running, start_app, stop_app, wait_healthy
from archproof.lab.layout import LabLayout, Member
from archproof.lab.procs import LabError
from archproof.lab.runtime import RuntimeAPI, ServerState

BACKEND = "app"
DRAIN_SECONDS = 1.0
HEALTH_TIMEOUT = 20.0


@dataclass(frozen=True)
class Policy:
    """A target-tracking policy on requests per second per instance."""

    enabled: bool = True
    target: float = 50.0
    """Requests per second per UP instance the policy aims for."""
    min: int = 2
    max: int = 6
    scale_out_cooldown: float = 5.0
    scale_in_cooldown: float = 20.0
    window: float = 3.0
    """Seconds of request-total samples the rate is computed over."""
    replace_unhealthy_after: float = 3.0
    """Seconds an in-service instance may fail its health checks before it is replaced
    (like an ASG's health-check replacement or a Deployment's restart); 0: never."""
    interval: float = 1.0
    """Seconds between evaluations."""

    def validate(self, slots: int) -> Policy:
        problems = []
        if self.target <= 0:
            problems.append("target must be > 0")
        if not 1 <= self.min <= self.max:
            problems.append("need 1 <= min <= max")
        if self.max > slots:
            problems.append(f"max must be <= {slots} (the lab has {slots} app slots)")
        if self.scale_out_cooldown < 0 or self.scale_in_cooldown < 0:
            problems.append("cooldowns must be >= 0")
        if self.window <= 0 or self.interval <= 0:
            problems.append("window and interval must be > 0")
        if problems:
            raise UsageError("autoscaler policy: " + "; ".join(problems))
        return self

    def as_json(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Policy:
        known = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in known})


def load_policy(layout: LabLayout) -> Policy:
    """The policy file of the lab, or the default policy when there is none yet."""
    try:
        return Policy.from_json(json.loads(layout.policy_file.read_text()))
    except FileNotFoundError:
        return Policy()
    except (OSError, ValueError, TypeError) as exc:
        raise UsageError(f"{layout.policy_file}: not a valid policy: {exc}") from exc


def save_policy(layout: LabLayout, policy: Policy) -> Policy:
    policy.validate(len(layout.app_slots))
    layout.lab_dir.mkdir(parents=True, exist_ok=True)
    tmp = layout.policy_file.with_suffix(".tmp")
    tmp.write_text(json.dumps(policy.as_json(), indent=2) + "\n")
    tmp.replace(layout.policy_file)
    return policy


def update_policy(layout: LabLayout, **changes: Any) -> Policy:
    """Change some fields of the saved policy (``None`` values are left as they are)."""
    current = load_policy(layout)
    return save_policy(
        layout, replace(current, **{k: v for k, v in changes.items() if v is not None})
    )


@dataclass(frozen=True)
class Decision:
    action: str
    """``scale_out``, ``scale_in`` or ``replace`` (an unhealthy instance)."""
    current: int
    desired: int
    metric: float
    reason: str


class Autoscaler:
    """One evaluation per ``step()``; the process loop calls it every ``policy.interval``."""

    def __init__(self, layout: LabLayout, api: RuntimeAPI | None = None) -> None:
        self.layout = layout
        self.api = api or RuntimeAPI(layout.runtime_socket)
        self.samples: deque[tuple[float, int]] = deque()
        started = time.monotonic()
        self.last_scale_out = started - 1e9
        self.last_activity = started
        self.down_since: dict[str, float] = {}

    # ----- metric --------------------------------------------------------------------------

    def _rate(self, now: float, total: int, window: float) -> tuple[float, float]:
        """(requests per second, seconds covered) over the last ``window`` seconds."""
        if self.samples and total < self.samples[-1][1]:
            self.samples.clear()  # HAProxy restarted: counters went back to zero
        self.samples.append((now, total))
        while len(self.samples) > 2 and now - self.samples[1][0] >= window:
            self.samples.popleft()
        t0, n0 = self.samples[0]
        span = now - t0
        return ((total - n0) / span if span > 0 else 0.0), span

    # ----- decision ------------------------------------------------------------------------

    def decide(
        self, policy: Policy, servers: list[ServerState], rate: float, span: float, now: float
    ) -> Decision | None:
        active = [s for s in servers if not s.in_maintenance]
        up = [s for s in active if s.up]
        current = len(active)
        metric = rate / max(len(up), 1)
        if current < policy.min:
            return Decision("scale_out", current, policy.min, metric, f"below min {policy.min}")
        if current > policy.max:
            return Decision("scale_in", current, policy.max, metric, f"above max {policy.max}")
        if span < min(policy.window, 1.5 * policy.interval) * 0.9:
            return None  # not enough samples yet
        wanted = max(policy.min, min(policy.max, math.ceil(rate / policy.target)))
        detail = (
            f"{rate:.1f} req/s over {span:.1f} s on {len(up)} up = {metric:.1f} "
            f"per instance, target {policy.target:g}"
        )
        if wanted > current and now - self.last_scale_out >= policy.scale_out_cooldown:
            return Decision("scale_out", current, wanted, metric, f"metric above target: {detail}")
        if wanted < current and now - self.last_activity >= policy.scale_in_cooldown:
            return Decision("scale_in", current, wanted, metric, f"metric below target: {detail}")
        return None

    # ----- actions -------------------------------------------------------------------------

    def _slots(self, servers: list[ServerState]) -> tuple[list[Member], list[Member]]:
        by_name = {s.name: s for s in servers}
        active: list[Member] = []
        idle: list[Member] = []
        for slot in self.layout.app_slots:
            server = by_name.get(slot.name)
            if server is None:
                continue
            (idle if server.in_maintenance else active).append(slot)
        return active, idle

    def scale_out(self, servers: list[ServerState], count: int) -> list[str]:
        _, idle = self._slots(servers)
        chosen = idle[:count]
        for slot in chosen:
            if not app_running(self.layout, slot):
                start_app(self.layout, slot)
        ready = []
        for slot in chosen:
            if not wait_healthy(slot, HEALTH_TIMEOUT):
                print(f"autoscaler: {slot.name} did not answer /health", file=sys.stderr)
                stop_app(self.layout, slot)
                continue
            self.api.set_server_state(BACKEND, slot.name, "ready")
            ready.append(slot.name)
        return ready

    def scale_in(self, servers: list[ServerState], count: int) -> list[str]:
        active, _ = self._slots(servers)
        chosen = list(reversed(active))[:count]
        for slot in chosen:
            self.api.set_server_state(BACKEND, slot.name, "drain")
        time.sleep(DRAIN_SECONDS)
        for slot in chosen:
            self.api.set_server_state(BACKEND, slot.name, "maint")
            stop_app(self.layout, slot)
        return [s.name for s in chosen]

    def replace_unhealthy(
        self, policy: Policy, servers: list[ServerState], now: float
    ) -> list[str]:
        """Replace in-service instances that failed health checks for too long; log each."""
        if not policy.replace_unhealthy_after:
            self.down_since.clear()
            return []
        failing = {s.name for s in servers if not s.in_maintenance and not s.up}
        self.down_since = {n: t for n, t in self.down_since.items() if n in failing}
        replaced = []
        for name in sorted(failing):
            since = self.down_since.setdefault(name, now)
            if now - since < policy.replace_unhealthy_after:
                continue
            slot = self.layout.app_slot(name)
            stop_app(self.layout, slot, grace=0.5)
            start_app(self.layout, slot)
            healthy = wait_healthy(slot, HEALTH_TIMEOUT)
            active = sum(1 for s in servers if not s.in_maintenance)
            self._log(
                Decision(
                    "replace",
                    active,
                    active,
                    0.0,
                    f"{name} failed health checks for {now - since:.1f} s: replaced"
                    + ("" if healthy else " (the new instance is not healthy yet)"),
                ),
                policy,
            )
            self.down_since.pop(name, None)
            replaced.append(name)
        return replaced

    # ----- one evaluation ------------------------------------------------------------------

    def step(self) -> Decision | None:
        policy = load_policy(self.layout)
        now = time.monotonic()
        servers = self.api.servers(BACKEND)
        if policy.enabled and self.replace_unhealthy(policy, servers, now):
            servers = self.api.servers(BACKEND)
        total = sum(s.requests for s in servers)
        rate, span = self._rate(now, total, policy.window)
        active = [s for s in servers if not s.in_maintenance]
        up = [s for s in active if s.up]
        decision = self.decide(policy, servers, rate, span, now) if policy.enabled else None
        desired = decision.desired if decision else len(active)
        self._write_state(policy, desired, len(active), len(up), rate)
        if decision is None:
            return None
        self._log(decision, policy)
        self.last_activity = now
        if decision.action == "scale_out":
            self.last_scale_out = now
            self.scale_out(servers, decision.desired - decision.current)
        else:
            self.scale_in(servers, decision.current - decision.desired)
        self.last_activity = time.monotonic()
        return decision

    def _write_state(
        self, policy: Policy, desired: int, in_service: int, up: int, rate: float
    ) -> None:
        state = {
            "enabled": policy.enabled,
            "desired": desired,
            "t": round(time.time(), 3),
            "in_service": in_service,
            "up": up,
            "rate": round(rate, 2),
            "metric": round(rate / max(up, 1), 2),
            "target": policy.target,
            "min": policy.min,
            "max": policy.max,
        }
        tmp = self.layout.autoscaler_state.with_suffix(".tmp")
        tmp.write_text(json.dumps(state) + "\n")
        tmp.replace(self.layout.autoscaler_state)

    def _log(self, decision: Decision, policy: Policy) -> None:
        line = {
            "t": round(time.time(), 3),
            "action": decision.action,
            "from": decision.current,
            "to": decision.desired,
            "metric": round(decision.metric, 2),
            "target": policy.target,
            "reason": decision.reason,
        }
        with self.layout.autoscaler_log.open("a") as out:
            out.write(json.dumps(line) + "\n")


def read_log(path: Path) -> list[dict[str, Any]]:
    """The decisions in an ``autoscaler.jsonl`` (empty when there is none)."""
    try:
        text = path.read_text()
    except FileNotFoundError:
        return []
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def run(layout: LabLayout) -> int:
    stop = threading.Event()

    def on_signal(signum: int, frame: FrameType | None) -> None:
        stop.set()

    signal.signal(signal.SIGTERM, on_signal)
    signal.signal(signal.SIGINT, on_signal)
    scaler = Autoscaler(layout)
    print(f"autoscaler: watching backend {BACKEND} via {layout.runtime_socket}", flush=True)
    while not stop.is_set():
        started = time.monotonic()
        interval = 1.0
        try:
            interval = load_policy(layout).interval
            decision = scaler.step()
            if decision is not None:
                print(f"autoscaler: {decision}", flush=True)
        except (LabError, UsageError, OSError) as exc:
            print(f"autoscaler: evaluation failed: {exc}", file=sys.stderr, flush=True)
        stop.wait(max(0.05, interval - (time.monotonic() - started)))
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m archproof.lab.autoscaler", description=__doc__.split("\n\n")[0]
    )
    parser.add_argument("--lab-dir", type=Path, required=True)
    args = parser.parse_args(argv)
    return run(LabLayout.load(args.lab_dir.resolve()))


if __name__ == "__main__":
    raise SystemExit(main())
